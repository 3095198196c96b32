"""Build a `Trace` (see trace.py): the drawn grid and, per output cell, the taps it meets.

The gather is vectorised (one fancy-index for all cells and taps); only the creation of the
`Step` objects loops over output cells, which `MAX_TRACE_STEPS` keeps small. Each result is the
sum of its products added one at a time in tap order, exactly as the fast paths add them, so
the results equal the operation's output bit for bit.
"""

from __future__ import annotations

import numpy as np

from . import _kernels
from ._validate import (
    MAX_TRACE_STEPS,
    ConvError,
    as_operand,
    check_limit,
    padding_pairs,
    per_axis,
)
from .trace import Step, Trace

OPS = ("correlate", "convolve", "transpose", "max_pool", "avg_pool")


def _axes(name, value, one_d, *, minimum=1, what="positive integer", fill=1):
    """Per-axis ints for a 2-D trace; a 1-D input takes one value and gets `fill` for rows."""
    if one_d:
        return (fill,) + per_axis(name, value, 1, minimum=minimum, what=what)
    return per_axis(name, value, 2, minimum=minimum, what=what)


def _kernel(k, x_ndim):
    k = as_operand("k", k, (1, 2))
    if k.ndim != x_ndim:
        raise ConvError(
            f"`k` must have as many dimensions as `x` ({x_ndim}-D), got a {k.ndim}-D kernel "
            f"of shape {k.shape}; accepted: a {x_ndim}-D kernel"
        )
    return k.reshape(1, -1) if k.ndim == 1 else k


def build(x, k, *, op, padding, stride, dilation, output_padding, kernel_size) -> Trace:
    from . import core

    if op not in OPS:
        raise ConvError(f"`op` must be one of {', '.join(map(repr, OPS))}; got {op!r}")
    x = as_operand("x", x, (1, 2))
    one_d = x.ndim == 1
    x2 = x.reshape(1, -1) if one_d else x
    kernel = weights = None
    if op not in ("max_pool", "avg_pool") and kernel_size is not None and k is not None:
        shape = _kernel(k, x.ndim).shape
        if _axes("kernel_size", kernel_size, one_d) != shape:
            raise ConvError(
                f"`kernel_size` {kernel_size!r} disagrees with the shape of `k` {shape[one_d:]};"
                f" accepted: kernel_size None (taken from `k`) or equal to k's shape"
            )
    if op in ("max_pool", "avg_pool"):
        if kernel_size is None:
            if k is None:
                raise ConvError("`kernel_size` is required for pooling, got None; accepted: "
                                "a positive integer or [rows, cols]")
            shape = _kernel(k, x.ndim).shape
            kernel_size = list(shape[1:] if one_d else shape)
        ks = _axes("kernel_size", kernel_size, one_d)
        st = _axes("stride", stride, one_d)
        pad = _axes("padding", 0 if padding == "valid" else padding, one_d, minimum=0,
                    what="non-negative integer", fill=0)
        output = core.pool2d(x2, ks, op=op[:3], padding=pad, stride=st)
        pads = tuple((p, p) for p in pad)
        grid, is_pad = _padded(x2, pads)
        is_input = ~is_pad
        dil = (1, 1)
    elif op in ("correlate", "convolve"):
        if k is None:
            raise ConvError(f"`k` is required for op {op!r}, got None; accepted: a kernel")
        kernel = _kernel(k, x.ndim)
        weights = kernel if op == "correlate" else np.ascontiguousarray(kernel[::-1, ::-1])
        ks = kernel.shape
        st = _axes("stride", stride, one_d)
        dil = _axes("dilation", dilation, one_d)
        if one_d:
            pads = ((0, 0),) + padding_pairs(padding, 1, ks[1:], st[1:], dil[1:])
        else:
            pads = padding_pairs(padding, 2, ks, st, dil)
        output = core.correlate(x2, weights, padding=[v for p in pads for v in p], stride=st,
                                dilation=dil)
        grid, is_pad = _padded(x2, pads)
        is_input = ~is_pad
    else:
        if k is None:
            raise ConvError("`k` is required for op 'transpose', got None; accepted: a kernel")
        kernel = _kernel(k, x.ndim)
        weights = np.ascontiguousarray(kernel[::-1, ::-1])
        ks = kernel.shape
        s = _axes("stride", stride, one_d)
        dil = _axes("dilation", dilation, one_d)
        pad = _axes("padding", 0 if padding == "valid" else padding, one_d, minimum=0,
                    what="non-negative integer", fill=0)
        a = _axes("output_padding", output_padding, one_d, minimum=0,
                  what="non-negative integer", fill=0)
        output = core.conv_transpose2d(x2, kernel, padding=pad, stride=s, dilation=dil,
                                       output_padding=a)
        for axis, (kk, d, p) in enumerate(zip(ks, dil, pad)):
            if p > d * (kk - 1):
                raise ConvError(
                    f"`padding` {p} is more than dilation*(kernel-1) = {d * (kk - 1)} on axis "
                    f"{axis}: the equivalent direct convolution would crop the stretched input,"
                    f" which steps() does not draw; accepted: padding <= {d * (kk - 1)} "
                    "(conv_transpose2d itself accepts it)"
                )
        grid, is_pad, is_input = _stretched(x2, s, [d * (kk - 1) - p for kk, d, p in
                                                    zip(ks, dil, pad)], a)
        st = (1, 1)
    oh, ow = output.shape
    if oh * ow > MAX_TRACE_STEPS:
        raise ConvError(
            f"`x`, `k`, `padding`, `stride`: the trace would have {oh * ow:,} steps (output {oh}x{ow}), over MAX_TRACE_STEPS = "
            f"{MAX_TRACE_STEPS:,}; accepted: an output of at most that many cells"
        )
    return _trace(op, x2, kernel, weights, grid, is_pad, is_input, ks, dil, st, output)


def _padded(x2, pads):
    check_limit("drawn grid", int(np.prod([n + a + b for n, (a, b) in zip(x2.shape, pads)])),
                "`x` and `padding`")
    grid = _kernels.pad(x2, pads)
    is_pad = _kernels.pad(np.zeros(x2.shape, dtype=bool), pads, True)
    return grid, is_pad


def _stretched(x2, stride, edge, out_pad):
    (ih, iw), (sh, sw) = x2.shape, stride
    shape = tuple((i - 1) * s + 1 + 2 * e + a for i, s, e, a in zip((ih, iw), stride, edge, out_pad))
    check_limit("drawn grid", shape[0] * shape[1], "`x`, `padding` and `stride`")
    grid = np.zeros(shape, dtype=x2.dtype)
    is_input = np.zeros(shape, dtype=bool)
    rows = slice(edge[0], edge[0] + (ih - 1) * sh + 1, sh)
    cols = slice(edge[1], edge[1] + (iw - 1) * sw + 1, sw)
    grid[rows, cols] = x2
    is_input[rows, cols] = True
    return grid, ~is_input, is_input


def _trace(op, x2, kernel, weights, grid, is_pad, is_input, ks, dil, st, output) -> Trace:
    kh, kw = ks
    oh, ow = output.shape
    tap_r = np.repeat(np.arange(kh) * dil[0], kw)
    tap_c = np.tile(np.arange(kw) * dil[1], kh)
    rows = np.arange(oh)[:, None, None] * st[0] + tap_r[None, None, :]
    cols = np.arange(ow)[None, :, None] * st[1] + tap_c[None, None, :]
    rows, cols = np.broadcast_arrays(rows, cols)
    values = grid[rows, cols]  # (oh, ow, T)
    if op == "max_pool" and is_pad.any():
        values = np.where(is_pad[rows, cols], -np.inf, values.astype(np.float64))
    if weights is not None:
        products = values * weights.reshape(-1)
        acc = np.zeros((oh, ow), dtype=products.dtype)
        for t in range(products.shape[2]):
            acc = acc + products[:, :, t]
    elif op == "max_pool":
        products = None
        acc = values.max(axis=2).astype(output.dtype)
    else:
        products = None
        acc = np.zeros((oh, ow), dtype=values.dtype)
        for t in range(values.shape[2]):
            acc = acc + values[:, :, t]
        acc = acc / (kh * kw)
    taps = np.stack([rows, cols], axis=-1)  # (oh, ow, T, 2)
    flat_w = None if weights is None else weights.reshape(-1)
    cells = []
    for r in range(oh):
        for c in range(ow):
            cells.append(Step(
                out=(r, c), taps=taps[r, c], weights=flat_w, values=values[r, c],
                products=None if products is None else products[r, c], result=acc[r, c].item(),
            ))
    return Trace(
        op=op, input=x2, kernel=kernel, weights=weights, grid=grid, is_pad=is_pad,
        is_input=is_input, kernel_size=(kh, kw), dilation=tuple(dil), stride=tuple(st),
        output=output, steps=tuple(cells),
    )

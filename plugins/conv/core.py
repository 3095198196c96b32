"""The convolution core: exact, validated NumPy operations and the traces the animations draw.

Pure NumPy, no I/O. Every public function validates first (operands coerced with
`np.asarray`, dimensions, sizes, signs), then computes. Refusals are `ConvError`, a
`ValueError` whose message names the argument in backticks, quotes the value received and says
what is accepted.

Conventions (see docs/conv-arithmetic.md):

- `correlate` is cross-correlation (what deep-learning frameworks call convolution);
  `convolve` is `correlate` with the kernel rotated 180 degrees, padding, stride and dilation
  unchanged.
- Padding: "valid" (none); "full" is d(k-1) zeros each side; "same" totals d(k-1) per axis,
  floor(total/2) before and the rest after (PyTorch's rule, the extra zero goes after);
  "same" needs stride 1. Numbers: an int; 1-D: [left, right]; 2-D: [rows, cols] or
  [top, bottom, left, right].
- Output size per axis: o = floor((i + before + after - d(k-1) - 1) / s) + 1.
- A (dilated) kernel larger than the padded input is refused (NumPy and SciPy silently swap
  the operands there).
- Integer data is computed exactly in int64 and returned as int64; the call is refused when
  max|x| * max|k| * taps (+ max|bias|) could leave int64, so there is never a wrap-around.
  Any float makes the computation float64. Average pooling returns float64.
- Limits: `MAX_ELEMENTS` (50 million) bounds every array a call allocates, `MAX_WORK`
  (1 billion) the multiply-adds of one call, `MAX_TRACE_STEPS` (10 000) the output cells of a
  trace. All are checked from shapes alone, before any memory is taken.
- Summation order: taps are added one at a time, row-major over the kernel as applied; a
  trace's sums are done the same way, so they equal the operation's output exactly.
"""

from __future__ import annotations

import numpy as np

from . import _kernels, _steps
from ._validate import (
    MAX_ELEMENTS,
    MAX_TRACE_STEPS,
    MAX_WORK,
    ConvError,
    as_operand,
    check_fits,
    check_int,
    check_int_range,
    check_limit,
    check_work,
    max_abs,
    padding_pairs,
    per_axis,
    positive,
)

__all__ = [
    "MAX_ELEMENTS", "MAX_WORK", "MAX_TRACE_STEPS", "ConvError", "correlate", "convolve", "conv2d",
    "conv_transpose2d", "pool2d", "output_size", "transposed_output_size", "steps",
]


def _out_shape(in_hw, k_hw, pads, stride, dilation, *, operand="x", kernel_name="k"):
    check_fits(in_hw, k_hw, pads, dilation, operand=operand, kernel_name=kernel_name)
    return tuple(
        (i + a + b - d * (k - 1) - 1) // s + 1
        for i, k, (a, b), s, d in zip(in_hw, k_hw, pads, stride, dilation)
    )


def _prod(values) -> int:
    total = 1
    for v in values:
        total *= int(v)
    return total


def _check_float_result(out: np.ndarray, names: str) -> np.ndarray:
    if out.dtype.kind == "f" and not (np.isfinite(out.min()) and np.isfinite(out.max())):
        raise ConvError(
            f"{names}: the result overflows float64 (finite inputs, but too large); accepted: "
            "data whose products and sums stay below about 1.8e308"
        )
    return out


def correlate(x, k, *, padding="valid", stride=1, dilation=1) -> np.ndarray:
    """Cross-correlation of a 1-D or 2-D input `x` with a kernel `k` of the same rank.

    ``out[r, c] = sum_{u, v} xp[r*s + u*d, c*s + v*d] * k[u, v]`` where ``xp`` is ``x`` padded
    with zeros. Output size per axis: ``o = floor((i + before + after - d*(k-1) - 1) / s) + 1``.
    Integer operands give exact int64 results; otherwise float64.

    The first post's example (what MXNet printed):

    >>> x = [[1, 2, 2, 1, 0], [3, 3, 3, 3, 0], [3, 0, 0, 2, 2], [0, 3, 0, 3, 3], [2, 2, 2, 3, 2]]
    >>> correlate(x, [[0, 1, 2], [3, 4, 5], [6, 7, 8]]).tolist()
    [[60, 56, 52], [39, 61, 66], [54, 78, 82]]
    >>> correlate([1, 2, 3, 4], [1, 1], padding="same").tolist()  # extra zero after
    [3, 5, 7, 4]
    """
    x = as_operand("x", x, (1, 2))
    k = as_operand("k", k, (1, 2))
    if k.ndim != x.ndim:
        raise ConvError(
            f"`k` must have as many dimensions as `x` ({x.ndim}-D), got a {k.ndim}-D kernel "
            f"of shape {k.shape}; accepted: a {x.ndim}-D kernel"
        )
    naxes = x.ndim
    stride = positive("stride", stride, naxes)
    dilation = positive("dilation", dilation, naxes)
    pads = padding_pairs(padding, naxes, k.shape, stride, dilation)
    out_shape = _out_shape(x.shape, k.shape, pads, stride, dilation)
    names = "`x`, `k`, `padding`, `stride`, `dilation`"
    check_limit("padded input", _prod(i + a + b for i, (a, b) in zip(x.shape, pads)), names)
    check_limit("output", _prod(out_shape), names)
    check_work(_prod(out_shape) * k.size, names)
    if x.dtype.kind == "i" and k.dtype.kind == "i":
        check_int_range(max_abs(x) * max_abs(k) * k.size, "`x` and `k`")
    if naxes == 1:
        x2, k2 = x.reshape(1, -1), k.reshape(1, -1)
        pads, stride, dilation, shape2 = ((0, 0),) + pads, (1,) + stride, (1,) + dilation, (1,) + out_shape
    else:
        x2, k2, shape2 = x, k, out_shape
    out = _kernels.correlate2d(_kernels.pad(x2, pads), k2, shape2, stride, dilation)
    return _check_float_result(out.reshape(out_shape), "`x` and `k`")


def convolve(x, k, *, padding="valid", stride=1, dilation=1) -> np.ndarray:
    """True convolution: `correlate` with the kernel rotated 180 degrees.

    Padding ("same" included, computed from the kernel's size), stride and dilation apply
    unchanged. Output size per axis: ``o = floor((i + before + after - d*(k-1) - 1) / s) + 1``.

    >>> x = [[1, 2, 2, 1, 0], [3, 3, 3, 3, 0], [3, 0, 0, 2, 2], [0, 3, 0, 3, 3], [2, 2, 2, 3, 2]]
    >>> convolve(x, [[0, 1, 2], [3, 4, 5], [6, 7, 8]]).tolist()
    [[76, 72, 52], [81, 75, 62], [42, 42, 54]]
    >>> convolve([1, 2, 3], [0, 1, 2], padding="full").tolist()  # as numpy.convolve
    [0, 1, 4, 7, 6]
    """
    k_arr = as_operand("k", k, (1, 2))
    flipped = k_arr[::-1] if k_arr.ndim == 1 else k_arr[::-1, ::-1]
    x_arr = as_operand("x", x, (1, 2))
    return correlate(x_arr, np.ascontiguousarray(flipped), padding=padding, stride=stride,
                     dilation=dilation)


def _groups(groups) -> int:
    value = check_int("groups", groups, minimum=1)
    if value is None:
        raise ConvError(f"`groups` must be a positive integer, got {groups!r}")
    return value


def _bias(bias, channels: int):
    if bias is None:
        return None
    b = as_operand("bias", bias, (1,))
    if b.shape != (channels,):
        raise ConvError(
            f"`bias` must have one value per output channel ({channels}), got shape "
            f"{b.shape}; accepted: a 1-D array of length {channels} or None"
        )
    return b


def conv2d(x, w, bias=None, *, padding=0, stride=1, dilation=1, groups=1) -> np.ndarray:
    """PyTorch's `conv2d`: NCHW input, OIHW weights (I = C / groups), optional bias (O,).

    Output shape ``(N, O, oh, ow)`` with ``o = floor((i + before + after - d*(k-1) - 1) / s) + 1``
    per axis. Padding as in `correlate` (2-D forms). Depthwise: ``groups = C``, weights
    ``(C * m, 1, kh, kw)``.

    >>> x = np.arange(16).reshape(1, 1, 4, 4)
    >>> conv2d(x, np.ones((2, 1, 3, 3), dtype=int), bias=[0, 100]).tolist()
    [[[[45, 54], [81, 90]], [[145, 154], [181, 190]]]]
    """
    x = as_operand("x", x, (4,))
    w = as_operand("w", w, (4,))
    groups = _groups(groups)
    n, c, h, wd = x.shape
    o, cg, kh, kw = w.shape
    if c % groups or o % groups or cg * groups != c:
        raise ConvError(
            f"channel counts do not fit `groups` = {groups}: `x` has {c} channels and `w` has "
            f"shape {w.shape} (out {o}, in per group {cg}); accepted: in channels and out "
            f"channels divisible by groups, and w.shape[1] == channels / groups"
        )
    b = _bias(bias, o)
    stride = positive("stride", stride, 2)
    dilation = positive("dilation", dilation, 2)
    pads = padding_pairs(padding, 2, (kh, kw), stride, dilation)
    out_hw = _out_shape((h, wd), (kh, kw), pads, stride, dilation, kernel_name="w")
    names = "`x`, `w`, `padding`, `stride`, `dilation`"
    check_limit("padded input", n * c * _prod(i + a + p for i, (a, p) in zip((h, wd), pads)), names)
    check_limit("output", n * o * _prod(out_hw), names)
    check_work(n * o * _prod(out_hw) * cg * kh * kw, names)
    if x.dtype.kind == "i" and w.dtype.kind == "i" and (b is None or b.dtype.kind == "i"):
        check_int_range(max_abs(x) * max_abs(w) * cg * kh * kw + (0 if b is None else max_abs(b)),
                        "`x`, `w` and `bias`")
    out = _kernels.conv_nchw(_kernels.pad(x, pads), w, out_hw, stride, dilation, groups)
    if b is not None:
        out = out + b.reshape(1, o, 1, 1)
    return _check_float_result(out, "`x`, `w` and `bias`")


def transposed_output_size(i, k, *, padding=0, stride=1, dilation=1, output_padding=0) -> int:
    """Output size of a transposed convolution on one axis (PyTorch's and the guide's formula).

    ``o' = (i' - 1) * s - 2p + d*(k - 1) + a + 1``, with ``a = output_padding < max(s, d)``.

    >>> transposed_output_size(3, 3, padding=1, stride=2, output_padding=1)  # Relationship 14
    6
    """
    (i,), (k,) = positive("i", i, 1), positive("k", k, 1)
    (p,) = per_axis("padding", padding, 1, minimum=0, what="non-negative integer")
    (s,), (d,) = positive("stride", stride, 1), positive("dilation", dilation, 1)
    (a,) = per_axis("output_padding", output_padding, 1, minimum=0, what="non-negative integer")
    return _transposed_sizes((i,), (k,), (p,), (s,), (d,), (a,))[0]


def _transposed_sizes(in_hw, k_hw, pad, stride, dilation, out_pad):
    sizes = []
    for i, k, p, s, d, a in zip(in_hw, k_hw, pad, stride, dilation, out_pad):
        if a >= max(s, d):
            raise ConvError(
                f"`output_padding` must be smaller than stride or dilation, got {a} with "
                f"stride {s} and dilation {d}; accepted: 0 <= output_padding < {max(s, d)}"
            )
        o = (i - 1) * s - 2 * p + d * (k - 1) + a + 1
        if o < 1:
            raise ConvError(
                f"`padding` {p} leaves no output: (i-1)s - 2p + d(k-1) + a + 1 = {o} for "
                f"i={i}, k={k}, s={s}, d={d}, a={a}; accepted: padding at most "
                f"{((i - 1) * s + d * (k - 1) + a) // 2}"
            )
        sizes.append(o)
    return tuple(sizes)


def conv_transpose2d(x, w, bias=None, *, padding=0, stride=1, dilation=1, output_padding=0,
                     groups=1) -> np.ndarray:
    """PyTorch's `conv_transpose2d`: a 2-D input with a 2-D kernel, or NCHW with IOHW weights.

    Weights are ``(C, O / groups, kh, kw)``; output ``(N, O, oh, ow)`` (2-D in, 2-D out) with
    ``o' = (i' - 1) * s - 2p + d*(k - 1) + a + 1`` per axis, ``a = output_padding`` and
    ``0 <= a < max(s, d)``. `padding` is an int or [rows, cols]. Equals the direct
    correlation, with the kernel rotated 180 degrees, of the input stretched by ``s - 1`` zeros
    between cells and padded by ``d(k-1) - p`` (plus ``a`` at the bottom and right).

    >>> conv_transpose2d([[1, 2], [3, 4]], [[1, 1], [1, 1]], stride=2).tolist()
    [[1, 1, 2, 2], [1, 1, 2, 2], [3, 3, 4, 4], [3, 3, 4, 4]]
    """
    x = as_operand("x", x, (2, 4))
    w = as_operand("w", w, (2, 4))
    if w.ndim != x.ndim:
        raise ConvError(
            f"`w` must have as many dimensions as `x` ({x.ndim}-D), got shape {w.shape}; "
            "accepted: 2-D input with a 2-D kernel, or NCHW input with IOHW weights"
        )
    groups = _groups(groups)
    plain = x.ndim == 2
    if plain:
        if groups != 1:
            raise ConvError(f"`groups` must be 1 for a 2-D input, got {groups}; accepted: 1, "
                            "or NCHW input with IOHW weights for groups > 1")
        x4, w4 = x.reshape(1, 1, *x.shape), w.reshape(1, 1, *w.shape)
    else:
        x4, w4 = x, w
    n, c, h, wd = x4.shape
    ci, og, kh, kw = w4.shape
    if ci != c or c % groups:
        raise ConvError(
            f"channel counts do not fit `groups` = {groups}: `x` has {c} channels and `w` has "
            f"shape {w.shape}; accepted: w.shape[0] == channels, channels divisible by groups"
        )
    o = og * groups
    if plain and bias is not None:
        b = as_operand("bias", bias, (0, 1)).reshape(-1)
        if b.shape != (1,):
            raise ConvError(f"`bias` for a 2-D input must be one number, got shape {b.shape}; "
                            "accepted: a number or None")
    else:
        b = _bias(bias, o)
    stride = positive("stride", stride, 2)
    dilation = positive("dilation", dilation, 2)
    pad = per_axis("padding", padding, 2, minimum=0, what="non-negative integer")
    out_pad = per_axis("output_padding", output_padding, 2, minimum=0, what="non-negative integer")
    out_hw = _transposed_sizes((h, wd), (kh, kw), pad, stride, dilation, out_pad)
    full = n * o * _prod(max((i - 1) * s + d * (k - 1) + 1, p + oo) for i, k, s, d, p, oo in
                         zip((h, wd), (kh, kw), stride, dilation, pad, out_hw))
    names = "`x`, `w`, `padding`, `stride`, `dilation`"
    check_limit("uncropped output", full, names)
    check_work(n * c * h * wd * og * kh * kw, names)
    if x.dtype.kind == "i" and w.dtype.kind == "i" and (b is None or b.dtype.kind == "i"):
        check_int_range(max_abs(x) * max_abs(w) * (c // groups) * kh * kw
                        + (0 if b is None else max_abs(b)), "`x`, `w` and `bias`")
    if plain:
        out = _kernels.conv_transpose2d(x, w, out_hw, stride, dilation, pad)
        if b is not None:
            out = out + b[0]
    else:
        out = _kernels.conv_transpose_nchw(x4, w4, out_hw, stride, dilation, pad, groups)
        if b is not None:
            out = out + b.reshape(1, o, 1, 1)
    return _check_float_result(out, "`x`, `w` and `bias`")


def pool2d(x, kernel_size, *, op="max", padding=0, stride=None) -> np.ndarray:
    """Max or average pooling over the last two axes of a 2-D, CHW or NCHW input.

    Max pooling pads with minus infinity; average pooling counts padded zeros (divides by
    kh*kw, PyTorch's defaults). `padding` is an int or [rows, cols], at most half the kernel;
    `stride` defaults to `kernel_size`. ``o = floor((i + 2p - k) / s) + 1`` per axis.
    Max keeps the input's dtype (int64 or float64); average returns float64.

    >>> x = [[3, 3, 2, 1, 0], [0, 0, 1, 3, 1], [3, 1, 2, 2, 3], [2, 0, 0, 2, 2], [2, 0, 0, 0, 1]]
    >>> pool2d(x, 3, stride=1).tolist()
    [[3, 3, 3], [3, 3, 3], [3, 2, 3]]
    >>> pool2d(x, 3, op="avg", stride=1).round(1).tolist()
    [[1.7, 1.7, 1.7], [1.0, 1.2, 1.8], [1.1, 0.8, 1.3]]
    """
    x = as_operand("x", x, (2, 3, 4))
    if op not in ("max", "avg"):
        raise ConvError(f"`op` must be \"max\" or \"avg\", got {op!r}")
    kernel = positive("kernel_size", kernel_size, 2)
    stride = kernel if stride is None else positive("stride", stride, 2)
    pad = per_axis("padding", 0 if padding == "valid" else padding, 2, minimum=0,
                   what="non-negative integer")
    for p, k in zip(pad, kernel):
        if 2 * p > k:
            raise ConvError(
                f"`padding` must be at most half the kernel size, got {p} with kernel_size "
                f"{k}; accepted: 0 <= padding <= {k // 2}"
            )
    pads = tuple((p, p) for p in pad)
    out_hw = _out_shape(x.shape[-2:], kernel, pads, stride, (1, 1), kernel_name="kernel_size")
    lead = _prod(x.shape[:-2])
    names = "`x`, `kernel_size`, `padding`, `stride`"
    check_limit("padded input", lead * _prod(i + 2 * p for i, p in zip(x.shape[-2:], pad)), names)
    check_limit("output", lead * _prod(out_hw), names)
    check_work(lead * _prod(out_hw) * _prod(kernel), names)
    if op == "max":
        low = -np.inf if x.dtype.kind == "f" else np.iinfo(np.int64).min
        return _kernels.pool(_kernels.pad(x, pads, low), kernel, out_hw, stride, "max")
    if x.dtype.kind == "i":
        check_int_range(max_abs(x) * _prod(kernel), "`x`")
    return _kernels.pool(_kernels.pad(x, pads), kernel, out_hw, stride, "avg")


def output_size(i, k, *, padding=0, stride=1, dilation=1) -> int:
    """Output size of a convolution or pooling on one axis (the guide's Relationship 15).

    ``o = floor((i + before + after - d*(k - 1) - 1) / s) + 1``; `padding` is "valid", "same",
    "full", an int (each side) or [before, after].

    >>> output_size(5, 3, padding=1, stride=2), output_size(7, 3, dilation=2)
    (3, 3)
    """
    (i,), (k,) = positive("i", i, 1), positive("k", k, 1)
    stride, dilation = positive("stride", stride, 1), positive("dilation", dilation, 1)
    pads = padding_pairs(padding, 1, (k,), stride, dilation)
    return _out_shape((i,), (k,), pads, stride, dilation, operand="i")[0]


def steps(x, k=None, *, op="correlate", padding="valid", stride=1, dilation=1, output_padding=0,
          kernel_size=None):
    """The trace of one 2-D window operation: per output cell, the grid cells and weights met.

    `op`: "correlate", "convolve", "transpose", "max_pool" or "avg_pool" (pass `kernel_size`
    instead of `k`). A 1-D input is traced as 1 x N. Coordinates are in the drawn grid (the
    padded input; for "transpose", the input stretched by s-1 zeros and padded by d(k-1)-p,
    plus output_padding at the bottom and right, traversed with stride 1 and the kernel
    rotated 180 degrees). Output shape as the operation's; at most `MAX_TRACE_STEPS` cells.
    For pooling, `stride` is 1 unless given (unlike `pool2d`, whose stride defaults to the
    kernel size), as in the guide's pooling figures. `padding` for "transpose" is an int or
    [rows, cols] at most d(k-1) (a larger one would crop the stretched input: refused here,
    accepted by `conv_transpose2d`).

    >>> t = steps([[1, 2, 0], [0, 1, 3], [2, 2, 1]], [[1, 2], [0, 3]], op="convolve")
    >>> t.output.tolist(), t.weights.tolist()
    ([[4, 11], [6, 8]], [[3, 0], [2, 1]])
    >>> s = t.steps[1]
    >>> s.out, s.taps.tolist(), s.values.tolist(), s.products.tolist(), s.result
    ((0, 1), [[0, 1], [0, 2], [1, 1], [1, 2]], [2, 0, 1, 3], [6, 0, 2, 3], 11)
    """
    return _steps.build(x, k, op=op, padding=padding, stride=stride, dilation=dilation,
                        output_padding=output_padding, kernel_size=kernel_size)

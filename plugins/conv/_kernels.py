"""The vectorised loops of the core, on operands that `core` has already validated.

Every operation loops over the kernel's taps (kh * kw iterations, never over output cells):
each tap is one strided slice of the padded input multiplied by one weight (or one channel
matrix) and added into the output. Memory: the output, the padded input and one
output-sized temporary. Taps are summed in a fixed order, row-major over the weights as
applied, so the traces of `steps()` reproduce the same sums bit for bit.
"""

from __future__ import annotations

import functools

import numpy as np


def _quiet(fn):
    """Float overflow is detected by `core` on the result; silence NumPy's warnings meanwhile."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        with np.errstate(over="ignore", invalid="ignore"):
            return fn(*args, **kwargs)
    return wrapper


def result_dtype(*arrays: np.ndarray) -> type:
    return np.int64 if all(a.dtype.kind == "i" for a in arrays) else np.float64


def pad(x: np.ndarray, pads, value=0, dtype=None) -> np.ndarray:
    """Pad the last len(pads) axes of x with `value`; pads is ((before, after), ...)."""
    lead = x.ndim - len(pads)
    if all(a == 0 and b == 0 for a, b in pads) and (dtype is None or x.dtype == dtype):
        return x
    shape = x.shape[:lead] + tuple(n + a + b for n, (a, b) in zip(x.shape[lead:], pads))
    out = np.full(shape, value, dtype=dtype or x.dtype)
    index = (slice(None),) * lead + tuple(slice(a, a + n) for n, (a, _) in zip(x.shape[lead:], pads))
    out[index] = x
    return out


def tap_slices(tap, out_hw, stride, dilation):
    """Slices of the padded input that tap (r, c) meets for every output cell."""
    (r, c), (oh, ow), (sh, sw), (dh, dw) = tap, out_hw, stride, dilation
    return (
        slice(r * dh, r * dh + (oh - 1) * sh + 1, sh),
        slice(c * dw, c * dw + (ow - 1) * sw + 1, sw),
    )


@_quiet
def correlate2d(xp: np.ndarray, k: np.ndarray, out_hw, stride, dilation) -> np.ndarray:
    """Cross-correlation of a padded 2-D input with a 2-D kernel (taps row-major)."""
    dtype = result_dtype(xp, k)
    xp = xp.astype(dtype, copy=False)
    out = np.zeros(out_hw, dtype=dtype)
    tmp = np.empty(out_hw, dtype=dtype)
    for r in range(k.shape[0]):
        for c in range(k.shape[1]):
            np.multiply(xp[tap_slices((r, c), out_hw, stride, dilation)], k[r, c], out=tmp)
            out += tmp
    return out


@_quiet
def conv_nchw(xp, w, out_hw, stride, dilation, groups) -> np.ndarray:
    """PyTorch conv2d on a padded NCHW input with OIHW weights; taps row-major."""
    dtype = result_dtype(xp, w)
    n, c = xp.shape[:2]
    o, cg, kh, kw = w.shape
    og = o // groups
    oh, ow = out_hw
    out = np.zeros((n, groups, og, oh * ow), dtype=dtype)
    wg = w.astype(dtype, copy=False).reshape(groups, og, cg, kh, kw)
    for r in range(kh):
        for col in range(kw):
            view = xp[(slice(None), slice(None)) + tap_slices((r, col), out_hw, stride, dilation)]
            cols = view.astype(dtype, copy=False).reshape(n, groups, cg, oh * ow)
            out += np.matmul(wg[:, :, :, r, col], cols)
    return out.reshape(n, o, oh, ow)


@_quiet
def conv_transpose_nchw(x, w, out_hw, stride, dilation, padding, groups) -> np.ndarray:
    """PyTorch conv_transpose2d: NCHW input, IOHW weights, by scattering each tap.

    Taps are visited in reverse row-major order, so every output cell receives its
    contributions in the order of the equivalent direct convolution with the rotated kernel
    (row-major over the rotated kernel), as `steps()` sums them.
    """
    dtype = result_dtype(x, w)
    n, c, ih, iw = x.shape
    _, og, kh, kw = w.shape
    cg = c // groups
    (sh, sw), (dh, dw), (ph, pw) = stride, dilation, padding
    oh, ow = out_hw
    full_h = max((ih - 1) * sh + dh * (kh - 1) + 1, ph + oh)
    full_w = max((iw - 1) * sw + dw * (kw - 1) + 1, pw + ow)
    full = np.zeros((n, groups, og, full_h, full_w), dtype=dtype)
    xg = x.astype(dtype, copy=False).reshape(n, groups, cg, ih * iw)
    # (groups, og, cg, kh, kw): per tap, (og x cg) @ (cg x pixels)
    wg = np.moveaxis(w.astype(dtype, copy=False).reshape(groups, cg, og, kh, kw), 1, 2)
    for r in reversed(range(kh)):
        for col in reversed(range(kw)):
            contrib = np.matmul(wg[:, :, :, r, col], xg).reshape(n, groups, og, ih, iw)
            rows = slice(r * dh, r * dh + (ih - 1) * sh + 1, sh)
            cols = slice(col * dw, col * dw + (iw - 1) * sw + 1, sw)
            full[:, :, :, rows, cols] += contrib
    out = full[:, :, :, ph:ph + oh, pw:pw + ow]
    return np.ascontiguousarray(out).reshape(n, groups * og, oh, ow)


@_quiet
def conv_transpose2d(x, k, out_hw, stride, dilation, padding) -> np.ndarray:
    """The single-channel case of `conv_transpose_nchw`, with scalar weights."""
    dtype = result_dtype(x, k)
    ih, iw = x.shape
    kh, kw = k.shape
    (sh, sw), (dh, dw), (ph, pw) = stride, dilation, padding
    oh, ow = out_hw
    full = np.zeros((max((ih - 1) * sh + dh * (kh - 1) + 1, ph + oh),
                     max((iw - 1) * sw + dw * (kw - 1) + 1, pw + ow)), dtype=dtype)
    xd = x.astype(dtype, copy=False)
    tmp = np.empty(x.shape, dtype=dtype)
    for r in reversed(range(kh)):
        for c in reversed(range(kw)):
            np.multiply(xd, k[r, c], out=tmp)
            full[r * dh:r * dh + (ih - 1) * sh + 1:sh, c * dw:c * dw + (iw - 1) * sw + 1:sw] += tmp
    return np.ascontiguousarray(full[ph:ph + oh, pw:pw + ow])


@_quiet
def pool(xp: np.ndarray, kernel, out_hw, stride, op: str) -> np.ndarray:
    """Max or sum over each window of the padded input's last two axes (taps row-major)."""
    lead = (slice(None),) * (xp.ndim - 2)
    acc = None
    for r in range(kernel[0]):
        for c in range(kernel[1]):
            view = xp[lead + tap_slices((r, c), out_hw, stride, (1, 1))]
            if acc is None:
                acc = view.copy() if op == "max" else view + 0
            elif op == "max":
                np.maximum(acc, view, out=acc)
            else:
                acc += view
    if op == "max":
        return acc
    return acc / (kernel[0] * kernel[1])

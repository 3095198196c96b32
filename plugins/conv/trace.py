"""The trace of a 2-D window operation: what the animation of one `conv` block draws.

`core.steps()` produces a `Trace`; `frames.py` draws it. Coordinates are in the *drawn grid*:
the input after padding (and, for a transposed convolution, after stretching with `s-1` zeros
between cells and padding with `d(k-1)-p` zeros around them, plus `output_padding` at the
bottom and right), so the drawing never has to redo the core's index arithmetic.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Step:
    """One output cell: which grid cells meet which weights.

    out:      (row, col) of the output cell.
    taps:     (T, 2) int array, grid (row, col) of each tap, row-major over the kernel;
              T = kh*kw.
    weights:  (T,) weight each tap meets (already flipped for `convolve` and `transpose`);
              None for pooling.
    values:   (T,) grid value at each tap (0 at padding; -inf at padding for max pooling).
    products: (T,) values * weights; None for pooling.
    result:   the output value: sum of products, or max / mean of values for pooling.
    """

    out: tuple[int, int]
    taps: np.ndarray
    weights: np.ndarray | None
    values: np.ndarray
    products: np.ndarray | None
    result: int | float


@dataclass(frozen=True)
class Trace:
    """Everything needed to draw one operation.

    op:          'correlate' | 'convolve' | 'transpose' | 'max_pool' | 'avg_pool'.
    input:       (H, W) the operand as the author wrote it.
    kernel:      (kh, kw) as written (None for pooling); `weights` is what is applied.
    weights:     (kh, kw) kernel as applied to the grid: rotated 180 degrees for `convolve`
                 and `transpose`, as written for `correlate`; None for pooling.
    grid:        (Hg, Wg) drawn grid: padded (and stretched) input, 0 where `is_pad`.
    is_pad:      (Hg, Wg) bool, True for padding cells and zeros inserted by stretching.
    is_input:    (Hg, Wg) bool, True where a cell of `input` sits (the blue cells).
    kernel_size: (kh, kw); dilation: (dh, dw); stride: (sh, sw) of the *drawn* direct
                 operation (for `transpose` the stride over the grid is 1).
    output:      (oh, ow) the operation's result; equals the results of `steps`.
    steps:       one Step per output cell, row-major.
    """

    op: str
    input: np.ndarray
    kernel: np.ndarray | None
    weights: np.ndarray | None
    grid: np.ndarray
    is_pad: np.ndarray
    is_input: np.ndarray
    kernel_size: tuple[int, int]
    dilation: tuple[int, int]
    stride: tuple[int, int]
    output: np.ndarray
    steps: tuple[Step, ...]

"""Every refusal of the core: a `ConvError` (a ValueError) naming the argument in backticks,
the value received and what is accepted."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest

from plugins.conv import core
from plugins.conv.core import ConvError

X = [[1, 2, 3], [4, 5, 6], [7, 8, 9]]
K = [[1, 0], [0, 1]]
X4 = np.ones((1, 4, 5, 5))
W4 = np.ones((6, 2, 3, 3))

# (id, call, regex the message must match)
CASES = [
    # kernel larger than the padded (dilated) input
    ("kernel larger than input", lambda: core.correlate([1, 2], [1, 2, 3]),
     r"`k` is larger than the padded input on axis 0: .*spans 3 cells.*has 2 .*accepted"),
    ("kernel larger than input 2-D", lambda: core.correlate(X, np.ones((4, 2))),
     r"`k` is larger than the padded input on axis 0"),
    ("kernel larger, valid keyword", lambda: core.convolve(X, np.ones((2, 4)), padding="valid"),
     r"`k` is larger than the padded input on axis 1"),
    ("dilated kernel larger than input", lambda: core.correlate(X, K, dilation=3),
     r"`k` is larger .*dilated kernel spans 4 cells \(size 2, dilation 3\).*padded `x` has 3"),
    ("kernel larger than padded input", lambda: core.correlate(X, np.ones((6, 6)), padding=1),
     r"padded `x` has 5 \(size 3, padding 1\+1\)"),
    ("conv2d weights larger", lambda: core.conv2d(np.ones((1, 1, 2, 2)), np.ones((1, 1, 3, 3))),
     r"`w` is larger than the padded input"),
    ("pool kernel larger", lambda: core.pool2d(X, 4),
     r"`kernel_size` is larger than the padded input"),
    ("output_size kernel larger", lambda: core.output_size(2, 5),
     r"`k` is larger than the padded input.*padded `i` has 2"),
    # stride and dilation
    ("stride 0", lambda: core.correlate(X, K, stride=0),
     r"`stride` must be a positive integer or a pair of them \[rows, cols\], got 0"),
    ("stride negative", lambda: core.correlate(X, K, stride=-1), r"`stride` .*got -1"),
    ("stride float", lambda: core.correlate(X, K, stride=1.5), r"`stride` .*got 1\.5"),
    ("stride integral float", lambda: core.correlate(X, K, stride=2.0), r"`stride` .*got 2\.0"),
    ("stride string", lambda: core.correlate(X, K, stride="2"), r"`stride` .*got '2'"),
    ("stride bool", lambda: core.correlate(X, K, stride=True), r"`stride` .*got True"),
    ("stride None", lambda: core.correlate(X, K, stride=None), r"`stride` .*got None"),
    ("stride pair item 0", lambda: core.correlate(X, K, stride=[1, 0]), r"`stride` .*got \[1, 0\]"),
    ("stride three values", lambda: core.correlate(X, K, stride=[1, 1, 1]),
     r"`stride` .*got \[1, 1, 1\] \(3 values\)"),
    ("stride 1-D pair", lambda: core.correlate([1, 2, 3], [1], stride=[1, 1]),
     r"`stride` must be a positive integer or a list of 1, got \[1, 1\]"),
    ("dilation 0", lambda: core.correlate(X, K, dilation=0),
     r"`dilation` must be a positive integer or a pair of them \[rows, cols\], got 0"),
    ("dilation float", lambda: core.convolve(X, K, dilation=0.5), r"`dilation` .*got 0\.5"),
    ("conv2d stride 0", lambda: core.conv2d(X4, np.ones((2, 4, 1, 1)), stride=[0, 1]),
     r"`stride` .*got \[0, 1\]"),
    ("transpose dilation 0", lambda: core.conv_transpose2d(X, K, dilation=0), r"`dilation` .*got 0"),
    ("pool stride 0", lambda: core.pool2d(X, 2, stride=0), r"`stride` .*got 0"),
    ("pool kernel_size 0", lambda: core.pool2d(X, 0), r"`kernel_size` .*got 0"),
    ("output_size stride 0", lambda: core.output_size(5, 3, stride=0), r"`stride` .*got 0"),
    ("output_size i 0", lambda: core.output_size(0, 3), r"`i` must be a positive integer.*got 0"),
    ("output_size k float", lambda: core.output_size(5, 2.5), r"`k` .*got 2\.5"),
    # padding
    ("negative padding", lambda: core.correlate(X, K, padding=-1),
     r"`padding` must be one of \"valid\", \"same\", \"full\", a non-negative integer, "
     r"\[rows, cols\], \[top, bottom, left, right\]; got -1"),
    ("negative padding in list", lambda: core.correlate(X, K, padding=[0, -1]),
     r"`padding` .*got \[0, -1\]"),
    ("negative padding 1-D", lambda: core.correlate([1, 2], [1], padding=[-1, 0]),
     r"`padding` must be one of .*\[left, right\]; got \[-1, 0\]"),
    ("float padding", lambda: core.correlate(X, K, padding=0.5), r"`padding` .*got 0\.5"),
    ("bool padding", lambda: core.correlate(X, K, padding=True), r"`padding` .*got True"),
    ("unknown padding keyword", lambda: core.correlate(X, K, padding="half"),
     r"`padding` must be one of .*; got 'half'"),
    ("padding keyword case", lambda: core.correlate(X, K, padding="SAME"), r"got 'SAME'"),
    ("padding three values", lambda: core.correlate(X, K, padding=[1, 1, 1]),
     r"`padding` .*got \[1, 1, 1\] \(3 values\)"),
    ("padding 4 values on 1-D", lambda: core.correlate([1, 2], [1], padding=[1, 1, 1, 1]),
     r"`padding` .*got \[1, 1, 1, 1\] \(4 values\)"),
    ("conv2d negative padding", lambda: core.conv2d(X4, np.ones((2, 4, 1, 1)), padding=-2),
     r"`padding` .*got -2"),
    ("transpose keyword padding", lambda: core.conv_transpose2d(X, K, padding="same"),
     r"`padding` must be a non-negative integer or a pair of them \[rows, cols\], got 'same'"),
    ("transpose negative padding", lambda: core.conv_transpose2d(X, K, padding=-1),
     r"`padding` .*got -1"),
    ("pool padding more than half kernel", lambda: core.pool2d(X, 2, padding=2),
     r"`padding` must be at most half the kernel size, got 2 .*accepted: 0 <= padding <= 1"),
    ("pool negative padding", lambda: core.pool2d(X, 2, padding=-1), r"`padding` .*got -1"),
    ("output_size unknown keyword", lambda: core.output_size(5, 3, padding="half"),
     r"`padding` .*got 'half'"),
    # "same" with stride > 1
    ("same with stride 2", lambda: core.correlate(X, K, padding="same", stride=2),
     r"`padding` \"same\" needs stride 1, got `stride` \[2, 2\]"),
    ("same with stride on one axis", lambda: core.convolve(X, K, padding="same", stride=[1, 2]),
     r"\"same\" needs stride 1, got `stride` \[1, 2\]"),
    ("conv2d same with stride", lambda: core.conv2d(X4, np.ones((2, 4, 1, 1)), padding="same",
                                                    stride=2), r"\"same\" needs stride 1"),
    ("output_size same with stride", lambda: core.output_size(5, 3, padding="same", stride=2),
     r"\"same\" needs stride 1, got `stride` \[2\]"),
    # ragged rows, empty, non-finite, non-numeric, booleans
    ("ragged input", lambda: core.correlate([[1, 2], [3]], [[1]]),
     r"`x` has ragged rows .*got \[\[1, 2\], \[3\]\]; accepted: a 1-D or 2-D array"),
    ("ragged kernel", lambda: core.convolve(X, [[1], [2, 3]]), r"`k` has ragged rows"),
    ("empty input", lambda: core.correlate([], [1]),
     r"`x` must not be empty, got a 1-D array of shape \(0,\)"),
    ("empty rows", lambda: core.correlate([[], []], [[1]]), r"`x` must not be empty, got .*\(2, 0\)"),
    ("empty kernel", lambda: core.correlate(X, np.zeros((0, 2))), r"`k` must not be empty"),
    ("empty weights", lambda: core.conv2d(X4, np.zeros((0, 4, 1, 1))), r"`w` must not be empty"),
    ("NaN input", lambda: core.correlate([[1.0, float("nan")]], [[1]]),
     r"`x` must be finite, got nan in \[\[1\.0, nan\]\]; accepted: finite numbers"),
    ("infinite kernel", lambda: core.convolve(X, [[1, float("inf")]]), r"`k` must be finite, got inf"),
    ("negative infinity", lambda: core.pool2d([[1, -np.inf]], 1), r"`x` must be finite, got -inf"),
    ("NaN bias", lambda: core.conv2d(X4, np.ones((2, 4, 1, 1)), bias=[0, np.nan]),
     r"`bias` must be finite"),
    ("string entries", lambda: core.correlate([["1", "2"]], [[1]]),
     r"`x` must hold real numbers, got .*accepted: integers or floats"),
    ("None entry", lambda: core.correlate([[1, None]], [[1]]), r"`x` must hold real numbers, got None"),
    ("complex entries", lambda: core.correlate([[1 + 2j]], [[1]]), r"`x` must hold real numbers"),
    ("object entry", lambda: core.correlate(X, [[1, object()]]), r"`k` must hold real numbers"),
    ("boolean array", lambda: core.correlate(np.ones((2, 2), dtype=bool), [[1]]),
     r"`x` must hold numbers, got boolean entries"),
    ("boolean in list", lambda: core.correlate([[1, True]], [[1]]),
     r"`x` must hold numbers, got boolean entries in \[\[1, True\]\]"),
    ("boolean kernel", lambda: core.convolve(X, [[False, True]]), r"`k` must hold numbers, got boolean"),
    ("numpy bool in list", lambda: core.correlate([np.True_, 2], [1]), r"`x` .*boolean"),
    ("boolean weights", lambda: core.conv2d(X4, np.ones((2, 4, 1, 1), dtype=bool)),
     r"`w` must hold numbers, got boolean"),
    # dimensions
    ("scalar input", lambda: core.correlate(3, [1]),
     r"`x` has too few dimensions: got a 0-D array of shape \(\); accepted: a 1-D or 2-D array"),
    ("3-D input", lambda: core.correlate(np.ones((2, 2, 2)), np.ones((1, 1, 1))),
     r"`x` has too many dimensions: got a 3-D array of shape \(2, 2, 2\)"),
    ("kernel rank differs", lambda: core.correlate(X, [1, 2]),
     r"`k` must have as many dimensions as `x` \(2-D\), got a 1-D kernel"),
    ("conv2d 3-D input", lambda: core.conv2d(np.ones((4, 5, 5)), W4),
     r"`x` has too few dimensions: got a 3-D array .*accepted: a 4-D array"),
    ("conv2d 2-D weights", lambda: core.conv2d(X4, np.ones((3, 3))), r"`w` has too few dimensions"),
    ("conv2d 5-D input", lambda: core.conv2d(np.ones((1, 1, 1, 4, 5)), W4), r"`x` has too many"),
    ("transpose 3-D input", lambda: core.conv_transpose2d(np.ones((2, 3, 3)), np.ones((2, 1, 2, 2))),
     r"`x` has too many dimensions: got a 3-D array .*accepted: a 2-D or 4-D array"),
    ("transpose rank mismatch", lambda: core.conv_transpose2d(X, np.ones((1, 1, 2, 2))),
     r"`w` must have as many dimensions as `x` \(2-D\)"),
    ("pool 1-D input", lambda: core.pool2d([1, 2, 3], 1), r"`x` has too few dimensions"),
    ("pool 5-D input", lambda: core.pool2d(np.ones((1, 1, 1, 2, 2)), 1), r"`x` has too many"),
    ("steps 3-D input", lambda: core.steps(np.ones((2, 2, 2)), K), r"`x` has too many dimensions"),
    # channels and groups
    ("conv2d channels mismatch", lambda: core.conv2d(X4, np.ones((6, 3, 3, 3))),
     r"channel counts do not fit `groups` = 1: `x` has 4 channels and `w` has shape "
     r"\(6, 3, 3, 3\).*accepted"),
    ("conv2d groups do not divide channels", lambda: core.conv2d(X4, np.ones((6, 2, 3, 3)), groups=3),
     r"channel counts do not fit `groups` = 3"),
    ("conv2d groups do not divide out channels",
     lambda: core.conv2d(X4, np.ones((3, 2, 3, 3)), groups=2), r"do not fit `groups` = 2"),
    ("conv2d groups 0", lambda: core.conv2d(X4, W4, groups=0),
     r"`groups` must be a positive integer, got 0"),
    ("conv2d groups float", lambda: core.conv2d(X4, W4, groups=2.0), r"`groups` .*got 2\.0"),
    ("conv2d bias length", lambda: core.conv2d(X4, W4, bias=[1, 2], groups=2),
     r"`bias` must have one value per output channel \(6\), got shape \(2,\)"),
    ("transpose channels mismatch", lambda: core.conv_transpose2d(X4, np.ones((3, 2, 2, 2))),
     r"channel counts do not fit `groups` = 1: `x` has 4 channels"),
    ("transpose groups", lambda: core.conv_transpose2d(X4, np.ones((4, 2, 2, 2)), groups=3),
     r"do not fit `groups` = 3"),
    ("transpose 2-D groups", lambda: core.conv_transpose2d(X, K, groups=2),
     r"`groups` must be 1 for a 2-D input, got 2"),
    ("transpose bias length", lambda: core.conv_transpose2d(X4, np.ones((4, 2, 2, 2)), bias=[1]),
     r"`bias` must have one value per output channel \(2\)"),
    # transposed specifics
    ("output_padding not below stride", lambda: core.conv_transpose2d(X, K, stride=2, output_padding=2),
     r"`output_padding` must be smaller than stride or dilation, got 2 with stride 2 and "
     r"dilation 1; accepted: 0 <= output_padding < 2"),
    ("output_padding with stride 1", lambda: core.conv_transpose2d(X, K, output_padding=1),
     r"`output_padding` .*got 1 .*< 1"),
    ("negative output_padding", lambda: core.conv_transpose2d(X, K, output_padding=-1),
     r"`output_padding` must be a non-negative integer .*got -1"),
    ("transposed output empty", lambda: core.conv_transpose2d([[1]], [[1, 1], [1, 1]], padding=1),
     r"`padding` 1 leaves no output: .* = 0 .*accepted: padding at most 0"),
    ("transposed_output_size", lambda: core.transposed_output_size(3, 3, stride=2, output_padding=3),
     r"`output_padding` must be smaller"),
    # pooling and steps specifics
    ("pool unknown op", lambda: core.pool2d(X, 2, op="min"), r"`op` must be \"max\" or \"avg\", got 'min'"),
    ("steps unknown op", lambda: core.steps(X, K, op="deconvolve"),
     r"`op` must be one of 'correlate', .*'avg_pool'; got 'deconvolve'"),
    ("steps without kernel", lambda: core.steps(X, op="correlate"),
     r"`k` is required for op 'correlate', got None"),
    ("steps pooling without kernel_size", lambda: core.steps(X, op="max_pool"),
     r"`kernel_size` is required for pooling, got None"),
    ("steps transpose without kernel", lambda: core.steps(X, op="transpose"), r"`k` is required"),
    ("steps kernel_size disagrees", lambda: core.steps(X, K, kernel_size=3),
     r"`kernel_size` 3 disagrees with the shape of `k` \(2, 2\)"),
    ("steps same with stride", lambda: core.steps(X, K, padding="same", stride=2),
     r"\"same\" needs stride 1"),
    ("steps too many cells", lambda: core.steps(np.zeros((101, 101)), [[1]]),
     r"`x`, `k`, `padding`, `stride`: the trace would have 10,201 steps \(output 101x101\), over MAX_TRACE_STEPS = 10,000"),
    # integer range and float overflow
    ("python int beyond int64", lambda: core.correlate([[2**63, 1]], [[1]]),
     r"`x` holds 9223372036854775808, beyond the int64 range; accepted"),
    ("uint64 beyond int64", lambda: core.correlate(np.array([2**64 - 1], dtype=np.uint64), [1]),
     r"`x` holds 18446744073709551615, beyond the int64 range"),
    ("int64 sums could overflow", lambda: core.correlate([[2**62, 1]], [[2, 1]]),
     r"`x` and `k`: integer results could reach .*beyond int64.*accepted"),
    ("conv2d int overflow", lambda: core.conv2d(np.full((1, 2, 2, 2), 2**40), np.full((1, 2, 2, 2), 2**20)),
     r"`x`, `w` and `bias`: integer results could reach"),
    ("float overflow", lambda: core.correlate([[1e300, 1e300]], [[1e10, 1e10]]),
     r"the result overflows float64"),
]


@pytest.mark.parametrize("call, pattern", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_refusal_message(call, pattern):
    with pytest.raises(ConvError, match=pattern) as info:
        call()
    message = str(info.value)
    assert isinstance(info.value, ValueError)
    assert "`" in message, "names the argument in backticks"
    assert "accepted" in message or "must" in message, "says what is accepted"


# ---- size limits, refused from shapes alone ------------------------------------------------

def _peak_bytes(call) -> int:
    tracemalloc.start()
    try:
        with pytest.raises(ConvError) as info:
            call()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak, str(info.value)


def test_limits_are_documented_as_they_are():
    """The module docstring states each limit; the value the code enforces is that one."""
    import re

    words = {"million": 10**6, "billion": 10**9}
    for name in ("MAX_ELEMENTS", "MAX_WORK", "MAX_TRACE_STEPS"):
        m = re.search(rf"`{name}`\s+\(([\d ]+)(?:\s+(million|billion))?\)", core.__doc__)
        assert m, f"{name} is not documented in core's docstring"
        stated = int(m.group(1).replace(" ", "")) * words.get(m.group(2), 1)
        assert getattr(core, name) == stated, name


@pytest.mark.parametrize("call, pattern", [
    # huge padding with a huge stride: tiny output, but a padded input of 4e10 cells
    (lambda: core.correlate(np.ones((3, 3)), np.ones((3, 3)), padding=10**5, stride=10**5),
     r"the padded input would have 40,001,200,009 elements, over the core's limit MAX_ELEMENTS"),
    (lambda: core.correlate(np.ones(3), np.ones(3), padding="full", dilation=10**8),
     r"padded input would have .*MAX_ELEMENTS"),
    # a 20000x20000 broadcast view (no memory) as input: the output alone is too large
    (lambda: core.correlate(np.broadcast_to(np.int64(1), (20000, 20000)), [[1, 1], [1, 1]]),
     r"`x`, `k`, .*: the padded input would have 400,000,000 elements, over .*MAX_ELEMENTS = 50,000,000"),
    # output fits but output x taps is too much work
    (lambda: core.correlate(np.broadcast_to(np.int64(1), (4000, 4000)),
                            np.broadcast_to(np.int64(1), (50, 50))),
     r"the call would take 39,\d{3},\d{3},\d{3} multiply-adds .*MAX_WORK = 1,000,000,000"),
    (lambda: core.conv2d(np.broadcast_to(1.0, (16, 64, 128, 128)),
                         np.broadcast_to(1.0, (64, 64, 3, 3))), r"multiply-adds .*MAX_WORK"),
    (lambda: core.conv_transpose2d(np.ones((2, 2)), np.ones((2, 2)), stride=10**5),
     r"the uncropped output would have .*MAX_ELEMENTS"),
    (lambda: core.pool2d(np.broadcast_to(1.0, (8000, 8000)), 1), r"MAX_ELEMENTS"),
    (lambda: core.steps(np.ones((2, 2)), np.ones((2, 2)), op="transpose", stride=10**5),
     r"MAX_ELEMENTS"),
])
def test_size_limits_refused_before_memory_is_taken(call, pattern):
    peak, message = _peak_bytes(call)
    assert __import__("re").search(pattern, message), message
    assert peak < 2 * 2**20, f"refusal allocated {peak} bytes"


def test_limits_are_inclusive():
    from plugins.conv import _validate

    _validate.check_limit("output", core.MAX_ELEMENTS, "`x`")
    _validate.check_work(core.MAX_WORK, "`x`")
    with pytest.raises(ConvError, match="50,000,001 elements"):
        _validate.check_limit("output", core.MAX_ELEMENTS + 1, "`x`")
    with pytest.raises(ConvError, match="1,000,000,001 multiply-adds"):
        _validate.check_work(core.MAX_WORK + 1, "`x`")
    out = core.correlate(np.ones(10), np.ones(1), padding=[0, 10**6])  # large but allowed
    assert out.shape == (10**6 + 10,) and out.sum() == 10

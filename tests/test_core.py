"""The convolution core on hand-computed cases, its dtypes and its traces (its doctests run
with the suite: `--doctest-modules` in pytest.ini)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from plugins.conv import core
from plugins.conv.trace import Step, Trace

FIXTURES = Path(__file__).parent / "fixtures" / "core"
HAND = json.loads((FIXTURES / "hand_computed.json").read_text())["cases"]
ANIMATIONS = json.loads((FIXTURES / "animations.json").read_text())["animations"]

POST_X = [[1, 2, 2, 1, 0], [3, 3, 3, 3, 0], [3, 0, 0, 2, 2], [0, 3, 0, 3, 3], [2, 2, 2, 3, 2]]
POST_K = [[0, 1, 2], [3, 4, 5], [6, 7, 8]]
GUIDE_X = [[3, 3, 2, 1, 0], [0, 0, 1, 3, 1], [3, 1, 2, 2, 3], [2, 0, 0, 2, 2], [2, 0, 0, 0, 1]]
GUIDE_K = [[0, 1, 2], [2, 2, 0], [0, 1, 2]]


def _call(case):
    fn = getattr(core, case["fn"])
    if case["fn"] == "pool2d":
        return fn(case["x"], **case["kwargs"])
    return fn(case["x"], case["k"], **case["kwargs"])


@pytest.mark.parametrize("case", HAND, ids=[c["name"] for c in HAND])
def test_hand_computed(case):
    out = _call(case)
    if "expected_sums" in case:
        ks = case["kwargs"]["kernel_size"]
        taps = ks * ks if isinstance(ks, int) else ks[0] * ks[1]
        expected = np.array(case["expected_sums"], dtype=np.int64) / taps
        assert out.dtype == np.float64
    else:
        expected = np.array(case["expected"], dtype=np.int64)
        assert out.dtype == np.int64
    assert out.shape == expected.shape
    assert np.array_equal(out, expected)


def test_public_functions_document_shape_and_example():
    for name in ("correlate", "convolve", "conv2d", "conv_transpose2d", "pool2d", "output_size",
                 "transposed_output_size", "steps"):
        doc = getattr(core, name).__doc__
        assert ">>>" in doc, name
        assert "o = " in doc or "o' = " in doc or "Output shape" in doc, name


def test_conv_error_is_value_error():
    assert issubclass(core.ConvError, ValueError)
    with pytest.raises(ValueError):
        core.correlate([1, 2], [1, 2, 3])


# ---- dtypes and exactness -------------------------------------------------------------------

def test_integers_in_exact_integers_out():
    out = core.correlate(POST_X, POST_K)
    assert out.dtype == np.int64
    big = 2**30 + 1  # big*big + 1 needs 61 bits: a float64 round trip would lose the +1
    out = core.correlate([[big, 1]], [[big, 1]])
    assert out.dtype == np.int64 and int(out[0, 0]) == big * big + 1


def test_integer_results_near_int64_limit_are_exact():
    x = np.array([[2**31, 2**31]], dtype=np.int64)
    k = np.array([[2**30, 2**30]], dtype=np.int64)
    assert int(core.correlate(x, k)[0, 0]) == 2**62


@pytest.mark.parametrize("dtype", [np.int8, np.int16, np.int32, np.uint8, np.uint16, np.uint32,
                                   np.uint64])
def test_any_integer_width_becomes_int64(dtype):
    x = np.array([[1, 2], [3, 4]], dtype=dtype)
    out = core.correlate(x, np.array([[1]], dtype=dtype))
    assert out.dtype == np.int64 and out.tolist() == [[1, 2], [3, 4]]


def test_uint8_does_not_wrap():
    x = np.full((2, 2), 200, dtype=np.uint8)
    assert core.correlate(x, x).tolist() == [[4 * 200 * 200]]


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_floats_become_float64(dtype):
    out = core.correlate(np.array([0.5, 0.25], dtype=dtype), [1, 1])
    assert out.dtype == np.float64 and out.tolist() == [0.75]


def test_mixed_int_and_float_is_float64():
    assert core.correlate([1, 2], [0.5]).dtype == np.float64
    assert core.conv2d(np.ones((1, 1, 2, 2), dtype=int), np.ones((1, 1, 1, 1)),
                       bias=[0.5]).dtype == np.float64


def test_python_ints_within_int64_in_object_arrays():
    x = np.array([[1, 2], [3, 4]], dtype=object)
    assert core.correlate(x, [[1]]).dtype == np.int64


def test_avg_pool_is_float_max_pool_keeps_int():
    assert core.pool2d(GUIDE_X, 3, op="avg", stride=1).dtype == np.float64
    assert core.pool2d(GUIDE_X, 3, op="max", stride=1, padding=1).dtype == np.int64


def test_inputs_are_not_modified():
    x = np.array(POST_X)
    k = np.array(POST_K)
    core.convolve(x, k, padding="same")
    core.steps(x, k, op="convolve", padding=1)
    assert x.tolist() == POST_X and k.tolist() == POST_K


def test_float_results_do_not_depend_on_entry_path():
    rng = np.random.default_rng(5)
    x = rng.standard_normal((9, 8))
    k = rng.standard_normal((3, 2))
    a = core.correlate(x, k, padding=1, stride=2)
    b = core.correlate(x.tolist(), k.tolist(), padding=[1, 1, 1, 1], stride=[2, 2])
    assert np.array_equal(a, b)


# ---- operations relate as documented ---------------------------------------------------------

def test_convolve_is_correlate_with_rotated_kernel():
    rng = np.random.default_rng(0)
    for _ in range(30):
        x = rng.integers(-9, 10, (7, 6))
        k = rng.integers(-9, 10, (3, 2))
        for kw in ({}, {"padding": "same"}, {"padding": "full", "stride": 2},
                   {"padding": [1, 2, 0, 1], "dilation": [2, 1]}):
            assert np.array_equal(core.convolve(x, k, **kw), core.correlate(x, k[::-1, ::-1], **kw))


def test_convolve_1d_reverses_kernel():
    assert core.convolve([1, 2, 3, 4], [1, 2]).tolist() == core.correlate([1, 2, 3, 4], [2, 1]).tolist()


def test_one_d_equals_one_row_of_two_d():
    x, k = [3, 1, 4, 1, 5, 9, 2, 6], [2, 7, 1]
    for kw in ({}, {"padding": "same"}, {"padding": [2, 1], "stride": 3, "dilation": 2}):
        one = core.correlate(x, k, **kw)
        pads = kw.get("padding", "valid")
        two_pad = [0, 0] + list(pads) if isinstance(pads, list) else pads
        two = core.correlate([x], [k], padding=two_pad, stride=[1, kw.get("stride", 1)],
                             dilation=[1, kw.get("dilation", 1)]) if pads != "same" else \
            core.correlate([x], [k], padding="same")
        assert one.ndim == 1 and one.tolist() == two[0].tolist()


def test_conv2d_single_channel_equals_correlate():
    x = np.array(POST_X).reshape(1, 1, 5, 5)
    w = np.array(POST_K).reshape(1, 1, 3, 3)
    assert core.conv2d(x, w)[0, 0].tolist() == [[60, 56, 52], [39, 61, 66], [54, 78, 82]]
    assert np.array_equal(core.conv2d(x, w, padding="same")[0, 0],
                          core.correlate(POST_X, POST_K, padding="same"))


def test_conv2d_depthwise_is_per_channel_correlate():
    rng = np.random.default_rng(1)
    x = rng.integers(-5, 6, (2, 3, 6, 5))
    w = rng.integers(-5, 6, (6, 1, 3, 3))  # depth multiplier 2
    out = core.conv2d(x, w, groups=3, padding=1, stride=[2, 1])
    for n in range(2):
        for o in range(6):
            expected = core.correlate(x[n, o // 2], w[o, 0], padding=1, stride=[2, 1])
            assert np.array_equal(out[n, o], expected)


def test_conv2d_channels_sum_and_bias_add():
    x = np.arange(2 * 3 * 3).reshape(1, 2, 3, 3)
    w = np.array([[[[1]], [[10]]]])  # 1 out channel, 2 in channels, 1x1 kernel
    out = core.conv2d(x, w, bias=[1000])
    assert out.tolist() == [[(x[0, 0] + 10 * x[0, 1] + 1000).tolist()]]


def test_conv_transpose_is_adjoint_of_conv():
    """<conv(x), y> == <x, conv_transpose(y)>: the transposed convolution is C^T."""
    rng = np.random.default_rng(2)
    for s, p, d in [(1, 0, 1), (2, 1, 1), (3, 2, 2), (2, 0, 3)]:
        x = rng.integers(-4, 5, (1, 2, 9, 8))
        w = rng.integers(-4, 5, (3, 2, 3, 2))
        y_shape = core.conv2d(x, w, stride=s, padding=p, dilation=d).shape
        y = rng.integers(-4, 5, y_shape)
        a = [(i + 2 * p - d * (k - 1) - 1) % s for i, k in zip((9, 8), (3, 2))]
        xt = core.conv_transpose2d(y, w, stride=s, padding=p, dilation=d, output_padding=a)
        assert xt.shape == x.shape
        lhs = int((core.conv2d(x, w, stride=s, padding=p, dilation=d) * y).sum())
        assert lhs == int((x * xt).sum())


def test_conv_transpose_2d_and_nchw_agree():
    rng = np.random.default_rng(3)
    x = rng.integers(-5, 6, (4, 3))
    k = rng.integers(-5, 6, (3, 2))
    kw = dict(stride=[2, 3], padding=[1, 0], dilation=[1, 2], output_padding=[1, 2])
    plain = core.conv_transpose2d(x, k, **kw)
    batched = core.conv_transpose2d(x[None, None], k[None, None], **kw)[0, 0]
    assert np.array_equal(plain, batched)
    assert core.conv_transpose2d(x, k, bias=7, **kw).tolist() == (plain + 7).tolist()


def test_pool_over_leading_axes():
    rng = np.random.default_rng(4)
    x = rng.standard_normal((2, 3, 6, 7))
    out = core.pool2d(x, [2, 3], op="avg", padding=[1, 1], stride=[2, 2])
    assert np.array_equal(out[1, 2], core.pool2d(x[1, 2], [2, 3], op="avg", padding=[1, 1],
                                                 stride=[2, 2]))
    assert core.pool2d(x[0], 2).shape == (3, 3, 3)


# ---- traces ----------------------------------------------------------------------------------

def test_steps_first_post_convolve():
    t = core.steps(POST_X, POST_K, op="convolve")
    assert isinstance(t, Trace) and t.op == "convolve"
    assert t.weights.tolist() == [[8, 7, 6], [5, 4, 3], [2, 1, 0]]
    assert t.kernel.tolist() == POST_K
    assert t.output.tolist() == [[76, 72, 52], [81, 75, 62], [42, 42, 54]]
    first = t.steps[0]
    assert isinstance(first, Step) and first.out == (0, 0)
    assert first.taps.tolist() == [[r, c] for r in range(3) for c in range(3)]
    assert first.values.tolist() == [1, 2, 2, 3, 3, 3, 3, 0, 0]
    assert first.products.tolist() == [8, 14, 12, 15, 12, 9, 6, 0, 0]
    assert first.result == 76 and isinstance(first.result, int)
    assert [s.out for s in t.steps] == [(r, c) for r in range(3) for c in range(3)]


def test_steps_guide_padding_strides():
    t = core.steps(GUIDE_X, GUIDE_K, op="correlate", padding=1, stride=2)
    assert t.grid.shape == (7, 7) and t.is_pad.sum() == 49 - 25
    assert t.stride == (2, 2) and t.dilation == (1, 1) and t.kernel_size == (3, 3)
    assert t.output.tolist() == [[6, 17, 3], [8, 17, 13], [6, 4, 4]]
    last = t.steps[-1]
    assert last.out == (2, 2) and last.taps[0].tolist() == [4, 4]
    assert last.taps[-1].tolist() == [6, 6]
    assert last.values.tolist() == [2, 2, 0, 0, 1, 0, 0, 0, 0]
    assert np.array_equal(t.grid[t.is_input].reshape(5, 5), np.array(GUIDE_X))
    assert (t.grid[t.is_pad] == 0).all()


def test_steps_dilation_taps_spread():
    t = core.steps(np.arange(49).reshape(7, 7), np.ones((3, 3), dtype=int), dilation=2)
    assert t.steps[0].taps.tolist() == [[r, c] for r in (0, 2, 4) for c in (0, 2, 4)]
    assert t.steps[4].taps[0].tolist() == [1, 1]


def test_steps_max_pool_padding_is_minus_infinity():
    t = core.steps([[-1, -2], [-3, -4]], op="max_pool", kernel_size=2, padding=1)
    first = t.steps[0]
    assert first.weights is None and first.products is None
    assert first.values.tolist() == [-np.inf, -np.inf, -np.inf, -1.0]
    assert first.result == -1
    assert t.grid[0, 0] == 0 and t.is_pad[0, 0]
    assert t.output.tolist() == [[-1, -1, -2], [-1, -1, -2], [-3, -3, -4]]


def test_steps_avg_pool_guide_figure():
    t = core.steps(GUIDE_X, op="avg_pool", kernel_size=3)
    assert [round(s.result, 1) for s in t.steps] == [1.7, 1.7, 1.7, 1.0, 1.2, 1.8, 1.1, 0.8, 1.3]
    assert t.kernel is None and t.weights is None and t.stride == (1, 1)


def test_steps_pool_kernel_size_from_k():
    t = core.steps(GUIDE_X, np.zeros((2, 2)), op="max_pool")
    assert t.kernel_size == (2, 2) and t.output.shape == (4, 4)


def test_steps_1d_is_one_row():
    t = core.steps([1, 2, 3, 4, 5], [1, 0, -1], op="correlate", padding=1, stride=2)
    assert t.input.shape == (1, 5) and t.grid.shape == (1, 7) and t.output.shape == (1, 3)
    assert t.output.tolist() == [core.correlate([1, 2, 3, 4, 5], [1, 0, -1], padding=1,
                                                stride=2).tolist()]
    assert t.steps[1].taps.tolist() == [[0, 2], [0, 3], [0, 4]]
    tt = core.steps([1, 2], [1, 1], op="transpose", stride=2)
    assert tt.output.tolist() == [[1, 1, 2, 2]]
    assert core.steps([1, 2, 3], op="avg_pool", kernel_size=2).output.tolist() == [[1.5, 2.5]]


def test_steps_transpose_matches_guide_picture():
    x = [[1, 2, 3], [4, 5, 6], [7, 8, 9]]
    k = [[1, 2, 3], [4, 5, 6], [7, 8, 10]]
    t = core.steps(x, k, op="transpose", stride=2, padding=1, output_padding=1)
    assert t.grid.shape == (8, 8)  # stretched 5, edge 3-1-1 = 1, plus a = 1
    assert t.stride == (1, 1)
    assert t.weights.tolist() == np.rot90(np.array(k), 2).tolist()
    assert t.is_input.sum() == 9
    assert np.array_equal(t.grid[1:6:2, 1:6:2], np.array(x))
    assert (t.grid[t.is_pad] == 0).all() and not (t.is_pad & t.is_input).any()
    assert t.is_pad[7].all() and t.is_pad[:, 7].all()
    assert np.array_equal(t.output, core.conv_transpose2d(x, k, stride=2, padding=1,
                                                          output_padding=1))
    assert t.output.shape == (6, 6)


def test_steps_transpose_padding_beyond_kernel_is_refused():
    with pytest.raises(core.ConvError, match=r"`padding` 3 .*accepted: padding <= 2"):
        core.steps([[1, 2, 3, 4]] * 4, [[1, 1, 1]] * 3, op="transpose", stride=3, padding=3)


@pytest.mark.parametrize("anim", ANIMATIONS, ids=[a["name"] for a in ANIMATIONS])
def test_steps_reproduce_the_guide_catalogue(anim):
    rng = np.random.default_rng(0)
    k = rng.integers(0, 3, (anim["k"], anim["k"]))
    if anim["name"].endswith("_transposed"):
        x = rng.integers(0, 4, (anim["o"], anim["o"]))
        t = core.steps(x, k, op="transpose", padding=anim["p"], stride=anim["s"],
                       dilation=anim["d"], output_padding=anim.get("a", 0))
        assert t.output.shape == (anim["i"], anim["i"])
        rows = np.flatnonzero(t.is_input.any(axis=1))
        assert rows[0] == anim["edge"] and rows[-1] - rows[0] + 1 == anim["stretched"]
    else:
        x = rng.integers(0, 4, (anim["i"], anim["i"]))
        t = core.steps(x, k, op="correlate", padding=anim["p"], stride=anim["s"],
                       dilation=anim["d"])
        assert t.output.shape == (anim["o"], anim["o"])
    assert t.grid.shape == (anim["grid"], anim["grid"])
    assert len(t.steps) == anim["frames"]
    _assert_trace_consistent(t)


def _assert_trace_consistent(t: Trace):
    """Every step's numbers follow from the grid, and the results are the output exactly."""
    assert t.grid.shape == t.is_pad.shape == t.is_input.shape
    assert not (t.is_pad & t.is_input).any() and (t.is_pad | t.is_input).all()
    oh, ow = t.output.shape
    assert [s.out for s in t.steps] == [(r, c) for r in range(oh) for c in range(ow)]
    for s in t.steps:
        rows, cols = s.taps[:, 0], s.taps[:, 1]
        grid_vals = t.grid[rows, cols]
        if t.op == "max_pool":
            assert np.array_equal(np.where(t.is_pad[rows, cols], -np.inf, grid_vals), s.values)
        else:
            assert np.array_equal(grid_vals, s.values)
        if s.weights is not None:
            assert np.array_equal(s.weights, t.weights.ravel())
            assert np.array_equal(s.products, s.values * s.weights)
            total = 0
            for p in s.products.tolist():
                total = total + p
            assert total == s.result
        assert s.result == t.output[s.out].item()


@pytest.mark.parametrize("op", ["correlate", "convolve", "transpose", "max_pool", "avg_pool"])
@pytest.mark.parametrize("data", ["int", "float"])
def test_trace_results_equal_output_exactly(op, data):
    rng = np.random.default_rng(7)
    for trial in range(12):
        shape = tuple(rng.integers(4, 9, 2))
        x = rng.integers(-9, 10, shape) if data == "int" else rng.standard_normal(shape) * 10
        k = rng.integers(-9, 10, (3, 2)) if data == "int" else rng.standard_normal((3, 2))
        s, d = [int(v) for v in rng.integers(1, 3, 2)], [int(v) for v in rng.integers(1, 3, 2)]
        if op in ("correlate", "convolve"):
            t = core.steps(x, k, op=op, padding=[1, 0, 2, 1], stride=s, dilation=d)
            fn = core.correlate if op == "correlate" else core.convolve
            assert np.array_equal(t.output, fn(x, k, padding=[1, 0, 2, 1], stride=s, dilation=d))
        elif op == "transpose":
            a = [trial % 2 if s[0] > 1 or d[0] > 1 else 0, 0]
            t = core.steps(x, k, op=op, padding=[1, 0], stride=s, dilation=d, output_padding=a)
            assert np.array_equal(t.output, core.conv_transpose2d(
                x, k, padding=[1, 0], stride=s, dilation=d, output_padding=a))
        else:
            t = core.steps(x, op=op, kernel_size=[3, 2], padding=[1, 1], stride=s)
            assert np.array_equal(t.output, core.pool2d(x, [3, 2], op=op[:3], padding=[1, 1],
                                                        stride=s))
        _assert_trace_consistent(t)

"""The fast paths against a slow reference written straight from the definitions (Hypothesis),
against SciPy and NumPy as independent oracles, and against PyTorch when it is installed."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plugins.conv import core

SETTINGS = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


# ---- the slow reference, one output cell and one tap at a time -----------------------------

def ref_correlate(x, k, pads, stride, dilation):
    """out[r][c] = sum_{u,v} x[r*s + u*d - top][c*s + v*d - left] * k[u][v], zero outside."""
    x, k = np.asarray(x).tolist(), np.asarray(k).tolist()
    (top, bottom), (left, right) = pads
    h, w, kh, kw = len(x), len(x[0]), len(k), len(k[0])
    (sh, sw), (dh, dw) = stride, dilation
    rows = []
    r = 0
    while r * sh + dh * (kh - 1) < h + top + bottom:
        row = []
        c = 0
        while c * sw + dw * (kw - 1) < w + left + right:
            total = 0
            for u in range(kh):
                for v in range(kw):
                    i, j = r * sh + u * dh - top, c * sw + v * dw - left
                    value = x[i][j] if 0 <= i < h and 0 <= j < w else 0
                    total = total + value * k[u][v]
            row.append(total)
            c += 1
        rows.append(row)
        r += 1
    return rows


def ref_conv2d(x, w, bias, pads, stride, dilation, groups):
    n, c = x.shape[:2]
    o, cg = w.shape[:2]
    og = o // groups
    out = None
    for b in range(n):
        for oc in range(o):
            g = oc // og
            acc = None
            for ic in range(cg):
                part = np.array(ref_correlate(x[b, g * cg + ic], w[oc, ic], pads, stride, dilation),
                                dtype=object)
                acc = part if acc is None else acc + part
            if bias is not None:
                acc = acc + bias[oc]
            if out is None:
                out = np.zeros((n, o) + acc.shape, dtype=object)
            out[b, oc] = acc
    return out


def ref_conv_transpose2d(x, w, pad, stride, dilation, out_pad, groups):
    """Scatter from the definition: input (y, x) meets weight (u, v) at y*s - p + u*d."""
    n, c, h, wd = x.shape
    _, og, kh, kw = w.shape
    cg = c // groups
    oh = (h - 1) * stride[0] - 2 * pad[0] + dilation[0] * (kh - 1) + out_pad[0] + 1
    ow = (wd - 1) * stride[1] - 2 * pad[1] + dilation[1] * (kw - 1) + out_pad[1] + 1
    out = np.zeros((n, og * groups, oh, ow), dtype=object)
    for b in range(n):
        for ic in range(c):
            g = ic // cg
            for oc in range(og):
                for y in range(h):
                    for xx in range(wd):
                        for u in range(kh):
                            for v in range(kw):
                                r = y * stride[0] - pad[0] + u * dilation[0]
                                q = xx * stride[1] - pad[1] + v * dilation[1]
                                if 0 <= r < oh and 0 <= q < ow:
                                    out[b, g * og + oc, r, q] += int(x[b, ic, y, xx]) * int(w[ic, oc, u, v])
    return out


def ref_pool(x, kernel, pad, stride, op):
    h, w = len(x), len(x[0])
    out = []
    r = 0
    while r * stride[0] + kernel[0] <= h + 2 * pad[0]:
        row = []
        c = 0
        while c * stride[1] + kernel[1] <= w + 2 * pad[1]:
            vals = []
            for u in range(kernel[0]):
                for v in range(kernel[1]):
                    i, j = r * stride[0] + u - pad[0], c * stride[1] + v - pad[1]
                    inside = 0 <= i < h and 0 <= j < w
                    vals.append(x[i][j] if inside else (-np.inf if op == "max" else 0))
            if op == "max":
                row.append(max(vals))
            else:
                total = 0
                for v in vals:
                    total = total + v
                row.append(total / (kernel[0] * kernel[1]))
            c += 1
        out.append(row)
        r += 1
    return out


def resolve_padding(padding, k_shape, dilation):
    """The documented padding forms, spelled out independently of the core."""
    if padding == "valid":
        return ((0, 0), (0, 0))
    if padding == "full":
        return tuple((d * (k - 1), d * (k - 1)) for k, d in zip(k_shape, dilation))
    if padding == "same":
        return tuple((d * (k - 1) // 2, d * (k - 1) - d * (k - 1) // 2)
                     for k, d in zip(k_shape, dilation))
    if isinstance(padding, int):
        return ((padding, padding), (padding, padding))
    if len(padding) == 2:
        return ((padding[0], padding[0]), (padding[1], padding[1]))
    return ((padding[0], padding[1]), (padding[2], padding[3]))


# ---- strategies ----------------------------------------------------------------------------

def matrices(max_side=7, elements=st.integers(-9, 9)):
    return st.tuples(st.integers(1, max_side), st.integers(1, max_side)).flatmap(
        lambda shape: st.lists(st.lists(elements, min_size=shape[1], max_size=shape[1]),
                               min_size=shape[0], max_size=shape[0]))


small = st.integers(1, 3)
pairs = st.one_of(small, st.tuples(small, small).map(list))
paddings = st.one_of(
    st.sampled_from(["valid", "same", "full"]),
    st.integers(0, 3),
    st.tuples(st.integers(0, 3), st.integers(0, 3)).map(list),
    st.tuples(*[st.integers(0, 3)] * 4).map(list),
)
floats = st.floats(-100, 100, allow_nan=False, allow_infinity=False, width=64)


def _per_axis(v):
    return (v, v) if isinstance(v, int) else tuple(v)


@SETTINGS
@given(x=matrices(8), k=matrices(4), padding=paddings, stride=pairs, dilation=pairs,
       flip=st.booleans())
def test_correlate_and_convolve_match_reference_on_integers(x, k, padding, stride, dilation, flip):
    s, d = _per_axis(stride), _per_axis(dilation)
    fn = core.convolve if flip else core.correlate
    applied = np.array(k)[::-1, ::-1] if flip else np.array(k)
    pads = resolve_padding(padding, applied.shape, d)
    fits = all(dd * (kk - 1) + 1 <= n + a + b for n, kk, (a, b), dd in
               zip(np.shape(x), applied.shape, pads, d))
    if padding == "same" and s != (1, 1):
        with pytest.raises(core.ConvError, match="same"):
            fn(x, k, padding=padding, stride=stride, dilation=dilation)
    elif not fits:
        with pytest.raises(core.ConvError, match="larger than the padded input"):
            fn(x, k, padding=padding, stride=stride, dilation=dilation)
    else:
        out = fn(x, k, padding=padding, stride=stride, dilation=dilation)
        assert out.dtype == np.int64
        assert out.tolist() == ref_correlate(x, applied, pads, s, d)


@SETTINGS
@given(x=matrices(7, floats), k=matrices(3, floats), padding=st.integers(0, 2), stride=pairs,
       dilation=pairs)
def test_correlate_floats_match_reference_bit_for_bit(x, k, padding, stride, dilation):
    s, d = _per_axis(stride), _per_axis(dilation)
    pads = resolve_padding(padding, np.shape(k), d)
    if any(dd * (kk - 1) + 1 > n + a + b for n, kk, (a, b), dd in
           zip(np.shape(x), np.shape(k), pads, d)):
        return
    out = core.correlate(x, k, padding=padding, stride=stride, dilation=dilation)
    assert out.dtype == np.float64
    # taps are added in the same row-major order as the reference: no rounding difference
    assert out.tolist() == ref_correlate(x, k, pads, s, d)


@SETTINGS
@given(x=st.lists(st.integers(-9, 9), min_size=1, max_size=12),
       k=st.lists(st.integers(-9, 9), min_size=1, max_size=4),
       padding=st.one_of(st.sampled_from(["valid", "same", "full"]), st.integers(0, 3),
                         st.tuples(st.integers(0, 3), st.integers(0, 3)).map(list)),
       stride=small, dilation=small)
def test_1d_matches_reference(x, k, padding, stride, dilation):
    if isinstance(padding, list):
        pads = ((0, 0), tuple(padding))
    else:
        pads = ((0, 0), resolve_padding(padding, (1, len(k)), (1, dilation))[1])
    if (padding == "same" and stride > 1) or dilation * (len(k) - 1) + 1 > len(x) + sum(pads[1]):
        with pytest.raises(core.ConvError):
            core.correlate(x, k, padding=padding, stride=stride, dilation=dilation)
        return
    out = core.correlate(x, k, padding=padding, stride=stride, dilation=dilation)
    assert out.ndim == 1
    assert out.tolist() == ref_correlate([x], [k], pads, (1, stride), (1, dilation))[0]


@settings(max_examples=80, deadline=None)
@given(data=st.data())
def test_conv2d_matches_reference(data):
    groups = data.draw(st.integers(1, 3))
    cg, og, n = data.draw(st.integers(1, 2)), data.draw(st.integers(1, 2)), data.draw(st.integers(1, 2))
    kh, kw = data.draw(st.integers(1, 3)), data.draw(st.integers(1, 3))
    h, w = data.draw(st.integers(kh, 6)), data.draw(st.integers(kw, 6))
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    x = rng.integers(-9, 10, (n, groups * cg, h, w))
    wt = rng.integers(-9, 10, (groups * og, cg, kh, kw))
    bias = rng.integers(-9, 10, groups * og) if data.draw(st.booleans()) else None
    padding = data.draw(st.one_of(st.integers(0, 2), st.sampled_from(["valid", "same"])))
    stride = 1 if padding == "same" else data.draw(pairs)
    out = core.conv2d(x, wt, bias, padding=padding, stride=stride, groups=groups)
    pads = resolve_padding(padding, (kh, kw), (1, 1))
    assert out.dtype == np.int64
    assert out.tolist() == ref_conv2d(x, wt, bias, pads, _per_axis(stride), (1, 1), groups).tolist()


@settings(max_examples=80, deadline=None)
@given(data=st.data())
def test_conv_transpose2d_matches_reference(data):
    groups = data.draw(st.integers(1, 2))
    cg, og = data.draw(st.integers(1, 2)), data.draw(st.integers(1, 2))
    kh, kw = data.draw(st.integers(1, 3)), data.draw(st.integers(1, 3))
    h, w = data.draw(st.integers(1, 4)), data.draw(st.integers(1, 4))
    s = _per_axis(data.draw(pairs))
    d = _per_axis(data.draw(pairs))
    p = (data.draw(st.integers(0, 2)), data.draw(st.integers(0, 2)))
    a = tuple(data.draw(st.integers(0, max(si, di) - 1)) for si, di in zip(s, d))
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    x = rng.integers(-9, 10, (1, groups * cg, h, w))
    wt = rng.integers(-9, 10, (groups * cg, og, kh, kw))
    sizes = [(i - 1) * ss - 2 * pp + dd * (kk - 1) + aa + 1
             for i, ss, pp, dd, kk, aa in zip((h, w), s, p, d, (kh, kw), a)]
    kwargs = dict(stride=list(s), padding=list(p), dilation=list(d), output_padding=list(a),
                  groups=groups)
    if min(sizes) < 1:
        with pytest.raises(core.ConvError, match="leaves no output"):
            core.conv_transpose2d(x, wt, **kwargs)
        return
    out = core.conv_transpose2d(x, wt, **kwargs)
    assert out.shape == (1, groups * og, *sizes)
    assert out.tolist() == ref_conv_transpose2d(x, wt, p, s, d, a, groups).tolist()


@settings(max_examples=100, deadline=None)
@given(x=matrices(7, floats), kernel=pairs, stride=st.one_of(st.none(), pairs),
       op=st.sampled_from(["max", "avg"]), data=st.data())
def test_pool_matches_reference(x, kernel, stride, op, data):
    ks = _per_axis(kernel)
    pad = tuple(data.draw(st.integers(0, k // 2)) for k in ks)
    st_ = ks if stride is None else _per_axis(stride)
    if any(k > n + 2 * p for k, n, p in zip(ks, np.shape(x), pad)):
        with pytest.raises(core.ConvError, match="larger than the padded input"):
            core.pool2d(x, kernel, op=op, padding=list(pad), stride=stride)
        return
    out = core.pool2d(x, kernel, op=op, padding=list(pad), stride=stride)
    assert out.tolist() == ref_pool(x, ks, pad, st_, op)


@settings(max_examples=60, deadline=None)
@given(x=matrices(6), k=matrices(3), op=st.sampled_from(["correlate", "convolve", "transpose"]),
       stride=pairs, dilation=pairs)
def test_trace_sums_are_the_output(x, k, op, stride, dilation):
    try:
        t = core.steps(x, k, op=op, padding=0, stride=stride, dilation=dilation)
    except core.ConvError as exc:
        assert "larger than the padded input" in str(exc)
        return
    for step in t.steps:
        assert sum(step.products.tolist()) == step.result == t.output[step.out]
    if op == "transpose":
        assert np.array_equal(t.output, core.conv_transpose2d(x, k, stride=stride,
                                                              dilation=dilation))


# ---- SciPy and NumPy as independent oracles ------------------------------------------------

def _cases(seed, count=120, max_side=9, max_k=5):
    rng = np.random.default_rng(seed)
    for _ in range(count):
        x = rng.integers(-9, 10, tuple(rng.integers(1, max_side, 2)))
        k = rng.integers(-9, 10, tuple(rng.integers(1, max_k, 2)))
        yield x, k


@pytest.fixture(scope="module")
def signal():
    """scipy.signal (a test dependency, requirements-test.txt), imported by the tests that
    compare with it: importing it takes a second, which every test worker would pay at
    collection."""
    from scipy import signal
    return signal


def _fits(x, k):
    return k.shape[0] <= x.shape[0] and k.shape[1] <= x.shape[1]


def test_scipy_correlate2d_and_convolve2d_valid_and_full(signal):
    for x, k in _cases(0):
        assert np.array_equal(core.correlate(x, k, padding="full"), signal.correlate2d(x, k, "full"))
        assert np.array_equal(core.convolve(x, k, padding="full"), signal.convolve2d(x, k, "full"))
        if _fits(x, k):  # SciPy swaps the operands otherwise; we refuse
            assert np.array_equal(core.correlate(x, k), signal.correlate2d(x, k, "valid"))
            assert np.array_equal(core.convolve(x, k), signal.convolve2d(x, k, "valid"))
        else:
            with pytest.raises(core.ConvError):
                core.correlate(x, k)


def test_scipy_same_padding_rules_handled_explicitly(signal):
    """Our "same" (extra zero after) is scipy's correlate2d rule; scipy's n-d correlate,
    convolve2d and numpy put the extra zero before (for convolve, of the rotated kernel)."""
    differs = 0
    for x, k in _cases(1):
        if not _fits(x, k):
            continue
        before_extra = [v for kk in k.shape for v in ((kk - 1) - (kk - 1) // 2, (kk - 1) // 2)]
        ours = core.correlate(x, k, padding="same")
        assert np.array_equal(ours, signal.correlate2d(x, k, "same"))
        assert np.array_equal(core.correlate(x, k, padding=before_extra),
                              signal.correlate(x, k, "same", method="direct"))
        assert np.array_equal(core.convolve(x, k, padding=before_extra),
                              signal.convolve2d(x, k, "same"))
        differs += not np.array_equal(ours, signal.correlate(x, k, "same", method="direct"))
        row, krow = x[0], k[0]
        t = len(krow) - 1
        assert np.array_equal(core.correlate(row, krow, padding=[t - t // 2, t // 2]),
                              np.correlate(row, krow, "same"))
        assert np.array_equal(core.convolve(row, krow, padding=[t - t // 2, t // 2]),
                              np.convolve(row, krow, "same"))
    assert differs > 0  # the rule difference is real and these cases exercise it


def test_numpy_1d_valid_and_full():
    rng = np.random.default_rng(2)
    for _ in range(100):
        x = rng.integers(-9, 10, rng.integers(1, 12))
        k = rng.integers(-9, 10, rng.integers(1, 6))
        assert np.array_equal(core.correlate(x, k, padding="full"), np.correlate(x, k, "full"))
        assert np.array_equal(core.convolve(x, k, padding="full"), np.convolve(x, k, "full"))
        if len(k) <= len(x):
            assert np.array_equal(core.correlate(x, k), np.correlate(x, k, "valid"))


def test_scipy_floats_close(signal):
    rng = np.random.default_rng(3)
    x = rng.standard_normal((40, 33))
    for shape in [(3, 3), (4, 7), (1, 5), (5, 1)]:
        k = rng.standard_normal(shape)
        np.testing.assert_allclose(core.correlate(x, k), signal.correlate2d(x, k, "valid"),
                                   rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(core.correlate(x, k, padding="same"),
                                   signal.correlate2d(x, k, "same"), rtol=1e-12, atol=1e-12)
        if all(n % 2 for n in shape):  # odd kernels: "same" is symmetric, no rule difference
            np.testing.assert_allclose(core.convolve(x, k, padding="same"),
                                       signal.convolve2d(x, k, "same"), rtol=1e-12, atol=1e-12)


# ---- PyTorch, when installed ---------------------------------------------------------------

@pytest.mark.filterwarnings("ignore:Using padding='same'")
def test_pytorch_agrees():
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    rng = np.random.default_rng(4)

    def t(a):
        return torch.tensor(np.asarray(a), dtype=torch.float64)

    for _ in range(150):
        groups = int(rng.integers(1, 4))
        c, o = groups * int(rng.integers(1, 3)), groups * int(rng.integers(1, 3))
        kh, kw = (int(v) for v in rng.integers(1, 4, 2))
        h, w = (int(v) for v in rng.integers(1, 9, 2))
        s = tuple(int(v) for v in rng.integers(1, 4, 2))
        d = tuple(int(v) for v in rng.integers(1, 3, 2))
        p = tuple(int(v) for v in rng.integers(0, 3, 2))
        x = rng.integers(-9, 10, (2, c, h, w))
        wt = rng.integers(-9, 10, (o, c // groups, kh, kw))
        b = rng.integers(-9, 10, o)
        try:
            expected = F.conv2d(t(x), t(wt), t(b), stride=s, padding=p, dilation=d,
                                groups=groups).numpy()
        except RuntimeError:
            with pytest.raises(core.ConvError):
                core.conv2d(x, wt, b, padding=list(p), stride=list(s), dilation=list(d),
                            groups=groups)
        else:
            assert np.array_equal(core.conv2d(x, wt, b, padding=list(p), stride=list(s),
                                              dilation=list(d), groups=groups), expected)
        wt2 = rng.integers(-9, 10, (c, o // groups, kh, kw))
        a = tuple(int(rng.integers(0, max(si, di))) for si, di in zip(s, d))
        try:
            expected = F.conv_transpose2d(t(x), t(wt2), t(b), stride=s, padding=p,
                                          output_padding=a, groups=groups, dilation=d).numpy()
        except RuntimeError:
            with pytest.raises(core.ConvError):
                core.conv_transpose2d(x, wt2, b, padding=list(p), stride=list(s),
                                      dilation=list(d), output_padding=list(a), groups=groups)
        else:
            assert np.array_equal(core.conv_transpose2d(
                x, wt2, b, padding=list(p), stride=list(s), dilation=list(d),
                output_padding=list(a), groups=groups), expected)
        xs = rng.integers(-9, 10, (h + 3, w + 3))
        ks = rng.integers(-9, 10, (kh + 1, kw))
        expected = F.conv2d(t(xs)[None, None], t(ks)[None, None], padding="same",
                            dilation=d).numpy()[0, 0]
        assert np.array_equal(core.correlate(xs, ks, padding="same", dilation=list(d)), expected)
        xf = rng.standard_normal((1, 2, h + 2, w + 2))
        pool_k = (int(rng.integers(1, 4)), int(rng.integers(1, 4)))
        pool_p = tuple(int(rng.integers(0, k // 2 + 1)) for k in pool_k)
        for op, fn in (("max", F.max_pool2d), ("avg", F.avg_pool2d)):
            try:
                expected = fn(torch.tensor(xf), pool_k, s, pool_p).numpy()
            except RuntimeError:
                with pytest.raises(core.ConvError):
                    core.pool2d(xf, list(pool_k), op=op, padding=list(pool_p), stride=list(s))
                continue
            np.testing.assert_allclose(core.pool2d(xf, list(pool_k), op=op,
                                                   padding=list(pool_p), stride=list(s)),
                                       expected, rtol=1e-13, atol=1e-13)

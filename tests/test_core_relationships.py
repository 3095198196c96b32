"""The fifteen numbered relationships of Dumoulin & Visin's guide (docs/conv-arithmetic.md,
section 3), each with the guide's own example, checked on the formulas and on real outputs."""

from __future__ import annotations

import numpy as np
import pytest

from plugins.conv import core

RNG = np.random.default_rng(15)


def direct_shape(i, k, p=0, s=1, d=1):
    """Run a real correlation and return its (square) output size."""
    x = RNG.integers(-3, 4, (i, i))
    kernel = RNG.integers(-3, 4, (k, k))
    out = core.correlate(x, kernel, padding=p, stride=s, dilation=d)
    assert out.shape[0] == out.shape[1]
    return out.shape[0]


# ---- direct convolutions: relationships 1-7 and 15 -----------------------------------------

DIRECT = [
    # (number, i, k, p, s, d, o, closed form of the relationship)
    (1, 4, 3, 0, 1, 1, 2, lambda i, k, p, s, d: (i - k) + 1),
    (2, 5, 4, 2, 1, 1, 6, lambda i, k, p, s, d: (i - k) + 2 * p + 1),
    (3, 5, 3, 1, 1, 1, 5, lambda i, k, p, s, d: i + 2 * (k // 2) - (k - 1)),
    (4, 5, 3, 2, 1, 1, 7, lambda i, k, p, s, d: i + (k - 1)),
    (5, 5, 3, 0, 2, 1, 2, lambda i, k, p, s, d: (i - k) // s + 1),
    (6, 5, 3, 1, 2, 1, 3, lambda i, k, p, s, d: (i + 2 * p - k) // s + 1),
    (6, 6, 3, 1, 2, 1, 3, lambda i, k, p, s, d: (i + 2 * p - k) // s + 1),
    (15, 7, 3, 0, 1, 2, 3, lambda i, k, p, s, d: (i + 2 * p - k - (k - 1) * (d - 1)) // s + 1),
]


@pytest.mark.parametrize("number, i, k, p, s, d, o, form", DIRECT,
                         ids=[f"relationship {r[0]}: i={r[1]} k={r[2]}" for r in DIRECT])
def test_direct_relationship_guide_example(number, i, k, p, s, d, o, form):
    assert form(i, k, p, s, d) == o
    assert core.output_size(i, k, padding=p, stride=s, dilation=d) == o
    assert direct_shape(i, k, p, s, d) == o


@pytest.mark.parametrize("number, i, k, p, s, d, o, form", DIRECT,
                         ids=[f"relationship {r[0]} generally" for r in DIRECT])
def test_direct_relationship_holds_in_its_setting(number, i, k, p, s, d, o, form):
    """The relationship's closed form, over a range of sizes in its own setting."""
    for i2 in range(1, 12):
        for k2 in range(1, 6):
            if number == 3 and k2 % 2 == 0:
                continue  # half padding is defined for odd k
            p2 = {1: 0, 3: k2 // 2, 4: k2 - 1, 5: 0}.get(number, p)
            if d * (k2 - 1) + 1 > i2 + 2 * p2:
                continue
            expected = form(i2, k2, p2, s, d)
            assert core.output_size(i2, k2, padding=p2, stride=s, dilation=d) == expected


def test_relationship_3_same_keyword_keeps_the_size():
    for i in range(1, 9):
        for k in (1, 3, 5):
            if k <= i + k - 1:
                assert core.output_size(i, k, padding="same") == i
                assert direct_shape(i, k, "same") == i


def test_relationship_4_full_keyword():
    for i in range(1, 9):
        for k in range(1, 6):
            assert core.output_size(i, k, padding="full") == i + k - 1
    assert direct_shape(5, 3, "full") == 7


def test_relationship_6_floor_loses_the_last_row():
    """i = 5 and i = 6 give the same output: the padded input's last row is never covered."""
    t = core.steps(np.ones((6, 6), dtype=int), np.ones((3, 3), dtype=int), padding=1, stride=2)
    covered = {tuple(tap) for step in t.steps for tap in step.taps.tolist()}
    assert max(r for r, _ in covered) == 6 and t.grid.shape == (8, 8)  # row 7 never reached


def test_relationship_7_pooling():
    x = RNG.integers(0, 4, (5, 5))
    for op in ("max", "avg"):
        assert core.pool2d(x, 3, op=op, stride=1).shape == (3, 3)
    for i in range(2, 10):
        for k in range(1, i + 1):
            for s in (1, 2, 3):
                assert core.pool2d(np.zeros((i, i)), k, stride=s).shape == ((i - k) // s + 1,) * 2


def test_relationship_15_dilation_effective_kernel():
    for k in range(1, 5):
        for d in range(1, 4):
            k_hat = k + (k - 1) * (d - 1)
            for i in range(k_hat, k_hat + 4):
                assert core.output_size(i, k, dilation=d) == core.output_size(i, k_hat)


# ---- transposed convolutions: relationships 8-14 -------------------------------------------

TRANSPOSED = [
    # (number, i, k, p, s, i', stretched i', p', a, o')   -- of the guide's examples
    (8, 4, 3, 0, 1, 2, 2, 2, 0, 4),
    (9, 5, 4, 2, 1, 6, 6, 1, 0, 5),
    (10, 5, 3, 1, 1, 5, 5, 1, 0, 5),
    (11, 5, 3, 2, 1, 7, 7, 0, 0, 5),
    (12, 5, 3, 0, 2, 2, 3, 2, 0, 5),
    (13, 5, 3, 1, 2, 3, 5, 1, 0, 5),
    (14, 6, 3, 1, 2, 3, 5, 1, 1, 6),
]


def stretch_and_pad(x, s, edge, a):
    """The guide's picture: s-1 zeros between cells, `edge` zeros around, `a` more after."""
    h, w = x.shape
    out = np.zeros(((h - 1) * s + 1 + 2 * edge + a, (w - 1) * s + 1 + 2 * edge + a), dtype=x.dtype)
    out[edge:edge + (h - 1) * s + 1:s, edge:edge + (w - 1) * s + 1:s] = x
    return out


@pytest.mark.parametrize("number, i, k, p, s, it, st, pt, a, ot", TRANSPOSED,
                         ids=[f"relationship {r[0]}" for r in TRANSPOSED])
def test_transposed_relationship_guide_example(number, i, k, p, s, it, st, pt, a, ot):
    # the direct convolution maps i to i'
    assert core.output_size(i, k, padding=p, stride=s) == it
    # its transpose maps i' back to o' = i
    assert ot == i
    assert core.transposed_output_size(it, k, padding=p, stride=s, output_padding=a) == ot
    # the guide's description of the equivalent direct convolution
    assert (it - 1) * s + 1 == st  # stretched size
    assert k - p - 1 == pt  # p' = k - p - 1
    assert a == (i + 2 * p - k) % s  # relationship 14's a
    closed = {8: it + (k - 1), 9: it + (k - 1) - 2 * p, 10: it, 11: it - (k - 1),
              12: s * (it - 1) + k, 13: s * (it - 1) + k - 2 * p,
              14: s * (it - 1) + a + k - 2 * p}[number]
    assert closed == ot
    # and on real data: conv_transpose2d == correlate(stretched and padded input, rotated kernel)
    x = RNG.integers(-5, 6, (it, it))
    kernel = RNG.integers(-5, 6, (k, k))
    out = core.conv_transpose2d(x, kernel, padding=p, stride=s, output_padding=a)
    assert out.shape == (ot, ot)
    assert np.array_equal(out, core.correlate(stretch_and_pad(x, s, pt, a), kernel[::-1, ::-1]))
    t = core.steps(x, kernel, op="transpose", padding=p, stride=s, output_padding=a)
    assert np.array_equal(t.grid, stretch_and_pad(x, s, pt, a)) and np.array_equal(t.output, out)


def test_transposed_general_formula_with_dilation():
    """o' = (i'-1)s - 2p + d(k-1) + a + 1, and the grid of the equivalent direct convolution."""
    for it in range(1, 5):
        for k in range(1, 4):
            for s in range(1, 4):
                for d in range(1, 3):
                    for p in range(0, d * (k - 1) + 1):
                        for a in range(max(s, d)):
                            o = (it - 1) * s - 2 * p + d * (k - 1) + a + 1
                            if o < 1:
                                continue
                            assert core.transposed_output_size(
                                it, k, padding=p, stride=s, dilation=d, output_padding=a) == o
                            x = RNG.integers(-3, 4, (it, it))
                            kern = RNG.integers(-3, 4, (k, k))
                            out = core.conv_transpose2d(x, kern, padding=p, stride=s,
                                                        dilation=d, output_padding=a)
                            edge = d * (k - 1) - p
                            direct = core.correlate(stretch_and_pad(x, s, edge, a),
                                                    kern[::-1, ::-1], dilation=d)
                            assert out.shape == (o, o) and np.array_equal(out, direct)


def test_relationship_14_a_recovers_every_input_size():
    """Sizes i..i+s-1 share one direct output; output_padding a picks each one back."""
    k, p, s = 3, 1, 3
    for i in range(4, 10):
        it = core.output_size(i, k, padding=p, stride=s)
        a = (i + 2 * p - k) % s
        assert core.transposed_output_size(it, k, padding=p, stride=s, output_padding=a) == i

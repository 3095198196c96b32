"""Exact numbers in `conv` blocks (issue 12): inputs shown as typed, results exact when they
are (integers, finite decimals, fractions the author wrote), rounded only where they must be
and then marked ≈ (with `digits`), one sign and bracket convention; values checked against
SciPy."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from plugins.conv import markup, spec as specs
from plugins.conv.block import notation_of, trace_of
from plugins.conv.frames import NullSink, render


def block(body: str):
    spec, problems = specs.parse(body)
    assert not problems, problems
    trace = trace_of(spec)
    return spec, trace, notation_of(spec, trace)


def plans(spec, trace, notation):
    sink = NullSink()
    render(trace, style="numerical", sink=sink, notation=notation)
    return sink.plans


def test_typed_decimals_are_shown_as_typed_and_results_are_exact():
    spec, trace, n = block("input: |\n  0.125 5.375 2.625\n  1 2 3\nkernel: |\n  1\n")
    assert [n.result(i) for i in range(6)] == [("0.125", False), ("5.375", False),
                                              ("2.625", False), ("1", False), ("2", False),
                                              ("3", False)]
    assert not n.any_rounded
    p = plans(spec, trace, n)
    assert p[0].equation == "0.125·1 = 0.125" and p[2].equation == "2.625·1 = 2.625"
    assert r"\begin{bmatrix} 0.125 & 5.375 & 2.625" in markup.equation_tex(spec, trace, n)
    assert "≈" not in markup.table_html(n) and "<td>5.375</td>" in markup.table_html(n)


def test_trailing_zeros_and_signs_as_typed_with_one_minus():
    spec, trace, n = block("input: -1.50 +2 0\nkernel: 1 -0.5\n")
    p = plans(spec, trace, n)
    # every negative factor bracketed, terms joined with +, U+2212 for minus everywhere
    assert p[0].equation == "(−1.50)·1 + 2·(−0.5) = −2.5"
    assert p[1].equation == "2·1 + 0·(−0.5) = 2"
    assert p[0].labels[1][2] == "−0.5"
    tex = markup.equation_tex(spec, trace, n)
    assert "-1.50 & 2 & 0" in tex and "\u2212" not in tex


def test_fractions_are_accepted_and_computed_exactly():
    spec, trace, n = block("input: |\n  1/2 1/3 1\n  2 1/6 0\nkernel: |\n  1/2 1\n")
    assert n.results() == [Fraction(1, 4) + Fraction(1, 3), Fraction(1, 6) + 1,
                           1 + Fraction(1, 6), Fraction(1, 12)]
    assert [n.result(i)[0] for i in range(4)] == ["7/12", "7/6", "7/6", "1/12"]
    assert not n.any_rounded
    assert plans(spec, trace, n)[0].equation == "(1/2)·(1/2) + (1/3)·1 = 7/12"
    tex = markup.equation_tex(spec, trace, n)
    assert r"\tfrac{1}{2}" in tex and r"\tfrac{7}{12}" in tex and r"\approx" not in tex


def test_rounding_is_marked_and_digits_sets_it():
    spec, trace, n = block("input: 1 0 0 0\nkernel: 3\nop: avg_pool\nstride: 1\n")
    assert [n.result(i) for i in range(2)] == [("0.33", True), ("0", False)]
    assert plans(spec, trace, n)[0].equation == "(1 + 0 + 0) / 3 ≈ 0.33"
    assert r"\approx \begin{bmatrix} 0.33 & 0" in markup.equation_tex(spec, trace, n)
    assert "<td>≈0.33</td><td>0</td>" in markup.table_html(n)
    assert markup.caption_note(spec, trace, n).endswith(
        "Values marked ≈ are rounded to 2 decimals.")
    spec, trace, n = block("input: 1 0 0 1 1\nkernel: 3\nop: avg_pool\nstride: 1\ndigits: 4\n")
    assert [n.result(i)[0] for i in range(3)] == ["0.3333", "0.3333", "0.6667"]
    # digits also caps an exact decimal, and says so; ties round away from zero
    spec, trace, n = block("input: 0.125 -2.625\nkernel: [[1]]\ndigits: 2\n")
    assert [n.result(i) for i in range(2)] == [("0.13", True), ("−2.63", True)]


@pytest.mark.parametrize("body,reference", [
    ("input: |\n  0.5 -1.25 3\n  2 0.1 -0.3\n  1/3 4 2\nkernel: |\n  1/2 -1\n  0.25 2\n",
     lambda x, k, sp: sp.signal.correlate2d(x, k, mode="valid")),
    ("input: |\n  0.5 -1.25 3 1\n  2 0.1 -0.3 2\n  1 4 2 0\nkernel: |\n  1/2 -1\n  0.25 2\n"
     "op: convolve\npadding: full\n", lambda x, k, sp: sp.signal.convolve2d(x, k, mode="full")),
    ("input: |\n  0.5 -1.25 3 1 2\n  2 0.1 -0.3 2 1\n  1 4 2 0 -1\n  3 3 3 3 3\n  1 2 3 4 5\n"
     "kernel: |\n  1/7 2\n  -1 0.5\nstride: 2\n",
     lambda x, k, sp: sp.signal.correlate2d(x, k, mode="valid")[::2, ::2]),
    ("input: |\n  0.5 -1.25 3 1 2\n  2 0.1 -0.3 2 1\n  1 4 2 0 -1\n  3 3 3 3 3\n  1 2 3 4 5\n"
     "kernel: |\n  1/7 2\n  -1 0.5\ndilation: 2\n",
     lambda x, k, sp: sp.signal.correlate2d(x, np.kron(k, [[1, 0], [0, 0]])[:3, :3],
                                            mode="valid")),
    ("input: |\n  1 2 3\n  4 5 6\n  7 8 9\nkernel: 3\nop: avg_pool\nstride: 1\npadding: 1\n",
     lambda x, k, sp: sp.ndimage.uniform_filter(x, 3, mode="constant")),
    ("input: |\n  1 -2 3\n  -4 5.5 6\n  7 8 -9\nkernel: 2\nop: max_pool\nstride: 1\n",
     lambda x, k, sp: sp.ndimage.maximum_filter(x, 2, mode="constant")[1:, 1:]),
])
def test_exact_results_agree_with_scipy(body, reference):
    # SciPy is imported here, not at the top: it takes a second, which every test worker
    # would pay at collection
    import scipy.ndimage
    import scipy.signal

    spec, trace, n = block(body)
    x = np.vectorize(lambda t: float(Fraction(t)))(spec.input_text)
    k = None if spec.kernel_text is None else \
        np.vectorize(lambda t: float(Fraction(t)))(spec.kernel_text)
    got = np.array([float(q) for q in n.results()]).reshape(trace.output.shape)
    np.testing.assert_allclose(got, reference(x, k, scipy), rtol=1e-12, atol=1e-12)


def test_transposed_convolution_is_exact():
    spec, trace, n = block("input: |\n  1/2 1\n  -1 0.25\nkernel: |\n  1 2\n  3 1/3\n"
                           "op: transpose\nstride: 2\n")
    x = np.array([[0.5, 1], [-1, 0.25]])
    k = np.array([[1, 2], [3, 1 / 3]])
    want = np.zeros((4, 4))  # scatter: each input cell adds x * k at stride 2
    for r in range(2):
        for c in range(2):
            want[2 * r:2 * r + 2, 2 * c:2 * c + 2] += x[r, c] * k
    got = np.array([float(q) for q in n.results()]).reshape(4, 4)
    np.testing.assert_allclose(got, want, rtol=1e-12)
    assert "1/6" in [n.result(i)[0] for i in range(16)]  # 1/2 * 1/3, written as a fraction


def test_yaml_lists_keep_their_typed_text_and_accept_fractions():
    spec, _ = specs.parse("input: [[0.50, '1/2'], [3, -4]]\nkernel: [[1]]\n")
    assert spec.input_text.tolist() == [["0.50", "1/2"], ["3", "-4"]]
    bad, problems = specs.parse("input: [[1, '1/0']]\nkernel: [[1]]\n")
    assert bad is None and "finite numbers" in problems[0].message


def test_digits_is_validated():
    _, problems = specs.parse("input: 1 2\nkernel: [[1]]\ndigits: 11\n")
    assert "`digits` got 11; accepted: an integer from 0 to 10" in problems[0].message


def test_operands_too_fine_for_exact_integers_are_computed_in_floats_and_marked():
    spec, trace, n = block("input: 0.1234567890123 1 2\nkernel: 0.98765432101 1\n")
    assert not exact_mode(n)
    text, rounded = n.result(0)
    assert rounded and text == "1.12"  # 0.1234567890123 * 0.98765432101 + 1
    p = plans(spec, trace, n)
    assert p[0].equation.startswith("0.1234567890123·0.98765432101 + 1·1 ≈ ")


def exact_mode(n) -> bool:
    return n.exact is not None and n.exact.exact

"""How a `conv` block's numbers are computed exactly and written: one notation for the frames,
the equation, the table and the sums.

    exact = Exact.of(input_texts, kernel_texts)   # operands as typed ("0.125", "1/2", "-3")
    trace = core.steps(exact.x, exact.k, ...)     # integers scaled by exact.sx and exact.sk
    n = Notation(trace, exact, digits=None)       # texts of every value the figure shows

Every typed number is a rational, so the operands are scaled to integers (by the least common
multiple of their denominators) and the integer core computes them exactly; a result is then
`Fraction(result, sx * sk)` (and a pool's mean is its exact sum over the window size).
Results are written exactly when they can be: integers, finite decimals, and fractions when the
author wrote one (`1/2`). A result that has no finite decimal (1/3, or any result when
`digits` asks for fewer decimals than it has) is rounded half away from zero to `digits`
decimals (2 by default) and marked: `≈` in the sums, the equation and the table. Inputs are
shown as typed. Signs are U+2212 in text and `-` in TeX; in a product a negative factor or a
fraction is bracketed, `2·(−1)`, `(−0.5)·0`, `(1/2)·3`, and terms are always joined with `+`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import numpy as np

MINUS = "\u2212"
DEFAULT_DIGITS = 2
#: Scaled operands and their sums of products stay below these (exact in int64 and in the
#: float64 the core uses for padded max pooling); beyond them the block is computed in
#: floats, and its results are rounded and marked.
_MAX_SCALED = 2**40
_MAX_RESULT = 2**52


def typed(token: str) -> str:
    """A typed number as the figures print it: `-` as U+2212, no `+`, exponents expanded."""
    t = token.strip().lstrip("+")
    if "e" in t.lower() and "/" not in t:
        t = _decimal_text(Fraction(t))
    return t.replace("-", MINUS)


def _decimal_text(q: Fraction) -> str:
    """A finite decimal written out in full (q must have one)."""
    d = Decimal(q.numerator) / Decimal(q.denominator)
    text = format(d.normalize(), "f")
    return "0" if text in ("-0", "0") else text


def _terminates(q: Fraction) -> bool:
    n = q.denominator
    for p in (2, 5):
        while n % p == 0:
            n //= p
    return n == 1


@dataclass(frozen=True)
class Exact:
    """The operands scaled to integers: x = input * sx, k = kernel * sk (k None for pooling).

    `x` and `k` are float arrays instead (sx = sk = 0) when the scaled integers would be too
    large; the results are then rounded and marked.
    """

    x: np.ndarray
    k: np.ndarray | None
    sx: int
    sk: int
    fractions: bool        # the author wrote a fraction somewhere
    texts: dict            # Fraction -> the text it was typed as (first typing wins)

    @classmethod
    def of(cls, input_texts, kernel_texts=None) -> Exact:
        xs = np.asarray(input_texts, dtype=object)
        ks = None if kernel_texts is None else np.asarray(kernel_texts, dtype=object)
        texts: dict = {}
        fractions = False
        arrays = []
        for arr in (xs, ks):
            if arr is None:
                arrays.append((None, 1))
                continue
            qs = np.empty(arr.shape, dtype=object)
            for idx, t in np.ndenumerate(arr):
                q = Fraction(str(t).strip())
                qs[idx] = q
                texts.setdefault(q, typed(str(t)))
                fractions = fractions or "/" in str(t)
            scale = math.lcm(*(q.denominator for q in qs.flat))
            arrays.append((qs, scale))
        (qx, sx), (qk, sk) = arrays
        ints = [None if q is None else np.array([int(v * s) for v in q.flat], dtype=object)
                .reshape(q.shape) for q, s in ((qx, sx), (qk, sk))]
        mx = max(abs(int(v)) for v in ints[0].flat)
        mk, taps = (1, 1) if ints[1] is None else \
            (max(abs(int(v)) for v in ints[1].flat), ints[1].size)
        if mx * mk * taps < _MAX_RESULT and mx < _MAX_SCALED:
            x, k = (None if i is None else i.astype(np.int64) for i in ints)
            return cls(x, k, sx, sk, fractions, texts)
        x, k = (None if q is None else np.array([float(v) for v in q.flat]).reshape(q.shape)
                for q in (qx, qk))
        return cls(x, k, 0, 0, fractions, texts)

    @property
    def exact(self) -> bool:
        return self.sx > 0


class Notation:
    """Texts of the values one trace shows, all written the same way (see the module doc)."""

    def __init__(self, trace, exact: Exact | None = None, digits: int | None = None) -> None:
        self.trace = trace
        self.op = trace.op
        if exact is None and trace.grid.dtype.kind == "i" and \
                (trace.weights is None or trace.weights.dtype.kind == "i"):
            exact = Exact(trace.grid, trace.weights, 1, 1, False, {})  # integers: exact
        self.exact = exact
        self._ftexts = {float(q): t for q, t in exact.texts.items()} if exact else {}
        self.digits = digits
        self.fractions = bool(exact and exact.fractions) and digits is None
        self._results = [self._result(st) for st in trace.steps]
        self._pieces: dict[int, list[str]] = {}

    # ------------------------------------------------------------------ values

    def _value(self, v, scale: int):
        """A grid value or weight as a Fraction (exact mode) or a float."""
        if self.exact is not None and self.exact.exact and np.isfinite(float(v)):
            return Fraction(int(v), scale)
        return float(v) if not isinstance(v, (int, np.integer)) else Fraction(int(v))

    def _text(self, q) -> str:
        if isinstance(q, float) and math.isinf(q):
            return MINUS + "∞" if q < 0 else "∞"
        if self.exact is not None and isinstance(q, Fraction) and q in self.exact.texts:
            return self.exact.texts[q]
        if isinstance(q, float) and q in self._ftexts:
            return self._ftexts[q]
        text, _ = self.write(q)
        return text

    def value(self, v) -> str:
        """A drawn-grid value (padding is 0, or −∞ for max pooling)."""
        return self._text(self._value(v, self.exact.sx if self.exact and self.exact.exact else 1))

    def weight(self, w) -> str:
        return self._text(self._value(w, self.exact.sk if self.exact and self.exact.exact else 1))

    # ------------------------------------------------------------------ results

    def _result(self, st):
        ex = self.exact
        if ex is not None and ex.exact:
            if self.op == "avg_pool":
                return Fraction(sum(int(v) for v in st.values), ex.sx * len(st.values))
            if self.op == "max_pool":
                return Fraction(int(st.result), ex.sx)
            return Fraction(int(st.result), ex.sx * ex.sk)
        if isinstance(st.result, (int, np.integer)):
            return Fraction(int(st.result))
        return float(st.result)

    def results(self) -> list:
        """The exact (or float) result of every step, row-major."""
        return list(self._results)

    def result(self, i: int) -> tuple[str, bool]:
        """(text, rounded) of step i's result."""
        return self.write(self._results[i])

    @property
    def any_rounded(self) -> bool:
        return any(self.write(q)[1] for q in self._results)

    def write(self, q) -> tuple[str, bool]:
        """(text, rounded): an integer, a fraction (when the author wrote one), a finite
        decimal in full, or rounded to `digits` decimals (rounded = True)."""
        if isinstance(q, float):
            if math.isinf(q):
                return (MINUS + "∞" if q < 0 else "∞"), False
            short = repr(q)
            if "e" not in short and len(short.split(".")[1] if "." in short else "") \
                    <= (self.digits if self.digits is not None else DEFAULT_DIGITS):
                return _sign(short[:-2] if short.endswith(".0") else short), False
            q = Fraction(q)
            return self._rounded(q), True
        if q.denominator == 1:
            return _sign(str(q.numerator)), False
        if self.fractions:
            return _sign(f"{q.numerator}/{q.denominator}"), False
        if _terminates(q):
            text = _decimal_text(q)
            decimals = len(text.split(".")[1]) if "." in text else 0
            if self.digits is None or decimals <= self.digits:
                return _sign(text), False
        return self._rounded(q), True

    def _rounded(self, q: Fraction) -> str:
        digits = self.digits if self.digits is not None else DEFAULT_DIGITS
        d = (Decimal(q.numerator) / Decimal(q.denominator)).quantize(
            Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
        text = format(d, "f")
        if "." in text:
            text = text.rstrip("0").rstrip(".")
        if text in ("-0", "0", ""):
            text = "0"
        return _sign(text)

    def output_texts(self) -> np.ndarray:
        """Texts of the output, shaped like it (2-D)."""
        out = np.empty(np.shape(self.trace.output), dtype=object)
        for i, st in enumerate(self.trace.steps):
            out[st.out] = self.result(i)[0]
        return out

    # ------------------------------------------------------------------ sums

    def factor(self, text: str) -> str:
        """A factor of a product: bracketed when negative or a fraction."""
        return f"({text})" if text.startswith(MINUS) or "/" in text else text

    def equation_pieces(self, i: int) -> list[str]:
        """Step i's computation as pieces that may be wrapped between (joined with spaces)."""
        if i not in self._pieces:  # the layout, the plans and the drawing all ask
            self._pieces[i] = self._equation_pieces(i)
        return list(self._pieces[i])

    def _equation_pieces(self, i: int) -> list[str]:
        st = self.trace.steps[i]
        vals = [self.value(v) for v in st.values]
        res, rounded = self.result(i)
        rel = "≈" if rounded else "="
        if self.op == "max_pool":
            pieces = [f"{v}," for v in vals]
            pieces[0] = "max(" + pieces[0]
            pieces[-1] = pieces[-1][:-1] + ")"
            if len(vals) == 1:
                pieces = [f"max({vals[0]})"]
        elif self.op == "avg_pool":
            terms = [self.factor(v) for v in vals]
            pieces = ["(" + terms[0]] + [f"+ {t}" for t in terms[1:]]
            pieces[-1] += f") / {len(vals)}"
        else:
            terms = [f"{self.factor(v)}·{self.factor(self.weight(w))}"
                     for v, w in zip(vals, st.weights)]
            pieces = [terms[0]] + [f"+ {t}" for t in terms[1:]]
        return pieces + [f"{rel} {res}"]


def _sign(text: str) -> str:
    return text.replace("-", MINUS)


def tex(text: str) -> str:
    """A figure's number as TeX: U+2212 as `-`, `a/b` as a fraction, ∞ as \\infty."""
    text = text.replace(MINUS, "-").replace("∞", r"\infty")
    if "/" in text:
        sign = "-" if text.startswith("-") else ""
        a, b = text.lstrip("-").split("/", 1)
        return rf"{sign}\tfrac{{{a}}}{{{b}}}"
    return text

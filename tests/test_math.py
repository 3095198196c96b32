"""The math pipeline: dialect detection, strict-mode warnings, error lines, the formula cache."""

from __future__ import annotations

import pytest

from engine import math
from engine.cache import Cache
from engine.formulas import FormulaStore
from test_markdown_fixtures import render


def test_strict_mode_complaint_is_a_warning_at_the_formula_line():
    result = render("Intro.\n\nAn accent $é$ in math.\n", "modern")
    assert result.errors == []
    [warning] = result.warnings
    assert warning.line == 5 + 2 and "unicodeTextInMathMode" in warning.message
    assert "<math" in result.html


def test_bad_tex_in_a_display_block_names_the_line_inside_the_block():
    result = render("$$\nx = 1 \\\\\ny = \\nosuchmacro\n$$\n", "modern")
    [error] = result.errors
    assert error.line == 5 + 2 and "Undefined control sequence: \\nosuchmacro" in error.message


def test_modern_post_with_legacy_math_gets_a_hint():
    result = render("$$\n\\begin{align\\*} a \\end{align\\*}\n$$\n", "modern")
    [error] = result.errors
    assert "add `math: legacy` to the frontmatter" in error.message


@pytest.mark.parametrize("tex,evidence", [
    (r"a \\\\ b", r"\\\\"), (r"x \in \\{ 1 \\}", r"\\{"), (r"\begin{align\*}", r"\*"),
    (r"\frac{a}{b} \\ c", None), (r"\{ x \}", None)])
def test_legacy_evidence(tex, evidence):
    assert math.legacy_evidence(tex) == evidence


def test_legacy_colour_applies_to_its_argument_only():
    legacy = math.typeset(r"\color{red}{*} a", display=False, dialect="legacy").mathml
    modern = math.typeset(r"\color{red}{*} a", display=False, dialect="modern").mathml
    assert '<mstyle mathcolor="red"><mo>∗</mo></mstyle><mi>a</mi>' in legacy
    assert '<mi>a</mi></mstyle>' in modern


def test_formulas_are_typeset_once_and_cached_on_disk(tmp_path):
    cache = Cache(tmp_path / "c.sqlite")
    store = FormulaStore(cache)
    store.typeset("x^2", display=False, dialect="modern")
    store.typeset("x^2", display=False, dialect="modern")
    assert store.typeset_count == 1
    cache.put_many("formula", store.new)
    cache.close()  # writes are batched; close() (or flush()) puts them on disk
    again = FormulaStore(Cache(tmp_path / "c.sqlite", readonly=True))
    again.typeset("x^2", display=False, dialect="modern")
    assert again.typeset_count == 0
    again.typeset("x^2", display=True, dialect="modern")  # display mode is another formula
    assert again.typeset_count == 1

"""Whole posts in each dialect (tests/fixtures/math_posts, written in the style of the blogs
each dialect is for): read with their dialect and with `auto`, every formula is MathML, none
is an error or a warning, no TeX is left in the text, and nothing needs the attributes
MathML Core ignores."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from test_markdown_fixtures import render

POSTS = sorted((Path(__file__).parent / "fixtures" / "math_posts").glob("*.md"))


@pytest.mark.parametrize("path", POSTS, ids=[p.stem for p in POSTS])
@pytest.mark.parametrize("how", ["own", "auto"])
def test_post_renders_every_formula(path, how):
    body = path.read_text(encoding="utf-8")
    expected = int(re.search(r"<!-- formulas: (\d+) -->", body).group(1))
    result = render(body, path.stem if how == "own" else "auto")
    assert result.dialect == path.stem
    assert [p.format() for p in result.errors + result.warnings] == []
    # a definitions-only formula shows nothing, as in MathJax
    definitions = len(re.findall(r"\$\$?\\(?:newcommand|DeclareMathOperator)[^$]*\$\$?", body))
    assert result.html.count("<math") == expected - definitions
    text = re.sub(r"<math.*?</math>", "", result.html, flags=re.S)
    assert not re.search(r"\$|\\[()\[\]]|\\[A-Za-z]+", text), text
    for mathml in re.findall(r"<math.*?</math>", result.html, flags=re.S):
        mathml = re.sub(r"<annotation.*?</annotation>", "", mathml, flags=re.S)
        assert not re.search(r'mathvariant="(?!normal)', mathml), mathml
        assert not re.search(r"<(mi|mo|mn)\b[^>]*><m", mathml), mathml

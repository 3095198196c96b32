"""Dialects, macros and messages: what `auto` chooses and why, macros carried across formulas,
and every formula that is not shown as written being an error or warning at its own line."""

from __future__ import annotations

import pytest

from engine.cache import Cache
from engine.formulas import FormulaStore
from test_markdown_fixtures import render

BODY_LINE = 5  # render() puts the body at line 5 of the file


@pytest.mark.parametrize("body,dialect", [
    ("$$\nD\\_{KL}(p, q)\n$$\n", "legacy"),                       # Markdown-escaped subscript
    ("$$\n\\begin{cases} a \\\\\\\nb \\end{cases}\n$$\n", "legacy"),   # three-backslash row break
    ("$$\na \\\\\\\\ b\n$$\n", "legacy"),                          # doubled row break
    ("Minimise $$f(x)$$ over $$x$$.\n", "kramdown"),                # $$ inside a paragraph
    ("The value \\(x_1\\) is small.\n", "mathjax"),                 # MathJax delimiters
    ("Text\n\n\\begin{align}\na &= b\n\\end{align}\n", "mathjax"),  # a bare environment
    ("Text\n\n\\begin{equation*}\na = b\n\\end{equation*}\n", "mathjax"),
    ("Text\n\n\\[\nx^2\n\\]\n", "mathjax"),                      # display delimiters
    ("$$\n\\begin{aligned} a &= b \\end{aligned}\n$$\n", "modern"),  # inside $$: not evidence
    ("$$\n\\text{max\\_pool}(x)\n$$\n\n$a_1$\n", "modern"),           # `\_` inside a word: TeX
    ("$x$ and\n\n$$\ny\n$$\n", "modern"),
    ("```\n\\(not math\\)\n```\n\n$x$\n", "modern"),                # code is not evidence
])
def test_auto_chooses_the_dialect_the_evidence_shows(body, dialect):
    result = render(body, "auto")
    assert result.dialect == dialect
    assert result.errors == [], [e.format() for e in result.errors]


def test_the_frontmatter_wins_over_the_evidence():
    assert render("Minimise $$f(x)$$ over $$x$$.\n", "mathjax").html.count("math-display") == 2
    assert "math-display" not in render("Minimise $$f(x)$$ over $$x$$.\n", "kramdown").html


def test_a_second_parse_keeps_footnotes_once():
    # legacy is found after parsing with the modern delimiters; the escaped `\\(` makes the
    # two differ, so the post is parsed again: its footnotes must not double
    result = render("A note[^1] and \\\\(x\\_1\\\\).\n\n[^1]: The note.\n", "auto")
    assert result.dialect == "legacy"
    assert result.html.count('class="footnote-item"') == 1
    assert "<msub><mi>x</mi><mn>1</mn></msub>" in result.html


def test_macros_live_from_their_formula_to_the_end_of_the_post():
    body = ("Before $\\norm{x}$.\n\n"
            "$$\n\\newcommand{\\norm}[1]{\\lVert #1 \\rVert}\n\\renewcommand{\\R}{\\mathcal{R}}\n$$\n\n"
            "After $\\norm{y} \\in \\R$ and $\\DeclareMathOperator{\\tr}{tr} \\tr A$, $\\tr B$.\n")
    result = render(body, "mathjax")
    [error] = result.errors
    assert error.line == BODY_LINE and "\\norm" in error.message and "\\newcommand" in error.message
    assert "<mi>y</mi><mo stretchy=\"false\">∥</mo><mo>∈</mo><mi>ℛ</mi>" in result.html
    assert result.html.count("<mi>tr</mi>") == 2


def test_formulas_with_other_macros_before_them_are_other_cache_entries(tmp_path):
    store = FormulaStore(Cache(tmp_path / "c.sqlite"))
    a = store.typeset("\\foo", display=False, dialect="mathjax", prefix="\\def\\foo{a}")
    b = store.typeset("\\foo", display=False, dialect="mathjax", prefix="\\def\\foo{b}")
    assert store.typeset_count == 2 and a.mathml != b.mathml
    assert store.key("x", False, "modern") != store.key("x", False, "mathjax")
    assert store.key("x", False, "modern") != store.key("x", False, "modern", "\\def\\a{1}")


@pytest.mark.parametrize("body,line,words", [
    ("Intro.\n\n$$ x = \\nosuch $$\n\nafter\n", 2, ["\\nosuch", "\\newcommand", "[math.macros]"]),
    ("$$\n\\newcommand{\\a}{x}\n\\a + \\frac{1}{\n$$\n", 2, ["end of input"]),
    ("$$\nx = 1 \\\\\ny = \\begin{foo} z \\end{foo}\n$$\n", 2, ["No such environment", "align*"]),
    ("$\\newcommand{\\f}[2][x]{#1#2}$\n", 0, ["optional argument", "required arguments"]),
    ("Text\n\n$\\sum_\\cmd x$\n", 2, ["Undefined control sequence"]),
])
def test_tex_errors_point_at_their_own_line_with_a_specific_fix(body, line, words):
    result = render(body, "mathjax")
    [error] = result.errors
    assert error.line == BODY_LINE + line, error.format()
    for word in words:
        assert word in error.message


@pytest.mark.parametrize("body,dialect,line,words", [
    ("Price $$ is high\n", "modern", 0, ["`$$`", "\\$\\$"]),
    ("Text\n\nValue \\\\(x\\\\) here\n", "modern", 2, ["`\\(`", "math: mathjax"]),
    ("Value \\(x^2\\) here\n", "legacy", 0, ["plain text", "math: mathjax"]),
    ("Text\n\n\\begin{align}\na &= b\n\\end{align}\n", "modern", 2, ["`\\begin{`", "$$"]),
    ("Text\n\n$$\na = 1 \\\\\\\\\nb\n$$\n", "modern", 4, ["`\\\\\\\\`", "math: legacy"]),
    ("$\\mathbb{\\Gamma}$\n", "modern", 0, ["no double-struck character"]),
])
def test_what_is_not_shown_as_written_is_a_warning_at_its_line(body, dialect, line, words):
    result = render(body, dialect)
    assert result.errors == []
    [warning] = result.warnings
    assert warning.line == BODY_LINE + line, warning.format()
    for word in words:
        assert word in warning.message


def test_mathjax_delimiters_are_math_only_in_the_dialects_that_use_them():
    body = "See \\(a\\) and \\\\(b\\\\).\n"
    assert render(body, "mathjax").html.count("<math") == 2
    legacy = render(body, "legacy")
    assert legacy.html.count("<math") == 1 and "(a)" in legacy.html   # Markdown's `\(` is `(`
    assert render(body, "modern").html.count("<math") == 0


def test_site_macros_start_every_post():
    from engine import markdown
    from engine.content import Post
    post = Post(source="content/posts/x/index.md", kind="post", title="x", url="x/",
                body="$\\R^n \\ni \\norm{x}$\n", body_line=5, digest="0", math_dialect="modern")
    result = markdown.render(post, "auto", FormulaStore(),
                             site_macros={"\\R": "\\mathbb{R}", "norm": "\\lVert #1 \\rVert"})
    assert result.errors == []
    assert "<mi>ℝ</mi>" in result.html and "∥" in result.html

"""The TeX rewrites before KaTeX and the MathML fixes after it, one by one."""

from __future__ import annotations

import unicodedata

import pytest

from engine import alphabets, math, texfix


def mathml(tex: str, display: bool = False, dialect: str = "modern") -> str:
    out = math.typeset(tex, display=display, dialect=dialect).mathml
    return out.split("<semantics>")[1].split("<annotation")[0]


@pytest.mark.parametrize("variant,plain,styled", [
    ("bold", "x", "𝐱"), ("bold", "Σ", "𝚺"), ("bold", "1", "𝟏"), ("italic", "h", "ℎ"),
    ("double-struck", "R", "ℝ"), ("double-struck", "1", "𝟙"), ("script", "L", "ℒ"),
    ("script", "N", "𝒩"), ("fraktur", "g", "𝔤"), ("fraktur", "R", "ℜ"),
    ("bold-italic", "θ", "𝜽"), ("bold-italic", "ϕ", "𝝓"), ("sans-serif", "A", "𝖠"),
    ("monospace", "T", "𝚃"), ("bold-sans-serif", "∇", "𝝯"),
])
def test_alphabet_table(variant, plain, styled):
    assert alphabets.styled(plain, variant) == styled


def test_alphabet_table_is_complete_and_consistent():
    table = alphabets.table()
    assert len(table) > 1000
    for (variant, plain), styled in table.items():
        name = unicodedata.name(styled)
        assert name.startswith("MATHEMATICAL") or 0x2100 <= ord(styled) <= 0x214F, name
    assert alphabets.styled("a b", "bold") == "𝐚 𝐛" and alphabets.styled("Γ", "double-struck") is None


@pytest.mark.parametrize("tex,want,unwanted", [
    (r"\mathbf{Wx}", "<mi>𝐖</mi><mi>𝐱</mi>", "mathvariant"),
    (r"\boldsymbol{\mu x}", "<mrow><mi>𝝁</mi><mi>𝒙</mi></mrow>", "<mi><mrow>"),
    (r"\texttt{KL}", "<mtext>𝙺𝙻</mtext>", "mathvariant"),
    (r"\mathbb{1}", "<mn>𝟙</mn>", "mathvariant"),
    (r"\mathrm{d}x", '<mi mathvariant="normal">d</mi>', "𝖽"),  # Core honours normal
    (r"\textbf{a 1}", "<mtext>𝐚</mtext>", "mathvariant"),
    (r"\textbf{(a)}", '<mtext mathvariant="bold" style="font-weight:bold">(a)</mtext>', "𝐚"),
    (r"\underset{p}{\mathbb{E}}", "<munder><mrow><mi>𝔼</mi></mrow><mi>p</mi></munder>", "<mi><munder>"),
    (r"a \overset{!}{=} b", "<mover><mrow><mo>=</mo></mrow>", "<mo><mover>"),
    (r"K[-i,-j]", '<mo stretchy="false">[</mo><mo form="prefix">−</mo>', "<mo>−</mo>"),
    (r"a - b", "<mi>a</mi><mo>−</mo><mi>b</mi>", "prefix"),
    (r"\sum_i -x_i", '</msub><mo form="prefix">−</mo>', "<mo>−</mo>"),
    (r"(x) - y", "<mo>−</mo>", "prefix"),
    (r"f_{\max}", "<msub><mi>f</mi><mrow><mi>max</mi><mo>⁡</mo></mrow></msub>", "</mi><mo>⁡</mo></msub>"),
    (r"\log x", '<mo rspace="0.1667em">⁡</mo><mi>x</mi>', "never"),
    (r"\log(x)", "<mo>⁡</mo><mo", "rspace"),
    (r"\big( x \big)", 'transform:scaleY(1.310)', "minsize"),
    (r"\left| x \right\|", '<mo fence="true">|</mo><mi>x</mi><mo fence="true">‖</mo>', "∣"),
])
def test_mathml_fixes(tex, want, unwanted):
    out = mathml(tex)
    assert want in out and unwanted not in out, out


def test_untouched_mathml_keeps_katexs_bytes():
    import pykatex
    tex = r"\frac{a}{b} + \sqrt{x^2} \quad \text{a ' \" < b}"
    raw = pykatex.renderToString(tex, output="mathml")
    assert raw == f'<span class="katex">{math.typeset(tex, display=False, dialect="modern").mathml}</span>'


@pytest.mark.parametrize("tex,rewritten", [
    (r"f_\max", r"f_{\max}"), (r"x^\hat a", r"x^{\hat a}"), (r"x_\frac12 y", r"x_{\frac12} y"),
    (r"\sum_\min x", r"\sum_{\min} x"), (r"x_\alpha", r"x_\alpha"),
    (r"\require{color}\mbox{a}\label{x}", r"\text{a}"),
    (r"\unicode{x2192}\unicode{8594}", "→→"),
    (r"\displaylines{a \\ {b}}", r"\begin{gathered}a \\ {b}\end{gathered}"),
    ("\\begin{eqnarray*}a&=&b\\nonumber\\\\\nc\\end{eqnarray*}",
     "\\begin{darray}{rcl}a&=&b\\\\\nc\\end{darray}"),
])
def test_mathjax_only_tex_is_rewritten(tex, rewritten):
    assert texfix.rewrite(tex, display=False)[0] == rewritten


@pytest.mark.parametrize("tex,top", [
    (r"a \\ b", True), (r"\begin{aligned} a \\ b \end{aligned}", False), (r"{a \\ b}", False),
    (r"\begin{cases} a \\ b \end{cases} \\ c", True), (r"a \\", True),
])
def test_top_level_row_breaks(tex, top):
    assert texfix.top_level_breaks(tex) is top


def test_error_positions_ignore_the_macros_before_the_formula():
    with pytest.raises(math.TexError) as info:
        math.typeset("x +\n\\nosuch", display=True, dialect="mathjax", prefix=r"\def\a{1}")
    assert info.value.offset == 4 and info.value.line == 1
    assert "at position 5" in str(info.value)


def test_equation_numbers_are_dropped_and_said_where_the_site_showed_them():
    tex = "\\begin{align} a&=b \\nonumber\\\\ c&=d\\end{align}"
    modern = math.typeset(tex, display=True, dialect="modern")
    mathjax = math.typeset(tex, display=True, dialect="mathjax")
    assert "mtr-glue" not in modern.mathml and "mml-eqn-num" not in modern.mathml
    assert modern.mathml.count("<mtd>") == 4  # two rows of two columns
    assert any("equation numbers" in w for w in modern.warnings)
    assert mathjax.warnings == () and mathjax.mathml == modern.mathml


@pytest.mark.parametrize("tex,note", [
    (r"\begin{multline} a \\ b \end{multline}", "multline"),
    (r"\bbox[yellow]{x}", "\\bbox"), (r"\style{color:red}{x}", "\\style"),
])
def test_what_katex_cannot_match_is_rewritten_with_a_warning(tex, note):
    result = math.typeset(tex, display=True, dialect="mathjax")
    assert any(note in w for w in result.warnings), result.warnings

"""Formulas after conversion: MathJax-only commands KaTeX lacks are adapted where the meaning
survives (`\\require{...}`, `\\label{...}`, `eqnarray`, `multline`), and every formula is typeset once with the
build's KaTeX so one it refuses is reported at its line in the old blog, at import time."""

from __future__ import annotations

import re

from ..math import TexError, typeset
from .mathconv import math_ranges
from .text import Text

_REQUIRE = re.compile(r"\\require\{[^{}]*\}")
_LABEL = re.compile(r"\\label\{[^{}]*\}")
# environments MathJax knows and KaTeX does not, as the nearest ones KaTeX has
_ENVS = ((re.compile(r"\\(begin|end)\{eqnarray\*?\}"),
          lambda m: r"\begin{array}{rcl}" if m.group(1) == "begin" else r"\end{array}"),
         (re.compile(r"\\(begin|end)\{multline(\*?)\}"),
          lambda m: f"\\{m.group(1)}{{gather{m.group(2)}}}"))


_TEXT = re.compile(r"(\\(?:text\w*|mathrm|operatorname|mbox)\{[^{}]*\})")


def unescape_outside_text(tex: str) -> str:
    """`\\_` -> `_` and `\\*` -> `*` except inside `\\text{...}`: what a Markdown pass
    left of the author's escapes (kramdown's single-dollar math is Markdown text)."""
    parts = _TEXT.split(tex)
    return "".join(p if i % 2 else re.sub(r"\\([_*])", r"\1", p) for i, p in enumerate(parts))


def adapt(text: Text, ctx) -> None:
    def fix(m, line):
        tex = _REQUIRE.sub("", m.group(0))
        if ctx.site.kramdown and not tex.startswith("$$"):
            tex = unescape_outside_text(tex)
        for regex, replacement in _ENVS:
            tex = regex.sub(replacement, tex)
        if _LABEL.search(tex):
            ctx.warn(line, "`\\label{...}` removed: KaTeX does not number or cross-reference "
                           "equations (write the number with `\\tag{}`)")
            tex = _LABEL.sub("", tex)
        return tex

    spans = math_ranges(text.text)
    if not spans:
        return
    starts = {a for a, _ in spans}
    pattern = re.compile(r"\$\$.+?\$\$|(?<!\\)\$.+?(?<!\\)\$", re.S)

    def fix_span(m, line):
        return fix(m, line) if m.start() in starts else None

    text.sub(pattern, fix_span)


def check(text: Text, ctx, dialect: str) -> None:
    """Typeset every formula; warn at the old line of each one KaTeX refuses."""
    for a, b in math_ranges(text.text):
        source = text.text[a:b]
        display = source.startswith("$$")
        tex = source[2:-2] if display else source[1:-1]
        if display and ">" in text.text[text.text.rfind("\n", 0, a) + 1:a]:
            tex = re.sub(r"(?m)^[ \t]*(?:>[ \t]?)+", "", tex)
        try:
            typeset(tex.strip() if display else tex, display=display, dialect=dialect)
        except TexError as exc:
            line = text.line_at(a)
            if display and exc.offset is not None:
                line += tex.strip("\n").count("\n", 0, exc.offset) + 1
            ctx.warn(line, f"KaTeX cannot typeset this formula: {exc}; the build stops here "
                           "until the TeX is fixed")

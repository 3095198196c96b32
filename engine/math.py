"""TeX -> MathML at build time through KaTeX (run in V8, engine/katexjs.py), in four dialects.

`modern` takes TeX verbatim (KaTeX 0.16 rules). `legacy` reads math the way Gatsby-era
pipelines did: Markdown backslash escapes apply inside the formula first (`\\\\` is a row break,
`\\*` is `*`, `\\{` is `\\{`), and `\\color{c}{x}` colours only `x` (KaTeX's
`colorIsTextColor`). `kramdown` and `mathjax` take TeX verbatim as MathJax 2 did (its
`\\color` too); they differ in the delimiters (engine/mathsyntax.py). In every dialect the
TeX MathJax accepts and KaTeX refuses is rewritten first (engine/texfix.py) and KaTeX's MathML
is fixed for MathML Core after (engine/mathml.py). `typeset_many` sends many formulas to
KaTeX in one call, which is where the time goes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import katexjs, mathml, texfix

KATEX_VERSION = katexjs.VERSION  # part of every cache key
DIALECTS = ("modern", "legacy", "kramdown", "mathjax")
# MathJax 2's `\color{c}{x}` colours `x` only; KaTeX's (and LaTeX's) colours to the group's end
_TEXT_COLOR = {"legacy", "kramdown", "mathjax"}

# CommonMark: a backslash before any ASCII punctuation character is an escape.
_MD_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
# Sequences that only make sense once Markdown escapes are applied: a doubled row break,
# an escaped brace after a row break, `\*` (undefined in TeX, `align\*` in Gatsby posts),
# `\_` before a script (`D\_{KL}`: TeX's `\_` is a literal underscore), or three
# backslashes (`\\\` then a space or the line's end: Markdown's `\\` and `\ `).
_LEGACY_EVIDENCE = re.compile(
    r"\\\\\\\\|\\\\[{}]|\\\*|(?<![\\])\\_(?=[{\\]|[A-Za-z0-9](?![A-Za-z]))|(?<![\\])\\\\\\(?=\s|$)")
_WRAPPER = re.compile(r'^<span class="katex">(.*)</span>$', re.S)


class TexError(ValueError):
    """KaTeX refused a formula. `offset` is the 0-based character in the TeX it points at."""

    def __init__(self, message: str, offset: int | None = None, line: int | None = None):
        super().__init__(message)
        self.offset = offset
        self.line = line  # 0-based line of `offset` in the formula


@dataclass(frozen=True)
class Typeset:
    mathml: str
    warnings: tuple[str, ...] = ()


def legacy_unescape(tex: str) -> str:
    r"""Apply Markdown backslash escapes, as a Gatsby-era pipeline did before KaTeX saw the TeX.

    >>> print(legacy_unescape(r"\begin{align\*} a \\\\ b \\{ c \\}"))
    \begin{align*} a \\ b \{ c \}
    """
    return _MD_ESCAPE.sub(r"\1", tex)


def legacy_evidence(tex: str) -> str | None:
    """The first sequence in `tex` that reads sensibly only as legacy math, or None."""
    m = _LEGACY_EVIDENCE.search(tex)
    return m.group(0) if m else None


def prepare(tex: str, dialect: str) -> str:
    """The TeX the author meant: legacy math had Markdown's escapes applied first."""
    return legacy_unescape(tex) if dialect == "legacy" else tex


def typeset(tex: str, *, display: bool, dialect: str, prefix: str = "") -> Typeset:
    """Render one prepared formula to a `<math>` element; `prefix` holds the macros defined
    before it. Raises TexError on TeX KaTeX cannot read, its offset in `tex`.

    Strict-mode complaints (LaTeX-incompatible but renderable input) become warnings, and so
    do the characters MathML Core cannot show in their math alphabet.
    """
    result = typeset_many([(tex, display, dialect, prefix)])[0]
    if isinstance(result, TexError):
        raise result
    return result


Formula = tuple[str, bool, str, str]  # (tex, display, dialect, prefix), as `typeset` takes them


def typeset_many(formulas: list[Formula]) -> list[Typeset | TexError]:
    """`typeset` for each formula, in one call into KaTeX; a refused one gives its TexError."""
    rewritten = [texfix.rewrite(tex, display=display) for tex, display, _, _ in formulas]
    answers = katexjs.render([(prefix + source, display, dialect in _TEXT_COLOR)
                              for (_, display, dialect, prefix), (source, _) in
                              zip(formulas, rewritten)])
    return [_finish(*formula, *pair, answer)
            for formula, pair, answer in zip(formulas, rewritten, answers)]


def _finish(tex: str, display: bool, dialect: str, prefix: str, source: str,
            notes: tuple[str, ...], answer: dict) -> Typeset | TexError:
    """KaTeX's answer for `prefix + source` (`source`: `tex` rewritten) made a Typeset."""
    if "error" in answer:
        return _error(_clean(answer["error"]), len(prefix), source)
    warnings: tuple[str, ...] = ()
    if "warning" in answer:  # a strict-mode complaint: rendered again with strict "ignore"
        warnings = (_clean(answer["warning"]).removeprefix(katexjs.STRICT),)
    html = answer["html"]
    m = _WRAPPER.match(html)
    mathml_text = m.group(1) if m else html
    if prefix or source != tex:  # show the author's TeX, not the macros and rewrites
        mathml_text = _ANNOTATION.sub(lambda _: _ANNOTATION_OPEN + _escape(tex) + "</annotation>",
                                      mathml_text, count=1)
    try:
        fixed, fix_notes = mathml.fix(mathml_text, numbers_shown=dialect in ("modern", "legacy"))
    except RecursionError:  # V8 lets KaTeX nest deeper than Python's recursion limit
        return TexError("the formula nests too deeply for the MathML checks; nest fewer groups")
    return Typeset(fixed, warnings + notes + fix_notes)


_ANNOTATION_OPEN = '<annotation encoding="application/x-tex">'
_ANNOTATION = re.compile(re.escape(_ANNOTATION_OPEN) + r".*?</annotation>", re.S)


def _escape(text: str) -> str:
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;").replace("'", "&#x27;"))


def _error(message: str, shift: int, source: str) -> TexError:
    """The error with its position in `source`, the formula without the macros before it."""
    offset = _position(message)
    if offset is not None and shift:
        if offset < shift:
            message += " (in a macro defined by an earlier formula of this post)"
            offset = None
        else:
            offset -= shift
            message = re.sub(r"at position (\d+)", f"at position {offset + 1}", message)
    line = source.count("\n", 0, offset) if offset is not None else None
    if offset is None and "end of input" in message:
        line = source.rstrip().count("\n")  # an unclosed group: blame the formula's last line
    return TexError(message, offset, line)


def _clean(message: str) -> str:
    # KaTeX underlines the offending span with U+0332 combining characters and quotes the
    # TeX around it, newlines included; one line reads better after `path:line:`.
    return " ".join(message.replace("\u0332", "").split())


def _position(message: str) -> int | None:
    m = re.search(r"at position (\d+)", message)
    return int(m.group(1)) - 1 if m else None

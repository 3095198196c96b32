"""TeX -> MathML at build time through KaTeX (PyKaTeX), in two dialects.

`modern` takes TeX verbatim (KaTeX 0.16 rules). `legacy` reads math the way Gatsby-era
pipelines did: Markdown backslash escapes apply inside the formula first (`\\\\` is a row break,
`\\*` is `*`, `\\{` is `\\{`), and `\\color{c}{x}` colours only `x` (KaTeX's
`colorIsTextColor`). Everything about PyKaTeX, which is alpha, stays behind this module.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pykatex

KATEX_VERSION = "0.16.22"  # what pykatex 0.1.1 embeds; part of every cache key
DIALECTS = ("modern", "legacy")

# CommonMark: a backslash before any ASCII punctuation character is an escape.
_MD_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
# Sequences that only make sense once Markdown escapes are applied: a doubled row break,
# an escaped brace after a row break, or `\*` (undefined in TeX, `align\*` in Gatsby posts).
_LEGACY_EVIDENCE = re.compile(r"\\\\\\\\|\\\\[{}]|\\\*")
_WRAPPER = re.compile(r'^<span class="katex">(.*)</span>$', re.S)
_STRICT = "LaTeX-incompatible input and strict mode is set to 'error': "


class TexError(ValueError):
    """KaTeX refused a formula. `offset` is the 0-based character in the TeX it points at."""

    def __init__(self, message: str, offset: int | None = None):
        super().__init__(message)
        self.offset = offset


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


def typeset(tex: str, *, display: bool, dialect: str) -> Typeset:
    """Render one formula to a `<math>` element. Raises TexError on TeX KaTeX cannot read.

    Strict-mode complaints (LaTeX-incompatible but renderable input) become warnings.
    """
    source = legacy_unescape(tex) if dialect == "legacy" else tex
    options = dict(displayMode=display, output="mathml", throwOnError=True,
                   colorIsTextColor=dialect == "legacy")
    warnings: tuple[str, ...] = ()
    try:
        html = pykatex.renderToString(source, strict="error", **options)
    except pykatex.ParseError as exc:
        message = _clean(str(exc))
        if not message.startswith(_STRICT):
            raise TexError(message, _position(message)) from None
        warnings = (message.removeprefix(_STRICT),)
        try:
            html = pykatex.renderToString(source, strict="ignore", **options)
        except pykatex.ParseError as exc2:
            message = _clean(str(exc2))
            raise TexError(message, _position(message)) from None
    m = _WRAPPER.match(html)
    return Typeset(m.group(1) if m else html, warnings)


def _clean(message: str) -> str:
    # KaTeX underlines the offending span with U+0332 combining characters and quotes the
    # TeX around it, newlines included; one line reads better after `path:line:`.
    return " ".join(message.replace("\u0332", "").split())


def _position(message: str) -> int | None:
    m = re.search(r"at position (\d+)", message)
    return int(m.group(1)) - 1 if m else None

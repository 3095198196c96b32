"""Code blocks highlighted at build time with Pygments; the colours live in the theme's CSS.

Pygments is imported on first use: an edited post whose blocks are all in the build cache
(engine/codeblocks.py) needs none of it.
"""

from __future__ import annotations

import functools
import html
from typing import TYPE_CHECKING

from . import fastlex

if TYPE_CHECKING:
    from pygments.formatters import HtmlFormatter
    from pygments.lexer import Lexer

_PLAIN = ("", "text", "plain", "txt", "none")


@functools.cache
def _lexer(lang: str) -> Lexer | None:
    from pygments.lexers import get_lexer_by_name
    from pygments.util import ClassNotFound

    try:
        return fastlex.accelerate(get_lexer_by_name(lang, stripnl=False, ensurenl=True))
    except ClassNotFound:
        return None


@functools.cache
def _formatter() -> HtmlFormatter:
    from pygments.formatters import HtmlFormatter

    return HtmlFormatter(cssclass="highlight", wrapcode=True)


def code_block(code: str, lang: str, hl_lines: tuple[int, ...] = (),
               linenos: bool = False) -> tuple[str, bool]:
    """HTML for one fenced block, and whether `lang` was known (plain names count as known).
    `hl_lines` and `linenos` come from the info string (engine/codeblocks.py)."""
    lexer = None if lang.lower() in _PLAIN else _lexer(lang.lower())
    if lexer is None and (hl_lines or linenos):
        lexer = _lexer("text")
    if lexer is None:
        attr = f' data-lang="{html.escape(lang)}"' if lang else ""
        body = f'<div class="highlight"{attr}><pre><code>{html.escape(code, quote=False)}</code></pre></div>\n'
        return body, lang.lower() in _PLAIN
    from pygments import highlight
    from pygments.formatters import HtmlFormatter

    if hl_lines or linenos:
        formatter = HtmlFormatter(cssclass="highlight", wrapcode=True, hl_lines=list(hl_lines),
                                  linenos="table" if linenos else False)
        known = lang.lower() in _PLAIN or _lexer(lang.lower()) is not None
        return highlight(code, lexer, formatter), known
    return highlight(code, lexer, _formatter()), True

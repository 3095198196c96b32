"""A post's excerpt (for the index, feeds and search engines): the first paragraph as plain
text, cut near a length. It never shows TeX: a formula that reads as plain text (`p`, `o = 1`)
stays, any other becomes `…`."""

from __future__ import annotations

import re

_PLAIN_MATH = re.compile(r"[A-Za-z0-9 +\-=<>(),.]+")


def first_paragraph(tokens, limit: int = 200) -> str:
    for i, tok in enumerate(tokens):
        if tok.type == "inline" and i and tokens[i - 1].type == "paragraph_open" and tok.children:
            text = " ".join("".join(_text(c) for c in tok.children).split())
            if text.strip(" …"):
                return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + "…"
    return ""


def _text(tok) -> str:
    if tok.type in ("text", "code_inline"):
        return tok.content
    if tok.type.startswith("math_") and tok.content.strip():  # not the markers around them
        return tok.content.strip() if _PLAIN_MATH.fullmatch(tok.content.strip()) else "…"
    return " "

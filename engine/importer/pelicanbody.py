"""Pelican post bodies: `[ref]...[/ref]` footnotes, `{filename}`/`{static}`/`{attach}` links,
`{tag}`/`{category}` links, `[TOC]`, and CodeHilite's `:::lang` first lines."""

from __future__ import annotations

import posixpath
import re

from .text import Text, code_ranges

_REF = re.compile(r"\[ref\](.*?)\[/ref\]", re.S)
_LINK = re.compile(r"(?:\{|\|)(filename|static|attach|tag|category|author|index)(?:\}|\|)"
                   r"([^\s)\"'>]*)")
_HILITE = re.compile(r"^((?:    |\t)+)(?::::|#!)([\w+#.-]+)[ \t]*\n((?:(?:\1[^\n]*)?\n)*?)(?=\S|\Z)",
                     re.M)


def convert(text: Text, ctx) -> None:
    notes: list[str] = []

    def footnote(m, line):
        notes.append(" ".join(m.group(1).split()))
        return f"[^ref-{len(notes)}]"

    text.sub(_REF, footnote, protect=code_ranges)
    if notes:
        text.text = text.text.rstrip("\n") + "\n\n" + "".join(
            f"[^ref-{i}]: {note}\n" for i, note in enumerate(notes, 1))
    text.sub(_LINK, lambda m, line: _link(m, ctx), protect=code_ranges)
    text.sub(r"^\[TOC\][ \t]*$", lambda m, line: _toc(ctx), protect=code_ranges, flags=re.M)
    text.sub(_HILITE, lambda m, line: _fence(m))


def _toc(ctx) -> str:
    ctx.toc = True
    return ""


def _link(m: re.Match, ctx) -> str:
    kind, target = m.group(1), m.group(2)
    if kind in ("tag", "category"):
        return "tag:" + target
    if kind in ("author", "index"):
        return "/" + target.lstrip("/") if target else "/"
    content = ctx.site.config.get("PATH", "content")
    here = posixpath.dirname(ctx.post.source)
    path = posixpath.normpath(posixpath.join(content, target.lstrip("/")) if target.startswith("/")
                              else posixpath.join(here, target))
    return ("post:" if kind == "filename" else "file:") + path


def _fence(m: re.Match) -> str:
    indent, lang, body = m.group(1), m.group(2), m.group(3)
    lines = [l[len(indent):] if l.startswith(indent) else l.lstrip() for l in body.split("\n")]
    code = "\n".join(lines).rstrip("\n")
    return f"```{lang}\n{code}\n```\n\n"

"""A post's table of contents, read back from its rendered headings (`##` to `####`, which
the anchors plugin gives an `id`), so it needs nothing from the Markdown parser."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

_HEADING = re.compile(r'<h([2-4]) id="([^"]+)">(.*?)</h\1>', re.S)
_ANCHOR = re.compile(r'<a class="header-anchor"[^>]*>.*?</a>', re.S)
_ANNOTATION = re.compile(r"<annotation\b.*?</annotation>", re.S)
_TAG = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class Entry:
    level: int    # 2, 3 or 4
    id: str
    text: str     # plain text (formulas as MathML's text, without their TeX)


def entries(body: str) -> tuple[Entry, ...]:
    found = []
    for m in _HEADING.finditer(body):
        inner = _ANNOTATION.sub("", _ANCHOR.sub("", m.group(3), count=1))
        text = " ".join(html.unescape(_TAG.sub("", inner)).split())
        found.append(Entry(int(m.group(1)), html.unescape(m.group(2)), text))
    return tuple(found)


def nested(items: tuple[Entry, ...]) -> list[dict]:
    """The entries as a tree, for templates: [{entry, children: [...]}, ...]."""
    roots: list[dict] = []
    stack: list[tuple[int, list]] = [(1, roots)]
    for entry in items:
        while stack[-1][0] >= entry.level:
            stack.pop()
        node = {"entry": entry, "children": []}
        stack[-1][1].append(node)
        stack.append((entry.level, node["children"]))
    return roots

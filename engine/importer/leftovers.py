"""Template syntax left in Markdown: Liquid tags and outputs, Hugo shortcodes, kramdown
attribute lists. The importer reports what it leaves; the build can use `scan()` to warn
about the same in any post (code, math and HTML comments are not looked at)."""

from __future__ import annotations

import re

from .mathconv import math_ranges
from .text import code_ranges, inside, merge

_LEFT = re.compile(r"\{%-?\s*\w+.*?%\}|\{\{[<%].*?[>%]\}\}|^[ \t]*\{:[^}\n]*\}[ \t]*$"
                   r"|\{:\s*[.#][\w-]+[^}\n]*\}", re.M)
_OUTPUT = re.compile(r"\{\{-?\s*[\w.'\"]+[^{}\n]*?\}\}")
_COMMENT = re.compile(r"<!--.*?-->", re.S)


def scan(markdown: str, outputs: bool = True) -> list[tuple[int, str]]:
    """(0-based line, construct) of every leftover outside code, math and comments;
    `outputs=False` leaves `{{ x }}` alone (only Liquid gives it a meaning).

    >>> scan("Hi {{ site.title }}.\\n`{% raw %}` $x$\\n{: .lead}\\n")
    [(0, '{{ site.title }}'), (2, '{: .lead}')]
    """
    skip = merge(code_ranges(markdown), math_ranges(markdown),
                 [(m.start(), m.end()) for m in _COMMENT.finditer(markdown)])
    out = []
    found = list(_LEFT.finditer(markdown)) + (list(_OUTPUT.finditer(markdown)) if outputs else [])
    for m in sorted(found, key=lambda m: m.start()):
        if inside(skip, m.start()):
            continue
        out.append((markdown.count("\n", 0, m.start()), m.group(0).strip()))
    return out

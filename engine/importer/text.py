"""A post body being rewritten, which remembers the old file's line of every character, so a
construct found after earlier rewrites is still reported at its line in the old blog."""

from __future__ import annotations

import bisect
import functools
import re
from typing import Callable

from markdown_it import MarkdownIt

Ranges = list[tuple[int, int]]


class Text:
    """`text` plus anchors (offset, old line, counting): untouched text counts its own
    newlines from the anchor's line; a replacement keeps the line of what it replaced."""

    def __init__(self, text: str, first_line: int = 1):
        self.text = text
        self._anchors: list[tuple[int, int, bool]] = [(0, first_line, True)]

    def line_at(self, offset: int) -> int:
        i = bisect.bisect_right(self._anchors, (offset, float("inf"), True)) - 1
        start, line, counting = self._anchors[max(i, 0)]
        return line + (self.text.count("\n", start, offset) if counting else 0)

    def _keep(self, start: int, end: int, out: int) -> list[tuple[int, int, bool]]:
        """The anchors of the untouched text [start, end), moved to begin at `out`."""
        i = bisect.bisect_right(self._anchors, (start, float("inf"), True)) - 1
        _, _, counting = self._anchors[max(i, 0)]
        kept = [(out, self.line_at(start), counting)]
        lo = bisect.bisect_right(self._anchors, (start, float("inf"), True))
        hi = bisect.bisect_left(self._anchors, (end, -1, False))
        kept += [(out + a - start, line, c) for a, line, c in self._anchors[lo:hi] if start < a]
        return kept

    def sub(self, pattern: re.Pattern | str, fn: Callable[[re.Match, int], str | None],
            protect: Callable[[str], Ranges] | None = None, flags: int = 0) -> None:
        """Replace matches by `fn(match, old_line)`; None keeps the match. Matches that start
        inside a range `protect(text)` returns (code, math) are left alone."""
        regex = re.compile(pattern, flags) if isinstance(pattern, str) else pattern
        ranges = _merge(protect(self.text)) if protect else []
        starts = [a for a, _ in ranges]
        pieces: list[str] = []
        anchors: list[tuple[int, int, bool]] = []
        pos = out = 0
        for m in regex.finditer(self.text):
            i = bisect.bisect_right(starts, m.start()) - 1
            if i >= 0 and m.start() < ranges[i][1]:
                continue
            new = fn(m, self.line_at(m.start()))
            if new is None or new == m.group(0):
                continue
            if m.start() > pos:
                anchors += self._keep(pos, m.start(), out)
                pieces.append(self.text[pos:m.start()])
                out += m.start() - pos
            anchors.append((out, self.line_at(m.start()), False))
            pieces.append(new)
            out += len(new)
            pos = m.end()
        if not anchors:
            return
        if pos < len(self.text):
            anchors += self._keep(pos, len(self.text), out)
            pieces.append(self.text[pos:])
        self.text = "".join(pieces)
        self._anchors = anchors or [(0, 1, True)]


_CM = MarkdownIt("commonmark").disable("inline")  # block structure is all code needs
_CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`)(?:(?!\n[ \t]*\n).)+?(?<!`)\1(?!`)", re.S)


def inside(ranges: Ranges, offset: int) -> bool:
    """Whether `offset` falls in one of the sorted, disjoint `ranges`."""
    i = bisect.bisect_right(ranges, (offset, float("inf"))) - 1
    return i >= 0 and offset < ranges[i][1]


@functools.lru_cache(maxsize=16)
def code_ranges(text: str) -> Ranges:
    """Fenced and indented code blocks and inline code spans: never rewritten."""
    lines = text.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))
    ranges = []
    blocked: list[tuple[int, int]] = []
    for tok in _CM.parse(text):
        if tok.type in ("fence", "code_block") and tok.map:
            a, b = tok.map
            ranges.append((starts[a], starts[min(b, len(lines))]))
            blocked.append((a, b))
    blocks = _merge(ranges)
    for m in _CODE_SPAN.finditer(text):
        if not inside(blocks, m.start()):
            ranges.append((m.start(), m.end()))
    return _merge(ranges)


@functools.lru_cache(maxsize=16)
def html_block_ranges(text: str) -> Ranges:
    """Raw HTML blocks: shown as written, so no Markdown escape may be added inside."""
    starts = [0]
    for line in text.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))
    return _merge([(starts[t.map[0]], starts[min(t.map[1], len(starts) - 1)])
                   for t in _CM.parse(text) if t.type == "html_block" and t.map])


def _merge(ranges: Ranges) -> Ranges:
    out: Ranges = []
    for a, b in sorted(ranges):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def merge(*lists: Ranges) -> Ranges:
    return _merge([r for lst in lists for r in lst])

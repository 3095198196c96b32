"""Math delimiters -> the build's canonical forms: `$...$` inline, `$$` on their own lines
for display. `\\(..\\)`, `\\[..\\]` (and the Markdown-escaped `\\\\(`, `\\\\[`), bare
`\\begin{align}` blocks, and kramdown's inline `$$...$$` (inline math in kramdown) are
converted; a `$` that opens no formula (`$5`) is escaped."""

from __future__ import annotations

import functools
import re

from .text import Text, code_ranges, html_block_ranges, inside, merge

_ENVS = r"(?:equation|align|alignat|gather|multline|flalign|eqnarray|displaymath|split)\*?"
_BARE_ENV = re.compile(rf"^([ \t]*)(\\begin\{{({_ENVS})\}}.*?\\end\{{\3\}})[ \t]*$", re.M | re.S)
_DISPLAY_BS = re.compile(r"\\\\?\[(.+?)\\\\?\]", re.S)
_INLINE_BS = re.compile(r"\\\\?\((.+?)\\\\?\)", re.S)
_DOUBLE = re.compile(r"\$\$(.+?)\$\$", re.S)
# pandoc's rule: `$` then a non-space, up to a `$` after a non-space not followed by a digit
_SINGLE = re.compile(r"(?<![\\$])\$(?![\s$])((?:[^$\n\\]|\\.|\n(?![ \t]*\n))+?)(?<![\s\\])\$(?![\d$])")
_SCRIPT = re.compile(r"<script\s+type=[\"']math/tex(;\s*mode=display)?[\"']\s*>(.*?)</script>", re.S | re.I)
_TEXISH = re.compile(r"[\\^_=+<>{}]|^[A-Za-z]$")


@functools.lru_cache(maxsize=16)
def math_ranges(text: str) -> list[tuple[int, int]]:
    """Where the (canonical) formulas of `text` are; code is not looked at."""
    code = code_ranges(text)
    doubles = [(m.start(), m.end()) for m in _DOUBLE.finditer(text) if not inside(code, m.start())]
    skip = merge(code, doubles)
    singles = [(m.start(), m.end()) for m in _SINGLE.finditer(text) if not inside(skip, m.start())]
    return sorted(doubles + singles)


def convert(text: Text, ctx, inline_double: bool) -> None:
    """`inline_double`: `$$..$$` inside a paragraph is inline math (kramdown, remark-math)."""
    def formulas(s):
        return merge_ranges(code_ranges(s), math_ranges(s), _ranges(_BARE_ENV, s))

    # MathJax 2's own markup, which kramdown once produced and some posts carry
    text.sub(_SCRIPT, lambda m, line: _display(m.group(2), m) if m.group(1)
             else "$" + " ".join(m.group(2).split()) + "$", protect=code_ranges)
    text.sub(_DOUBLE, lambda m, line: _double(m, inline_double), protect=code_ranges)
    text.sub(_DISPLAY_BS, lambda m, line: _bs(m, ctx, line, True), protect=formulas)
    text.sub(_BARE_ENV, lambda m, line: _display(m.group(2), m),
             protect=lambda s: merge_ranges(code_ranges(s), math_ranges(s)))
    text.sub(_INLINE_BS, lambda m, line: _bs(m, ctx, line, False), protect=formulas)
    text.sub(r"(?<![\\$])\$(?!\$)", lambda m, line: "\\$",
             protect=lambda s: merge_ranges(code_ranges(s), math_ranges(s), _html_ranges(s),
                                            html_block_ranges(s)))


def merge_ranges(*lists):
    return merge(*lists)


def _ranges(regex: re.Pattern, text: str):
    return [(m.start(), m.end()) for m in regex.finditer(text)]


def _html_ranges(text: str):
    return [(m.start(), m.end()) for m in re.finditer(r"<[a-zA-Z][^<>]*>|\]\([^)\s]*\)", text)]


def _context(m: re.Match) -> tuple[str, str, bool, bool]:
    """(text before the match on its line, after it on its line, previous line blank,
    next line blank)."""
    s = m.string
    line_start = s.rfind("\n", 0, m.start()) + 1
    line_end = s.find("\n", m.end())
    line_end = len(s) if line_end < 0 else line_end
    before, after = s[line_start:m.start()], s[m.end():line_end]
    prev = s[:max(line_start - 1, 0)].rsplit("\n", 1)[-1] if line_start else ""
    nxt = s[line_end + 1:].split("\n", 1)[0] if line_end < len(s) else ""
    return before, after, not prev.strip(" \t>"), not nxt.strip(" \t>")


def _display(tex: str, m: re.Match) -> str:
    before, after, prev_blank, _ = _context(m)
    q = re.match(r"^[ \t]*(?:>[ \t]?)*", before).group(0)
    mid = bool(before[len(q):].strip())
    lines = tex.strip("\n").split("\n")
    lines = [lines[0].strip()] if len(lines) == 1 else [l.rstrip() for l in lines]
    if ">" in q:
        lines = [re.sub(r"^[ \t]*(?:>[ \t]?)*", "", l) for l in lines]
    else:
        lines = [l[len(q):] if l.startswith(q) else l.lstrip() for l in lines]
    while lines and not lines[-1].strip():
        lines.pop()
    body = "\n".join(q + l if l.strip() else q.rstrip() for l in lines)
    head = ""
    if mid:
        head = "\n" + q.rstrip() + "\n" + q
    elif not prev_blank:
        head = "\n" + q
    out = head + "$$\n" + body + "\n" + q + "$$"
    if after.strip():
        out += "\n" + q.rstrip() + "\n" + q
    return out


def _double(m: re.Match, inline_double: bool) -> str | None:
    tex = m.group(1)
    before, after, prev_blank, _ = _context(m)
    alone = not before.strip(" \t>") and not after.strip()
    if inline_double and not alone:
        # kramdown, remark-math: `$$` inside a line of text is inline math
        return "$" + " ".join(tex.split()) + "$"
    if alone and prev_blank and re.match(r"^[ \t]*\n", tex) and re.search(r"\n[ \t>]*$", tex):
        return None  # already canonical
    return _display(tex, m)


def _bs(m: re.Match, ctx, line: int, display: bool) -> str | None:
    tex = m.group(1)
    if not _TEXISH.search(tex.strip()) or (not display and "\n\n" in tex):
        return None  # `\(` and `\[` are also plain escaped brackets in Markdown
    if m.string[m.end():m.end() + 1] == "(" and not display:
        return None
    if display:
        return _display(tex, m)
    return "$" + tex.strip() + "$"

r"""MathJax's delimiters as markdown-it rules: `\(..\)`, `\[..\]` and bare environments.

Besides `$`/`$$` (mdit-py-plugins' dollarmath), posts written for MathJax mark math with
`\(..\)` (inline) and `\[..\]` (display), or with their Markdown-escaped forms `\\(..\\)`
and `\\[..\\]` that a Markdown-first pipeline turned into the former, and with a bare
`\begin{align*}...\end{align*}`. These rules read them as math tokens (`math_inline`,
`math_inline_double` for display inside a paragraph, `math_block`), but only when the post's
dialect uses them: `mathjax` takes every form; `kramdown` the escaped ones and environments
(kramdown turns `\(` into `(` before MathJax sees it); `legacy` only the escaped ones
(Markdown-first pipelines saw nothing else); `modern` none. `env["dialect"]` says which,
so it is chosen before parsing (engine/mathrender.py).
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_inline import StateInline

# (opening, closing, display) in the order they are tried
_PAIRS = ((r"\\(", r"\\)", False), (r"\\[", r"\\]", True), ("\\(", "\\)", False), ("\\[", "\\]", True))
_ESCAPED = {"legacy", "kramdown", "mathjax"}   # `\\(` and `\\[`
_SINGLE = {"mathjax"}                          # `\(` and `\[`
_ENVIRONMENTS = {"mathjax", "kramdown"}        # a bare `\begin{...}`
_BEGIN = re.compile(r"\\begin\{([A-Za-z]+\*?)\}")


def _accepts(env: dict, opening: str) -> bool:
    return env.get("dialect") in (_ESCAPED if opening.startswith("\\\\") else _SINGLE)


def _find_close(src: str, close: str, start: int, limit: int) -> int:
    """Index of `close` at or after `start`, not itself escaped by one more backslash."""
    i = start
    while True:
        i = src.find(close, i, limit)
        if i < 0:
            return -1
        if len(close) == 2 and i > start and src[i - 1] == "\\":
            i += 1  # `\\)` closes the escaped form, not this one
            continue
        return i


def environment_end(src: str, start: int, limit: int) -> tuple[str, int] | None:
    """For `\\begin{name}` at `start`: (name, index after the matching `\\end{name}`)."""
    m = _BEGIN.match(src, start, limit)
    if not m:
        return None
    name = m.group(1)
    opener, closer = f"\\begin{{{name}}}", f"\\end{{{name}}}"
    depth, i = 1, m.end()
    while depth:
        nxt_close = src.find(closer, i, limit)
        if nxt_close < 0:
            return None
        nxt_open = src.find(opener, i, nxt_close)
        if nxt_open >= 0:
            depth, i = depth + 1, nxt_open + len(opener)
        else:
            depth, i = depth - 1, nxt_close + len(closer)
    return name, i


def _inline(state: StateInline, silent: bool) -> bool:
    src, pos = state.src, state.pos
    if src[pos] != "\\":
        return False
    for opening, closing, display in _PAIRS:
        if src.startswith(opening, pos) and _accepts(state.env, opening):
            end = _find_close(src, closing, pos + len(opening), state.posMax)
            if end < 0:
                return False
            content, after = src[pos + len(opening):end], end + len(closing)
            break
    else:
        if state.env.get("dialect") not in _ENVIRONMENTS:
            return False
        found = environment_end(src, pos, state.posMax)
        if found is None:
            return False
        content, after, display = src[pos:found[1]], found[1], True
    if not content.strip():
        return False
    if not silent:
        token = state.push("math_inline_double" if display else "math_inline", "math", 0)
        token.content = content
        token.markup = src[pos:pos + 3]
    state.pos = after
    return True


def _block(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    if state.sCount[start_line] - state.blkIndent >= 4:
        return False
    pos = state.bMarks[start_line] + state.tShift[start_line]
    src = state.src
    if not src.startswith("\\", pos):
        return False
    limit = len(src)
    for opening, closing, _ in _PAIRS:
        if closing.endswith("]") and src.startswith(opening, pos) and _accepts(state.env, opening):
            close = _find_close(src, closing, pos + len(opening), limit)
            if close < 0:
                return False
            first, content, after = pos + len(opening), src[pos + len(opening):close], close + len(closing)
            break
    else:
        if state.env.get("dialect") not in _ENVIRONMENTS:
            return False
        found = environment_end(src, pos, limit)
        if found is None:
            return False
        first, after = pos, found[1]
        content = src[pos:after]
    # the block ends with its line: anything after the closing delimiter keeps it a paragraph
    line_end = src.find("\n", after)
    line_end = limit if line_end < 0 else line_end
    if src[after:line_end].strip() or not content.strip():
        return False
    last = start_line
    while last < end_line and state.eMarks[last] < after:
        last += 1
    if silent:
        return True
    token = state.push("math_block", "math", 0)
    token.block = True
    token.content = content
    token.markup = src[pos:pos + 3]
    token.map = [start_line, last + 1]
    # the line the TeX starts on, for messages: the opening line when TeX follows it there
    eol = src.find("\n", first)
    rest_of_line = src[first:eol if eol >= 0 else limit]
    token.meta["tex_line"] = start_line + (0 if rest_of_line.strip() else 1)
    state.line = last + 1
    return True


def delimiters_plugin(md: MarkdownIt) -> None:
    """Register the rules; they act only in the dialects that use the delimiters."""
    md.inline.ruler.before("escape", "math_mathjax", _inline)
    md.block.ruler.before("paragraph", "math_mathjax_block", _block,
                          {"alt": ["paragraph", "reference", "blockquote", "list"]})

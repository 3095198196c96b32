r"""TeX that MathJax reads and KaTeX 0.16 refuses or reads otherwise, rewritten before KaTeX.

Each rewrite keeps the meaning MathJax gives the TeX (posts were written against MathJax):

- `eqnarray`/`eqnarray*` -> a display `rcl` array (`darray`), `\nonumber`/`\notag` dropped;
- `f_\max`, `x^\hat a`: a command taken whole as a script, with its arguments -> `f_{\max}`;
- `\require{...}` (a MathJax extension loader) and `\label{...}` (MathJax without tags
  shows nothing for it) dropped; `\mbox` -> `\text`;
- a top-level `\\` in display math: MathJax breaks the line there, KaTeX's MathML does not
  (Chromium shows one line), so the formula becomes a centred `gathered` block.
"""

from __future__ import annotations

import re

# commands KaTeX reads as functions and refuses right after `_` or `^`, by argument count
_ZERO = ("max min sup inf lim liminf limsup log ln lg exp det dim ker deg arg gcd hom Pr "
         "sin cos tan cot sec csc sinh cosh tanh coth arcsin arccos arctan argmax argmin").split()
_ONE = ("hat bar tilde vec dot ddot check breve acute grave widehat widetilde overline "
        "underline overrightarrow boldsymbol bm operatorname sqrt mathring").split()
_TWO = ("frac dfrac tfrac binom dbinom tbinom").split()
_ARITY = {**{n: 0 for n in _ZERO}, **{n: 1 for n in _ONE}, **{n: 2 for n in _TWO}}
_SCRIPT_CMD = re.compile(r"([_^])\s*\\([A-Za-z]+)(?![A-Za-z])")
_EQNARRAY = re.compile(r"\\(begin|end)\{eqnarray\*?\}")
_DROP = re.compile(r"\\(?:require|label)\s*\{[^{}]*\}")
_NONUMBER = re.compile(r"\\(?:nonumber|notag)\b[ \t]*")
_UNICODE = re.compile(r"\\unicode\s*\{\s*([xX][0-9A-Fa-f]+|\d+)\s*\}")
# \displaylines{a \\ b}: only a one-level body (no nested braces) is taken
_DISPLAYLINES = re.compile(r"\\displaylines\s*\{((?:[^{}]|\{[^{}]*\})*)\}")
_MULTLINE = re.compile(r"\\(begin|end)\{multline\*?\}")
# MathJax's \bbox[...], \class{..}, \style{..}, \cssId{..}: the argument after them stays
_STYLING = re.compile(r"\\(bbox|class|style|cssId)\s*(?:\[[^\]]*\]|\{[^{}]*\})")
_ENV = re.compile(r"\\(begin|end)\s*\{[^{}]*\}")


def group_end(tex: str, start: int) -> int:
    """Index after the brace group opening at `start` (`tex[start] == '{'`), or -1."""
    depth, i = 0, start
    while i < len(tex):
        ch = tex[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return -1


def argument_end(tex: str, i: int) -> int:
    """Index after one TeX argument starting at or after `i` (a group, a command, a char)."""
    while i < len(tex) and tex[i].isspace():
        i += 1
    if i >= len(tex):
        return -1
    if tex[i] == "{":
        return group_end(tex, i)
    if tex[i] == "\\":
        m = re.match(r"\\([A-Za-z]+|.)", tex[i:])
        return i + m.end() if m else -1
    return i + 1


def _script_arguments(tex: str, notes: list[str]) -> str:
    out, pos = [], 0
    for m in _SCRIPT_CMD.finditer(tex):
        arity = _ARITY.get(m.group(2))
        if arity is None or m.start() < pos:
            continue
        end = m.end()
        if m.group(2) == "sqrt" and tex[end:end + 1] == "[":
            close = tex.find("]", end)
            end = close + 1 if close > 0 else end
        for _ in range(arity):
            end = argument_end(tex, end)
            if end < 0:
                break
        if end < 0:
            continue
        out.append(tex[pos:m.start()] + m.group(1) + "{" + tex[m.start() + 1:end].lstrip() + "}")
        pos = end
    return "".join(out) + tex[pos:] if out else tex


def _eqnarray(tex: str) -> str:
    if not _EQNARRAY.search(tex):
        return tex
    tex = _EQNARRAY.sub(lambda m: r"\begin{darray}{rcl}" if m.group(1) == "begin"
                        else r"\end{darray}", tex)
    return _NONUMBER.sub("", tex)


def top_level_breaks(tex: str) -> bool:
    """Whether `tex` has `\\\\` outside every group and environment."""
    depth = env = 0
    i = 0
    while i < len(tex):
        ch = tex[i]
        if ch == "\\":
            m = _ENV.match(tex, i)
            if m:
                env += 1 if m.group(1) == "begin" else -1
                i = m.end()
                continue
            if tex.startswith("\\\\", i) and depth == 0 and env == 0:
                return True
            i += 2
            continue
        depth += ch == "{"
        depth -= ch == "}"
        i += 1
    return False


def _unicode(m: re.Match) -> str:
    value = m.group(1)
    code = int(value[1:], 16) if value[:1] in "xX" else int(value)
    return chr(code) if 0x20 < code <= 0x10FFFF else m.group(0)


def _mathjax_only(tex: str, notes: list[str]) -> str:
    """MathJax extensions KaTeX lacks: kept where KaTeX has an equal, else noted."""
    tex = _UNICODE.sub(_unicode, tex)
    tex = _DISPLAYLINES.sub(lambda m: _group_env(tex, m, "gathered"), tex) \
        if _DISPLAYLINES.search(tex) else tex
    if _MULTLINE.search(tex):
        tex = _MULTLINE.sub(lambda m: f"\\{m.group(1)}{{gather*}}", tex)
        notes.append("`multline` is shown with every line centred (KaTeX has no multline)")
    for m in _STYLING.finditer(tex):
        notes.append(f"`\\{m.group(1)}` styling is not shown (KaTeX has no \\{m.group(1)})")
    return _STYLING.sub("", tex)


def _group_env(tex: str, m: re.Match, env: str) -> str:
    return f"\\begin{{{env}}}{m.group(1)}\\end{{{env}}}"


def rewrite(tex: str, *, display: bool) -> tuple[str, tuple[str, ...]]:
    """MathJax-only TeX made KaTeX's; returns the TeX and notes on what cannot be shown."""
    notes: list[str] = []
    new = _DROP.sub("", tex).replace(r"\mbox{", r"\text{")
    new = _mathjax_only(new, notes)
    new = _eqnarray(new)
    new = _script_arguments(new, notes)
    if display and top_level_breaks(new):
        new = "\\begin{gathered}" + new + "\\end{gathered}"
    return new, tuple(notes)

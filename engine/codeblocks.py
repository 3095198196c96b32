"""What a fence's info string asks of a code block besides its language:

    ```python title="kernel.py" {2,4-5} linenos

`title="..."` puts a file name label above the code, `{2,4-5}` highlights those lines and
`linenos` numbers the lines (in a column of their own, so copying the code leaves them out).

A block's HTML is kept in the build cache by its info string and code (`Blocks`): an edited
post whose code did not change does not run Pygments, whose lexers compile their rules on first
use in each process (about 70 ms for Python).
"""

from __future__ import annotations

import html
import re
import shlex
from pathlib import Path

from . import highlight
from .cache import Cache, keyer
from .version import digest_of_sources, versions

_LINES = re.compile(r"^\{([\d,\s-]*)\}$")
_HERE = Path(__file__).resolve().parent
# what decides a block's HTML besides its text: Pygments and the modules that run it
_ENGINE = (*versions(("pygments",)),
           *(digest_of_sources(_HERE / name, _HERE)
             for name in ("codeblocks.py", "highlight.py", "fastlex.py")))
_KEY = keyer("code", _ENGINE)


class Blocks:
    """A post's code blocks: those in the build cache are read in one query, the others are
    highlighted and kept in `new`, for the parent process to store (workers only read)."""

    def __init__(self, cache: Cache | None, blocks: list[tuple[str, str]]):
        keys = [self.key(info, code) for info, code in blocks]
        self.found = cache.get_many("code", keys) if cache is not None and keys else {}
        self.new: dict[str, tuple[str, tuple[str, ...]]] = {}

    @staticmethod
    def key(info: str, code: str) -> str:
        return _KEY(info, code)

    def fence(self, info: str, code: str) -> tuple[str, list[str]]:
        """`fence(info, code)`, from the cache when it holds the block."""
        key = self.key(info, code)
        found = self.found.get(key) or self.new.get(key)
        if found is None:
            body, problems = fence(info, code)
            found = self.new[key] = (body, tuple(problems))
        return found[0], list(found[1])


def fence(info: str, code: str) -> tuple[str, list[str]]:
    """HTML for one fenced block, and problems with its info string (warnings)."""
    problems: list[str] = []
    try:
        words = shlex.split(info)
    except ValueError:
        words = info.split()
        problems.append("unbalanced quotes in the fence's info string; write `title=\"a.py\"`")
    lang = words[0] if words and not words[0].startswith("{") else ""
    title, lines, numbers = "", [], False
    total = code.count("\n") + (0 if code.endswith("\n") else 1)
    for word in words[1 if lang else 0:]:
        m = _LINES.match(word)
        if word.startswith("title="):
            title = word[len("title="):]
        elif word == "linenos":
            numbers = True
        elif m:
            lines = _line_numbers(m.group(1), total, problems)
        else:
            problems.append(f"unknown code block option `{word}`; accepted: `title=\"name\"`, "
                            "`{1,3-4}` (highlighted lines), `linenos`")
    body, known = highlight.code_block(code, lang, hl_lines=tuple(lines), linenos=numbers)
    if not known:
        problems.append(f"unknown code language `{lang}`; shown without highlighting "
                        "(see `pygmentize -L lexers`)")
    if title:
        body = (f'<div class="code-block"><div class="code-title">{html.escape(title)}</div>\n'
                f"{body}</div>\n")
    return body, problems


def _line_numbers(spec: str, total: int, problems: list[str]) -> list[int]:
    lines: list[int] = []
    for part in filter(None, (p.strip() for p in spec.split(","))):
        a, _, b = part.partition("-")
        if not a.isdigit() or (b and not b.isdigit()):
            problems.append(f"`{{{spec}}}`: `{part}` is not a line number or range like `4-6`")
            continue
        first, last = int(a), int(b or a)
        if not 1 <= first <= last <= total:
            problems.append(f"`{{{spec}}}`: lines {part} are outside the block's {total} lines")
            continue
        lines.extend(range(first, last + 1))
    return lines

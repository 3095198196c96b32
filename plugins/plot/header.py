"""The `#|` option lines at the top of a `plot` block.

Each is `#| key: value`, the value read as YAML (quote a text containing `: ` or `#`). They
are Python comments, so the block stays a runnable script; the code that runs gets them as
blank lines, which keeps its line numbers and keeps an `alt` edit from running it again.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

import yaml

FORMATS = ("svg", "png")
KEYS = ("alt", "caption", "format", "width", "height", "dark")
MIN_SIZE, MAX_SIZE = 50, 4000
_LINE = re.compile(r"#\|\s?(.*)")
_ITEM = re.compile(r"([A-Za-z_][\w-]*)\s*:(?:\s+(.*))?$")


@dataclass
class Header:
    alt: str | None = None
    caption: str | None = None
    format: str = "svg"
    width: int = 640
    height: int | None = None
    dark: bool = True
    code: str = ""                      # the script with the option lines blanked
    problems: list[tuple[int, str]] = field(default_factory=list)  # (0-based line, message)
    notes: list[tuple[int, str]] = field(default_factory=list)     # warnings, alike

    @property
    def size(self) -> tuple[int, int]:
        return self.width, self.height or round(self.width * 3 / 4)


def parse(text: str) -> Header:
    """Read the option lines of a block's body; `text` is the fence's content."""
    header = Header()
    lines = text.splitlines()
    on_top, seen = True, {}
    for n, line in enumerate(lines):
        m = _LINE.match(line.lstrip())
        if m is None:
            on_top = on_top and not line.strip()
            continue
        if not on_top:
            header.notes.append((n, "`#|` options must come first in the block, before the "
                                    "code; this line is read as a plain comment"))
            continue
        lines[n] = ""
        _item(header, n, m.group(1).strip(), seen)
    header.code = "\n".join(lines) + "\n"
    return header


def _item(header: Header, n: int, text: str, seen: dict) -> None:
    m = _ITEM.match(text)
    if m is None:
        header.problems.append((n, f"a `#|` line must read `#| key: value`, got {text!r}"))
        return
    key, raw = m.group(1), (m.group(2) or "").strip()
    if key not in KEYS:
        close = difflib.get_close_matches(key, KEYS, n=1)
        hint = f"did you mean `{close[0]}`? " if close else ""
        header.problems.append((n, f"unknown `plot` option `{key}`; {hint}accepted: "
                                   + ", ".join(f"`{k}`" for k in KEYS)))
        return
    if key in seen:
        header.problems.append((n, f"`{key}` is already set at line {seen[key] + 1} of the "
                                   "block; keep one"))
        return
    seen[key] = n
    try:
        value = yaml.safe_load(raw) if raw else None
    except yaml.YAMLError as exc:
        problem = str(getattr(exc, "problem", "") or exc).strip()
        header.problems.append((n, f"`{key}`: the value is not valid YAML ({problem}); quote "
                                   "it, e.g. `#| alt: \"a: b\"`"))
        return
    message = _set(header, key, value)
    if message:
        header.problems.append((n, message))


def _set(header: Header, key: str, value: object) -> str | None:
    if key in ("alt", "caption"):
        if not isinstance(value, (str, int, float)) or isinstance(value, bool) \
                or not str(value).strip():
            return f"`{key}` must be a text, got {value!r}"
        setattr(header, key, str(value).strip())
    elif key == "format":
        if value not in FORMATS:
            return f"`format` must be one of {', '.join(FORMATS)}, got {value!r}"
        header.format = value
    elif key in ("width", "height"):
        if not isinstance(value, int) or isinstance(value, bool) \
                or not MIN_SIZE <= value <= MAX_SIZE:
            return (f"`{key}` must be a whole number of CSS pixels from {MIN_SIZE} to "
                    f"{MAX_SIZE}, got {value!r}")
        setattr(header, key, value)
    elif key == "dark":
        if not isinstance(value, bool):
            return f"`dark` must be true or false, got {value!r}"
        header.dark = value
    return None

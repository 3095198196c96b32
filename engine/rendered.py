"""What rendering a post produces: plain values, light to import (no Markdown parser here)."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import NamedTuple

from .errors import Problem


_EXTERNAL = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|//)", re.I)


def local(target: str) -> bool:
    """Whether a link or image source may point to a file of this site: not another site's,
    not an anchor of the page. Only those are kept, to be checked."""
    target = target.strip()
    return bool(target) and not target.startswith("#") and not _EXTERNAL.match(target)


class Ref(NamedTuple):
    """A link or image source found in a post, to be checked once all URLs are known.

    A named tuple: a post has dozens, and the cache stores them as plain arrays."""

    target: str
    line: int
    strict: bool  # Markdown syntax: a missing target is an error; raw HTML: a warning


@dataclass(frozen=True)
class PostInfo:
    """What the site needs of a rendered post besides its HTML: small enough to load for
    every post on every build. `assets` maps generated file names to their SHA-256."""

    dialect: str
    errors: tuple[Problem, ...]
    warnings: tuple[Problem, ...]
    refs: tuple[Ref, ...]
    assets: dict[str, str]
    summary: str
    words: int

    def __post_init__(self):  # from the cache, refs arrive as plain tuples
        if self.refs and type(self.refs[0]) is not Ref:
            object.__setattr__(self, "refs", tuple(Ref._make(r) for r in self.refs))


@dataclass
class Rendered:
    html: str
    dialect: str
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    refs: list[Ref] = field(default_factory=list)
    assets: dict[str, bytes] = field(default_factory=dict)
    summary: str = ""
    words: int = 0
    computed: dict = field(default_factory=dict)  # plugin values computed here, for the cache
    search: str = ""  # what the search index reads of it, made where it rendered
    code: dict = field(default_factory=dict)  # code blocks highlighted here, for the cache

    def info(self) -> PostInfo:
        return PostInfo(self.dialect, tuple(self.errors), tuple(self.warnings), tuple(self.refs),
                        {name: hashlib.sha256(data).hexdigest() for name, data in self.assets.items()},
                        self.summary, self.words)

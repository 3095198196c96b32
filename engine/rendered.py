"""What rendering a post produces: plain values, light to import (no Markdown parser here)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from .errors import Problem


@dataclass(frozen=True)
class Ref:
    """A link or image source found in a post, to be checked once all URLs are known."""

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

    def info(self) -> PostInfo:
        return PostInfo(self.dialect, tuple(self.errors), tuple(self.warnings), tuple(self.refs),
                        {name: hashlib.sha256(data).hexdigest() for name, data in self.assets.items()},
                        self.summary, self.words)

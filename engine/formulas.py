"""Typesets formulas once: an in-memory memo in front of the on-disk cache.

Keyed by (TeX, display, dialect, KaTeX version). New results are kept in `new` so a worker
process can hand them to the parent, the only writer of the cache.
"""

from __future__ import annotations

from importlib import metadata

from . import math
from .cache import Cache, digest

# KaTeX's version, and PyKaTeX's, which embeds it: a new release is a new set of keys
_ENGINE = (math.KATEX_VERSION, metadata.version("pykatex"))


class FormulaStore:
    def __init__(self, cache: Cache | None = None):
        self.cache = cache
        self.memo: dict[str, math.Typeset] = {}
        self.new: dict[str, math.Typeset] = {}
        self.typeset_count = 0
        self.computed: dict[str, object] = {}  # plugins' cached values, memoised per process

    def key(self, tex: str, display: bool, dialect: str) -> str:
        return digest("formula", _ENGINE, dialect, display, tex)

    def typeset(self, tex: str, *, display: bool, dialect: str) -> math.Typeset:
        key = self.key(tex, display, dialect)
        found = self.memo.get(key)
        if found is None and self.cache is not None:
            found = self.cache.get("formula", key)
        if found is None:
            found = math.typeset(tex, display=display, dialect=dialect)  # raises TexError
            self.typeset_count += 1
            self.new[key] = found
        self.memo[key] = found
        return found

"""Typesets formulas once: an in-memory memo in front of the on-disk cache.

Keyed by everything that decides the MathML: the TeX, display or inline, the dialect, the
macros defined before the formula, KaTeX's version and the code of the math pipeline. New
results are kept in `new` so a worker process can hand them to the parent, the only writer
of the cache.
"""

from __future__ import annotations

import hashlib
from importlib import metadata
from pathlib import Path

from . import math
from .cache import Cache, digest

_HERE = Path(__file__).resolve().parent
# the modules that turn TeX into MathML: a change to any of them is a new set of keys
_PIPELINE = ("math.py", "texfix.py", "mathml.py", "alphabets.py")
_CODE = hashlib.sha256(b"".join((_HERE / name).read_bytes() for name in _PIPELINE)).hexdigest()
# KaTeX's version, and PyKaTeX's, which embeds it: a new release is a new set of keys
_ENGINE = (math.KATEX_VERSION, metadata.version("pykatex"), _CODE)


class FormulaStore:
    def __init__(self, cache: Cache | None = None):
        self.cache = cache
        self.memo: dict[str, math.Typeset] = {}
        self.new: dict[str, math.Typeset] = {}
        self.typeset_count = 0
        self.computed: dict[str, object] = {}  # plugins' cached values, memoised per process

    def key(self, tex: str, display: bool, dialect: str, prefix: str = "") -> str:
        return digest("formula", _ENGINE, dialect, display, prefix, tex)

    def typeset(self, tex: str, *, display: bool, dialect: str, prefix: str = "") -> math.Typeset:
        """`tex` as prepared for `dialect` (see math.prepare); `prefix`: the macros before it."""
        key = self.key(tex, display, dialect, prefix)
        found = self.memo.get(key)
        if found is None and self.cache is not None:
            found = self.cache.get("formula", key)
        if found is None:
            found = math.typeset(tex, display=display, dialect=dialect, prefix=prefix)  # raises TexError
            self.typeset_count += 1
            self.new[key] = found
        self.memo[key] = found
        return found

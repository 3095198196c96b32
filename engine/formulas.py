"""Typesets formulas once: an in-memory memo in front of the on-disk cache.

Keyed by everything that decides the MathML: the TeX, display or inline, the dialect, the
macros defined before the formula, KaTeX's version and the code of the math pipeline. New
results are kept in `new` so a worker process can hand them to the parent, the only writer
of the cache. `prefetch` typesets a post's formulas in one call into KaTeX before rendering
asks for them one at a time.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from . import math
from .cache import Cache, keyer
from .version import versions

_HERE = Path(__file__).resolve().parent
# the modules that turn TeX into MathML: a change to any of them is a new set of keys
_PIPELINE = ("math.py", "katexjs.py", "texfix.py", "mathml.py", "alphabets.py")
_CODE = hashlib.sha256(b"".join((_HERE / name).read_bytes() for name in _PIPELINE)).hexdigest()
# KaTeX's version, the package that ships it and the V8 that runs it: a new release of any
# is a new set of keys
_ENGINE = (math.KATEX_VERSION, *versions(("sphinxcontrib-katex", "mini-racer")), _CODE)
_KEY = keyer("formula", _ENGINE)
# formulas a process remembers (the most recently used): repeats across posts are mostly a
# few classics, and a cold build of 10,000 posts typesets 38,000 formulas
MEMO = 4096


class FormulaStore:
    def __init__(self, cache: Cache | None = None):
        self.cache = cache
        self.memo: dict[str, math.Typeset] = {}
        self.new: dict[str, math.Typeset] = {}
        self.typeset_count = 0
        self.failed: dict[str, math.TexError] = {}  # the last prefetch's refusals
        self.computed: dict[str, object] = {}  # plugins' cached values, memoised per process

    def key(self, tex: str, display: bool, dialect: str, prefix: str = "") -> str:
        return _KEY(dialect, display, prefix, tex)

    def typeset(self, tex: str, *, display: bool, dialect: str, prefix: str = "") -> math.Typeset:
        """`tex` as prepared for `dialect` (see math.prepare); `prefix`: the macros before it."""
        key = self.key(tex, display, dialect, prefix)
        found = self.memo.pop(key, None)  # put back last: the most recently used
        if found is None and key in self.failed:  # refused in the prefetch: raised afresh
            exc = self.failed[key]
            raise math.TexError(str(exc), exc.offset, exc.line)
        if found is None and self.cache is not None:
            found = self.cache.get("formula", key)
        if found is None:
            found = math.typeset(tex, display=display, dialect=dialect, prefix=prefix)  # raises TexError
            self.typeset_count += 1
            self.new[key] = found
        self._remember(key, found)
        return found

    def _remember(self, key: str, found: math.Typeset) -> None:
        self.memo[key] = found
        while len(self.memo) > MEMO:
            del self.memo[next(iter(self.memo))]

    def prefetch(self, formulas: list[math.Formula]) -> None:
        """Typeset, in one call, those of `formulas` ((tex, display, dialect, prefix), as
        `typeset` takes them) that are neither memoised nor cached; `typeset` then finds them.
        """
        todo: dict[str, math.Formula] = {}
        for formula in formulas:
            key = self.key(*formula)
            if key not in self.memo:
                todo[key] = formula
        if self.cache is not None and todo:
            found = self.cache.get_many("formula", list(todo))
            for key, value in found.items():
                self._remember(key, value)
            todo = {k: f for k, f in todo.items() if k not in found}
        self.failed = {}
        for key, result in zip(todo, math.typeset_many(list(todo.values()))):
            if isinstance(result, math.TexError):
                self.failed[key] = result  # not kept: an error is reported, never cached
            else:
                self.new[key] = result
                self._remember(key, result)
                self.typeset_count += 1

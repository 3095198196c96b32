"""Renders the posts that missed the cache, on every core when there are enough of them.

Workers read the cache but never write it: each returns its new formulas to the parent.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from . import markdown
from .cache import Cache
from .content import Post
from .formulas import FormulaStore

_MIN_PER_WORKER = 8
_worker_store: FormulaStore | None = None


def render_all(posts: list[Post], site_dialect: str, conv_defaults, cache: Cache,
               jobs: int | None = None) -> tuple[list[markdown.Rendered], dict, int]:
    """Render `posts` in order; returns (results, new formulas, formulas typeset)."""
    jobs = jobs or os.cpu_count() or 1
    jobs = min(jobs, max(1, len(posts) // _MIN_PER_WORKER))
    if jobs <= 1:
        store = FormulaStore(cache)
        results = [markdown.render(p, site_dialect, store, conv_defaults) for p in posts]
        return results, store.new, store.typeset_count
    chunks = [posts[i::jobs] for i in range(jobs)]
    # fork keeps start-up cheap on Linux; elsewhere the default method works as well
    method = "fork" if sys.platform.startswith("linux") else None
    ctx = multiprocessing.get_context(method)
    with ProcessPoolExecutor(jobs, mp_context=ctx, initializer=_init,
                             initargs=(cache.path,)) as pool:
        parts = list(pool.map(_render_chunk, chunks, [site_dialect] * jobs, [conv_defaults] * jobs))
    results: list[markdown.Rendered | None] = [None] * len(posts)
    new: dict = {}
    typeset = 0
    for i, (rendered, formulas, count) in enumerate(parts):
        results[i::jobs] = rendered
        new.update(formulas)
        typeset += count
    return results, new, typeset  # type: ignore[return-value]


def _init(cache_path: Path | None) -> None:
    global _worker_store
    _worker_store = FormulaStore(Cache(cache_path, readonly=True) if cache_path else None)


def _render_chunk(posts: list[Post], site_dialect: str, conv_defaults):
    store = _worker_store
    assert store is not None
    rendered = [markdown.render(p, site_dialect, store, conv_defaults) for p in posts]
    return rendered, store.new, store.typeset_count

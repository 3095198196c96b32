"""Renders the posts that missed the cache, on every core when there are enough of them.

Workers read the cache but never write it: each result, with the formulas a worker typeset,
goes back to the parent, which stores it and lets it go, so memory does not grow with the
number of posts.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Callable

from . import markdown
from .cache import Cache
from .content import Post
from .formulas import FormulaStore

_MIN_PER_WORKER = 8
_CHUNK = 8
_worker_store: FormulaStore | None = None

Sink = Callable[[int, markdown.Rendered, dict], None]


def render_all(posts: list[Post], site_dialect: str, conv_defaults, cache: Cache,
               sink: Sink, jobs: int | None = None) -> int:
    """Render `posts`, calling `sink(index, rendered, new_formulas)` for each in order.

    Returns the number of formulas typeset.
    """
    jobs = jobs or os.cpu_count() or 1
    jobs = min(jobs, max(1, len(posts) // _MIN_PER_WORKER))
    if jobs <= 1:
        store = FormulaStore(cache)
        for i, post in enumerate(posts):
            sink(i, markdown.render(post, site_dialect, store, conv_defaults), store.new)
            store.new = {}
        return store.typeset_count
    chunks = [posts[i:i + _CHUNK] for i in range(0, len(posts), _CHUNK)]
    # fork keeps start-up cheap on Linux; elsewhere the default method works as well
    method = "fork" if sys.platform.startswith("linux") else None
    typeset = 0
    with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context(method),
                             initializer=_init, initargs=(cache.path,)) as pool:
        results = pool.map(_render_chunk, chunks, [site_dialect] * len(chunks),
                           [conv_defaults] * len(chunks))
        for n, (rendered, formulas, count) in enumerate(results):
            typeset += count
            for j, result in enumerate(rendered):
                sink(n * _CHUNK + j, result, formulas if j == 0 else {})
    return typeset


def _init(cache_path: Path | None) -> None:
    global _worker_store
    _worker_store = FormulaStore(Cache(cache_path, readonly=True) if cache_path else None)


def _render_chunk(posts: list[Post], site_dialect: str, conv_defaults):
    store = _worker_store
    assert store is not None
    before = store.typeset_count
    rendered = [markdown.render(p, site_dialect, store, conv_defaults) for p in posts]
    new, store.new = store.new, {}
    return rendered, new, store.typeset_count - before

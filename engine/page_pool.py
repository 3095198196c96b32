"""Renders many generated pages (the listings of a cold build: a page per ten posts, a page
per ten posts of each tag, the archive) on every core.

The pages come as closures over the build's values, which cannot be pickled; the worker
processes are forked once the closures exist and inherit them, so only an index goes to a
worker and only the page's digest and spilled file come back. Where processes cannot be
forked (macOS, Windows), and for a few pages, they render here, one by one.
"""

from __future__ import annotations

import os
import sys
from typing import Callable

from .errors import BuildError
from .outputs import Output
from .spill import Spill

_MIN_PAGES = 64  # fewer render here: forking would cost more than it saves
_CHUNK = 16
_work: tuple[list[Callable[[], Output]], Spill] | None = None  # what forked workers inherit


def render_many(renders: list[Callable[[], Output]], made: Spill,
                jobs: int | None = None) -> list[Output | BuildError]:
    """Each page's output (spilled when `made` has a folder), or the BuildError it raised.

    The closures must not touch the cache (a SQLite connection does not survive a fork) nor
    change anything the parent reads after: pass `jobs=1` for those."""
    global _work
    jobs = min(jobs or os.cpu_count() or 1, len(renders) // _MIN_PAGES)
    if jobs < 2 or not sys.platform.startswith("linux"):
        return [_render(render, made) for render in renders]
    import multiprocessing  # here: most builds render a few pages or none (9 ms to load)
    from concurrent.futures import ProcessPoolExecutor

    _work = (renders, made)
    try:
        with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork")) as pool:
            parts = pool.map(_render_chunk, [range(start, min(start + _CHUNK, len(renders)))
                                             for start in range(0, len(renders), _CHUNK)])
            return [output for part in parts for output in part]
    finally:
        _work = None


def _render_chunk(indices: range) -> list[Output | BuildError]:
    assert _work is not None
    renders, made = _work
    return [_render(renders[i], made) for i in indices]


def _render(render: Callable[[], Output], made: Spill) -> Output | BuildError:
    try:
        data = render()
        return made.keep(data) if isinstance(data, bytes) else data
    except BuildError as exc:  # a template's error, or no room to keep the page
        return exc

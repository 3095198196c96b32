"""Renders the posts that missed the cache, and their pages, on every core.

Workers read the cache but never write it: each result (the rendered post, its page, the
formulas a worker typeset) goes back to the parent, which stores it, so the parent's own
work stays small and memory does not grow with the number of posts in flight.
"""

from __future__ import annotations

import dataclasses
import gc
import multiprocessing
import os
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Callable

from . import content, markdown, pages, search, templates
from .cache import Cache
from .config import Config
from .content import Post
from .errors import BuildError
from .formulas import FormulaStore
from .outputs import Output
from .spill import Spill

_MIN_PER_WORKER = 8
_CHUNK = 8
_worker: "_Renderer | None" = None

# sink(index, rendered, page (bytes or spilled) or None, new formulas)
Sink = Callable[[int, markdown.Rendered, "Output | None", dict], None]


class _Renderer:
    """Renders posts and their pages in one process, memoising formulas."""

    def __init__(self, config: Config, cache: Cache | None, plan: "pages.SitePlan",
                 compiled: Path | None = None, spill: Path | None = None):
        self.config = config
        self.plan = plan
        self.spill = Spill(spill)
        self.store = FormulaStore(cache)
        self.theme = templates.Theme(config.root, config.theme, compiled)

    def render(self, posts: list[Post]) -> list[tuple[markdown.Rendered, Output | None]]:
        return [self.page(post, result) for post, result in zip(posts, self.bodies(posts))]

    def bodies(self, posts: list[Post]) -> list[markdown.Rendered]:
        """The posts rendered together (their formulas go to KaTeX in one call), with their
        searchable text."""
        read: dict[int, Post] = {}
        unreadable: dict[int, markdown.Rendered] = {}
        for i, post in enumerate(posts):
            try:
                read[i] = dataclasses.replace(post, body=content.read_body(self.config.root, post))
            except (BuildError, OSError) as exc:
                where = exc if isinstance(exc, BuildError) else BuildError(
                    f"cannot read this file: {exc.strerror}", post.source)
                unreadable[i] = markdown.Rendered("", "", errors=[where.problem])
        rendered = dict(zip(read, markdown.render_many(
            list(read.values()), self.config.math_dialect, self.store, self.config.plugins,
            site_macros=self.config.math_macros)))
        for result in rendered.values():
            if not result.errors and self.plan is not None and self.plan.search:
                result.search = search.searchable(result.html)
        return [rendered[i] if i in rendered else unreadable[i] for i in range(len(posts))]

    def page(self, post: Post, result: markdown.Rendered) -> tuple[markdown.Rendered,
                                                                   Output | None]:
        """`result` and the post's page (None when the post has errors)."""
        if result.errors:
            return result, None
        try:
            page = self.spill.keep(pages.render_post_page(
                self.theme, self.config, post, result.info(), result.html, self.plan))
        except BuildError:  # the parent renders it again and reports the error in its place
            page = None
        return result, page

    def take_formulas(self) -> dict:
        """The formulas typeset since the last call, for the parent to store."""
        new, self.store.new = self.store.new, {}
        return new


def render_all(posts: list[Post], config: Config, cache: Cache, sink: Sink,
               jobs: int | None = None, plan: "pages.SitePlan | None" = None,
               compiled: Path | None = None, spill: Path | None = None,
               texts: Callable[[int, str], None] = lambda i, text: None) -> int:
    """Render `posts` in chunks, calling `texts` with each one's searchable text (first: the
    search index waits for it), then `sink`, in order. Returns the formulas typeset."""
    jobs = jobs or os.cpu_count() or 1
    jobs = min(jobs, max(1, len(posts) // _MIN_PER_WORKER))
    chunks = [posts[i:i + _CHUNK] for i in range(0, len(posts), _CHUNK)]
    if jobs <= 1:
        renderer = _Renderer(config, cache, plan, compiled, spill)
        return _deliver((_chunk(renderer, chunk) for chunk in chunks), texts, sink)
    # fork keeps start-up cheap on Linux; elsewhere the default method works as well
    method = "fork" if sys.platform.startswith("linux") else None
    with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context(method),
                             initializer=_init, initargs=(config, cache.path, plan, compiled, spill)) as pool:
        return _deliver(pool.map(_render_chunk, chunks), texts, sink)


def _deliver(done, texts: Callable[[int, str], None], sink: Sink) -> int:
    """Hand each chunk's results on, in order; the formulas typeset."""
    typeset = 0
    for n, (results, formulas, count) in enumerate(done):
        typeset += count
        for j, (result, page) in enumerate(results):
            texts(n * _CHUNK + j, result.search)
            sink(n * _CHUNK + j, result, page, formulas if j == 0 else {})
    return typeset


def _init(config: Config, cache_path: Path | None, plan, compiled: Path | None,
          spill: Path | None) -> None:
    global _worker
    gc.enable()  # the build turns collection off in its own process; a worker renders for long
    _worker = _Renderer(config, Cache(cache_path, readonly=True) if cache_path else None, plan,
                        compiled, spill)
    gc.freeze()  # what the worker starts with stays: collections skip it (0.08 ms a post)


def _render_chunk(posts: list[Post]):
    assert _worker is not None
    return _chunk(_worker, posts)


def _chunk(renderer: _Renderer, posts: list[Post]):
    """The chunk's (rendered, page) pairs, the formulas typeset for it and how many."""
    before = renderer.store.typeset_count
    results = renderer.render(posts)
    return results, renderer.take_formulas(), renderer.store.typeset_count - before

"""Load everything, plan URLs, render, then hand the finished files to `write`.

`build()` reads top to bottom: each phase collects all of its problems and the build stops
after the first phase that found any, so one run reports everything it can.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path

from . import content, feeds, links, pages, write
from .cache import Cache, digest
from .config import load_config
from .errors import BuildError, Problem, Report
from .render_pool import render_all
from .version import code_version

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Summary:
    posts: int
    pages: int
    files: int
    written: int
    cache_hits: int
    formulas_typeset: int
    seconds: float
    warnings: tuple[Problem, ...]

    def line(self) -> str:
        return (f"built {self.posts} posts, {self.pages} pages, {self.files} files "
                f"({self.written} written) in {self.seconds:.2f} s; cache hits {self.cache_hits}, "
                f"formulas typeset {self.formulas_typeset}, warnings {len(self.warnings)}")


def build(root: Path, out: Path | None = None, *, drafts: bool = False, strict: bool = False,
          jobs: int | None = None, use_cache: bool = True, dry_run: bool = False) -> Summary:
    """Build the site under `root` into `out` (default `root/site`). Raises BuildFailed."""
    started = time.perf_counter()
    root = root.resolve()
    out = (out or root / "site").resolve()
    config = load_config(root)
    report = Report()

    posts: list[content.Post] = []
    for path in content.discover(root):
        try:
            post = content.load_post(root, path)
        except BuildError as exc:
            report.error(exc)
            continue
        report.warnings.extend(post.warnings)
        if post.draft and not drafts:
            continue
        posts.append(post)
    report.raise_if_failed()
    posts = pages.sort_newest_first(posts)
    pages.check_urls(posts, report)
    report.raise_if_failed()

    cache = Cache(root / ".cache" / "cache.sqlite" if use_cache else None)
    try:
        rendered = _render(posts, config, cache)
        for post, result in zip(posts, rendered.results):
            report.errors.extend(result.errors)
            report.warnings.extend(result.warnings)
        report.raise_if_failed()

        outputs = pages.render_site(root, config, posts, rendered.results, report)
        outputs.update(feeds.render(root, config, posts, rendered.results, report))
        report.raise_if_failed()
        links.check(posts, rendered.results, outputs, config, report)
        if strict and report.warnings:
            report.errors.extend(report.warnings)
            report.warnings.clear()
        report.raise_if_failed()
        written = 0 if dry_run else write.site(outputs, out, cache, default_out=root / "site")
    finally:
        cache.close()
    return Summary(posts=sum(p.kind == "post" for p in posts),
                   pages=sum(p.kind == "page" for p in posts), files=len(outputs),
                   written=written, cache_hits=rendered.hits,
                   formulas_typeset=rendered.typeset,
                   seconds=time.perf_counter() - started, warnings=tuple(report.warnings))


@dataclass(frozen=True)
class _RenderResult:
    results: list
    hits: int
    typeset: int


def _render(posts: list[content.Post], config, cache: Cache) -> _RenderResult:
    """Rendered bodies for `posts`: from the cache when the source and code are unchanged."""
    version = code_version()
    keys = [digest("post", version, p.source, p.digest, config.math_dialect, config.conv)
            for p in posts]
    found = cache.get_many("post", keys)
    missing = [i for i, k in enumerate(keys) if k not in found]
    fresh, formulas, typeset = render_all([posts[i] for i in missing], config.math_dialect,
                                          config.conv, cache)
    cache.put_many("formula", formulas)
    cache.put_many("post", {keys[i]: r for i, r in zip(missing, fresh) if not r.errors})
    for i, r in zip(missing, fresh):
        found[keys[i]] = r
    return _RenderResult([found[k] for k in keys], len(posts) - len(missing), typeset)

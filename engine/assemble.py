"""Load everything, plan URLs, render, then hand the finished files to `write`.

`build()` reads top to bottom: each phase collects all of its problems and the build stops
after the first phase that found any, so one run reports everything it can.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import functools
import gc
import os
import time
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from . import (content, feeds, filestat, links, lock, pages, plan, plugin_host, search, spill,
               templates, write)
from .cache import Cache, keyer
from .config import Config, key_line, load_config, table_key_line
from .errors import BuildError, Problem, Report, source_line
from .outputs import Output
from .progress import bar
from .recorded import Recorded
from .rendered import PostInfo, Rendered
from .spill import Spill
from .version import code_version


SWEEP_AFTER = 64  # posts rendered, at least, before unused cache entries are dropped


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
    drafts_skipped: int = 0
    future_skipped: int = 0

    def line(self) -> str:
        left = [f"{n} {what} (add {flag})" for n, what, flag in (
            (self.drafts_skipped, "draft(s)", "--drafts"),
            (self.future_skipped, "post(s) dated in the future", "--future")) if n]
        return (f"built {self.posts} posts, {self.pages} pages, {self.files} files "
                f"({self.written} written) in {self.seconds:.2f} s; cache hits {self.cache_hits}, "
                f"formulas typeset {self.formulas_typeset}, warnings {len(self.warnings)}"
                + (f"; left out {', '.join(left)}" if left else ""))


def build(root: Path, out: Path | None = None, *, drafts: bool = False, future: bool = False,
          strict: bool = False, jobs: int | None = None, use_cache: bool = True,
          dry_run: bool = False, now: dt.datetime | None = None,
          progress: bool = False, retain: list | None = None) -> Summary:
    """Build the site under `root` into `out` (default `root/site`). Raises BuildFailed.

    Drafts and posts dated after `now` (default: the clock) are left out unless `drafts` or
    `future`; the summary counts them. `dry_run` (`check`) builds everything and writes
    nothing, the cache included. `retain`: a list the build's values are put in rather than
    freed, for a process that ends right after.
    """
    started = time.perf_counter()
    root = root.resolve()
    out = (out or root / "site").resolve()
    config = load_config(root)
    guard = contextlib.nullcontext() if dry_run else lock.held(write.lock_path(out))
    with guard, closing(_cache(root, use_cache, readonly=dry_run)) as cache, \
            contextlib.ExitStack() as background, _few_collections():
        if not dry_run:
            write.clean_debris(out)
        report = Report()
        made = background.enter_context(Spill(None if dry_run else spill.folder_for(out)))
        config = _plugins_ready(config, cache, report)
        report.raise_if_failed()
        every, sources = _load(root, cache, report)
        report.raise_if_failed()
        posts, skipped = _published(every, drafts, future, now or dt.datetime.now(dt.timezone.utc))
        posts = pages.sort_newest_first(posts)
        site_plan = pages.plan_site(root, config, posts, report, cache)
        report.raise_if_failed()

        previous = {} if dry_run else write.manifest(out, cache)
        bodies, infos, typeset, rendered, indexer = _render(posts, config, cache, jobs, site_plan,
                                                            progress, background, made, previous)
        for info in infos:
            report.errors.extend(info.errors)
            report.warnings.extend(info.warnings)
        report.raise_if_failed()

        theme = templates.Theme(root, config.theme, _compiled(cache))
        outputs = pages.render_site(root, config, theme, posts, infos, bodies, site_plan, report,
                                    made)
        plan.merge(outputs, indexer.finish(report), root, report)
        robots = outputs.pop("robots.txt", None)  # the user's: the feeds module merges it
        plan.merge(outputs, feeds.render(config, theme, posts, infos, bodies, site_plan, outputs,
                                         robots, report), root, report)
        plan.check_tree(outputs, posts, report)
        report.raise_if_failed()
        hashes = write.digests(outputs)
        keep = set(outputs) if dry_run else write.unchanged(hashes, out, previous)
        plan.realize(outputs, keep, report)
        links.check(posts, infos, outputs, config, report)
        if strict and report.warnings:
            report.errors.extend(report.warnings)
            report.warnings.clear()
        report.raise_if_failed()
        written = 0 if dry_run else write.site(outputs, hashes, out, cache, previous, keep,
                                               default_out=root / "site")
        _sweep(cache, sources, bodies.keys, rendered)
        if retain is not None:
            retain.append((every, posts, site_plan, previous, bodies, infos, indexer, theme,
                           outputs, hashes, keep))
    return Summary(posts=sum(p.kind == "post" for p in posts),
                   pages=sum(p.kind == "page" for p in posts), files=len(outputs),
                   written=written, cache_hits=len(posts) - rendered, formulas_typeset=typeset,
                   seconds=time.perf_counter() - started, warnings=tuple(report.warnings),
                   drafts_skipped=skipped[0], future_skipped=skipped[1])


@contextlib.contextmanager
def _few_collections():
    """No cyclic garbage collection during the build. A build holds tens of thousands of
    objects (posts, keys, outputs) and makes no cycles to speak of; Python's collector
    scanned them again and again: a tenth to a quarter of a no-op build's CPU, at 1000 posts
    and at 10,000. Collection resumes after (in `serve`, between builds)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _plugins_ready(config: Config, cache: Cache, report: Report) -> Config:
    """Each plugin's options checked (at their `site.toml` line) and its cache key declared."""
    text = (config.root / "site.toml").read_text(encoding="utf-8")

    def option_error(name: str, key: str, message: str) -> None:
        line = table_key_line(text, name, key) if key else 0
        line = line or table_key_line(text, name, "") or key_line(text, "plugins")
        report.error(Problem(message, "site.toml", line, source_line(text, line)))

    try:
        plugins = plugin_host.prepare(config.plugins, cache, option_error)
    except plugin_host.PluginError as exc:
        option_error("", "", str(exc))
        return config
    except Exception as exc:  # a plugin's own bug, shown where the plugin is enabled
        option_error("", "", f"a plugin failed while registering: {type(exc).__name__}: {exc}")
        return config
    return dataclasses.replace(config, plugins=plugins)


def _compiled(cache: Cache) -> Path | None:
    """Where compiled templates are kept: beside a cache this build may write."""
    return None if cache.readonly else templates.compiled_dir(cache.path)


def _cache(root: Path, use_cache: bool, readonly: bool) -> Cache:
    return Cache(root / ".cache" / "cache.sqlite" if use_cache else None, readonly=readonly)


def _published(posts: list[content.Post], drafts: bool, future: bool,
               now: dt.datetime) -> tuple[list[content.Post], tuple[int, int]]:
    """The posts to build, and how many drafts and future-dated posts were left out."""
    kept, skipped_drafts, skipped_future = [], 0, 0
    latest = pages.sort_key(now)
    for post in posts:
        if post.draft and not drafts:
            skipped_drafts += 1
        elif post.date and not future and pages.sort_key(post.date) > latest:
            skipped_future += 1
        else:
            kept.append(post)
    return kept, (skipped_drafts, skipped_future)


def _load(root: Path, cache: Cache, report: Report) -> tuple[list[content.Post], list[str]]:
    """Every post and page, and their source keys; an unchanged file's parse comes from the
    cache."""
    known_files = filestat.Known(cache, str(root), code_version())
    found = content.discover(root, report.errors, known_files)
    keys, read = _source_keys(root, [rel for rel, _ in found], known_files, report)
    known_files.save()  # the files and folders it saw
    recorded = Recorded(cache, "source", content.Post, code_version(), str(root))
    known = recorded.get_many([key for key in keys if key is not None])
    parsed: dict[str, content.Post] = {}
    posts: list[content.Post] = []
    used: list[str] = []  # the keys of the posts loaded: what the cache keeps
    loaded: dict[str, content.Post] = {}
    for (rel, bundle), key in zip(found, keys):
        if key is None:
            continue
        post = known.get(key)
        if post is None:
            raw, key = read(rel)  # read now, or already to key it
            if raw is None:
                continue
            try:
                post = content.load_post(root, root / rel, raw).without_body()
            except BuildError as exc:
                report.error(exc)
                continue
            parsed[key] = post
        used.append(key)
        loaded[key] = post
        if post.bundle != bundle:  # files beside the post may have come or gone
            post = dataclasses.replace(post, bundle=bundle)
        report.warnings.extend(post.warnings)
        posts.append(post)
    cache.put_many("source", parsed)
    recorded.save(loaded)
    return posts, used


def _source_keys(root: Path, found: list[str], known_files: filestat.Known, report: Report):
    """Each file's source key (None: unreadable, reported), and `read(rel)`: its bytes and
    their key. A file whose stat is the one the last build recorded is not read to key it
    (`filestat.py`)."""
    source_key = keyer("source", code_version())
    raws: dict[str, tuple[bytes | None, str | None]] = {}

    def read(rel: str) -> tuple[bytes | None, str | None]:
        if rel not in raws:
            try:
                raw = (root / rel).read_bytes()
                raws[rel] = raw, source_key(rel, raw)
            except OSError as exc:  # deleted or unreadable since it was listed
                report.error(Problem(f"cannot read this file: {exc.strerror}", rel))
                raws[rel] = None, None
        return raws[rel]

    keys: list[str | None] = []
    top = str(root)
    for rel in found:
        try:
            st = os.stat(f"{top}/{rel}")
        except OSError:
            st = None
        key = known_files.key(rel, st) if st is not None else None
        if key is None:
            key = read(rel)[1]
        if key is not None and st is not None:
            known_files.note(rel, st, key)
        keys.append(key)
    return keys, read


def _sweep(cache: Cache, sources: list[str], posts: list[str], rendered: int) -> None:
    """Drop the posts' cache entries this build did not use, once posts rendered since the
    last sweep reach a quarter of the site: keys are never reused, so every engine version
    and every edit leaves entries behind (at 10,000 posts, 350 MB an engine version). Formulas,
    pages' digests and plugin outputs are small and stay."""
    since = (cache.get("sweep", "rendered") or 0) + rendered
    if since < max(SWEEP_AFTER, len(posts) // 4):
        if rendered:
            cache.put("sweep", "rendered", since)
        return
    cache.keep_only("source", sources)
    for ns in ("info", "post", "search-text"):  # all three by the post's key
        cache.keep_only(ns, posts)
    for ns in ("recorded", "source-stat", "folder-stat"):  # this build's records only
        cache.keep_parted(ns)
    cache.put("sweep", "rendered", 0)


def _renderer(posts: list[content.Post], config, cache: Cache):
    """Renders post i again, for a page whose cached body turned out to be corrupt."""

    def render(i: int) -> Rendered:
        from .formulas import FormulaStore
        from .markdown import render

        post = dataclasses.replace(posts[i], body=content.read_body(config.root, posts[i]))
        return render(post, config.math_dialect, FormulaStore(cache), config.plugins,
                      site_macros=config.math_macros)

    return render


def _render(posts: list[content.Post], config, cache: Cache, jobs: int | None, site_plan,
            progress: bool, background: contextlib.ExitStack, made: Spill, previous: dict):
    """Render the posts whose source or code changed; the rest come from the cache. The
    search index is made meanwhile, in the background.

    Returns (bodies, infos, formulas typeset, posts rendered, the search indexer).
    """
    post_key = keyer("post", code_version(), config.math_dialect, config.math_macros,
                     config.plugins.fingerprint())
    keys = [post_key(p.source, p.digest) for p in posts]
    recorded = Recorded(cache, "info", PostInfo, code_version(), str(config.root))
    infos = recorded.get_many(keys)
    stored = set(infos)  # the infos the cache holds (a post with errors is not kept)
    missing = [i for i, k in enumerate(keys) if k not in infos]
    fresh: dict[str, Rendered] = {}
    fresh_pages: dict[str, Output] = {}
    bodies = pages.Bodies(keys, fresh, cache, _renderer(posts, config, cache), fresh_pages)
    indexer = background.enter_context(search.Indexer(
        config, posts, keys, cache, functools.partial(_search_texts, bodies), rendering=missing,
        enabled=site_plan.search, spill=made, previous=previous))
    missing = indexer.order(missing)

    def keep(n: int, result: Rendered, page: Output | None, formulas: dict) -> None:
        advance()
        key = keys[missing[n]]
        if page is not None:
            fresh_pages[key] = page
        infos[key] = result.info()
        cache.put_many("formula", formulas)
        cache.put_many("plugin", result.computed)
        cache.put_many("code", result.code)
        if result.search:
            cache.put_many("search-text", {key: result.search})
        result.computed, result.code, result.search = {}, {}, ""  # stored under their own keys
        if result.errors or cache.path is None:  # errors are not cached: reported again
            fresh[key] = result
        else:
            cache.put_many("post", {key: result})
            cache.put_many("info", {key: infos[key]})
            stored.add(key)

    typeset = 0
    if missing:  # the Markdown parser, KaTeX and the plugins load only when there is work
        from .render_pool import render_all

        with bar(len(missing), "rendering", progress) as advance:
            typeset = render_all([posts[i] for i in missing], config, cache, keep, jobs,
                                 site_plan, _compiled(cache), made.folder,
                                 texts=lambda n, text: indexer.offer(missing[n], text))
    indexer.rendered()
    recorded.save({key: infos[key] for key in keys if key in stored})
    return bodies, [infos[k] for k in keys], typeset, len(missing), indexer


def _search_texts(bodies: pages.Bodies, wanted: list[int]) -> dict[int, str]:
    """What the search index reads of the posts `wanted`, which did not render this time."""
    found = bodies.cache.get_many("search-text", [bodies.keys[i] for i in wanted])
    return {i: found.get(bodies.keys[i]) or search.searchable(bodies.get(i).html)
            for i in wanted}

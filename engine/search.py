"""The search index: Pagefind (PyPI `pagefind[bin]`) indexes every post and page at build
time into static files under `pagefind/`, which the search page loads. No server.

The index is planned like any other output (bytes by path) so `write.py` writes it and
rebuilds stay byte-identical: Pagefind's output depends only on the pages given, in the order
given (checked: two builds give the same bytes). It is cached by the posts' keys, so a no-op
build neither runs Pagefind nor loads the bundle: only the files' digests are read, and a
bundle is indexed again only when the previous site lacks one of its files.

Pagefind has no incremental mode (about 3 s of CPU per 1000 posts of 1500 words), so the
index is made of bundles of about √N posts, merged by the search page: an edit indexes its own
bundle again. Pagefind runs while the posts render, in processes of its own.
"""

from __future__ import annotations

import functools
import html as html_lib
import importlib
import os
import re
import threading
from pathlib import Path
from typing import Callable, Iterator

from .cache import digest
from .config import Config
from .content import Post
from .errors import BuildError, Problem, Report
from .outputs import Deferred, Output, digest_of
from .spill import Spill
from .pagefind_service import PagefindError, index_groups
from .version import versions

# Pagefind's other UIs, which the search page does not load
_UNUSED = ("pagefind-component-ui.", "pagefind-modular-ui.", "pagefind-highlight.")
_DROP = re.compile(r"<(math|script|style)\b.*?</\1>|<a class=\"header-anchor\".*?</a>",
                   re.S | re.I)
_HEADING = re.compile(r'<h([2-4]) id="([^"]+)">(.*?)</h\1>', re.S)
_TAG = re.compile(r"<[^>]+>")


SHARD: int | None = None  # posts a bundle; None: by the site's size (`shard_size`)
PROCESSES = os.cpu_count() or 1  # Pagefind processes at most, each indexing a bundle at a time


def bundles(posts: list[Post]) -> list[list[int]]:
    """Posts (by index) in bundles of `shard_size`: pages first, then posts oldest first, so
    a new post changes only the last bundle and an edit only its own."""
    order = [i for i, p in enumerate(posts) if p.kind == "page"]
    order += [i for i, p in reversed(list(enumerate(posts))) if p.kind == "post"]
    size = SHARD or shard_size(len(order))
    return [order[n:n + size] for n in range(0, len(order), size)]


def shard_size(count: int) -> int:
    """Posts a bundle for a site of `count`: about its square root, a power of two from 16 to
    128. An edit indexes one bundle again and the search page loads every bundle, so each
    grows as the square root of the site (1000 posts: 32 bundles of 32; 10,000: 79 of 128).
    A site that crosses a step (about 260, 1030, 4100 posts) is indexed anew once."""
    size = 16
    while size < 128 and size * size < count:
        size *= 2
    return size


def bundle_path(n: int) -> str:
    """Bundle 0 holds Pagefind's scripts and is the one the page loads; the others merge."""
    return "pagefind/" if n == 0 else f"pagefind-{n}/"


class Indexer:
    """Builds the search index while the posts render. Rendering hands each post's searchable
    text to `offer`; a bundle goes to Pagefind, which works in its own process, as soon as all
    of its posts' texts are in, so indexing overlaps rendering instead of following it.

    Bundles whose inputs are unchanged come from the cache (only their digests are read). A
    context manager: leaving it stops Pagefind, finished or not."""

    def __init__(self, config: Config, posts: list[Post], keys: list[str], cache,
                 texts_of: Callable[[list[int]], dict[int, str]], *, rendering: list[int],
                 enabled: bool = True, spill: Spill = Spill(None),
                 previous: dict[str, tuple] | None = None):
        self.config, self.posts, self.cache, self.spill = config, posts, cache, spill
        self.previous = previous or {}  # the last build's files: path -> (sha, ...)
        self.groups = bundles(posts) if enabled else []
        version = _pagefind_version()
        self.keys = [digest("search", version, config.lang, n, [keys[i] for i in group],
                            [(posts[i].title, posts[i].url, posts[i].kind) for i in group])
                     for n, group in enumerate(self.groups)]
        self.known = cache.get_many("search-digests", self.keys)
        self.missing = [n for n, key in enumerate(self.keys) if key not in self.known]
        later = set(rendering)
        # texts of the posts that do not render this time: read here, since the cache
        # belongs to this thread
        self.texts = texts_of([i for n in self.missing for i in self.groups[n]
                               if i not in later])
        self._texts_of = texts_of
        self.made: dict[int, dict[str, Output]] = {}
        self.failure: Exception | None = None
        self._ready = threading.Condition()
        self._stopped = False
        self._rendered = not rendering  # nothing to wait for
        self._thread = None
        if self.missing:
            self._thread = threading.Thread(target=self._run, args=(self.missing,),
                                            daemon=True)
            self._thread.start()

    def order(self, rendering: list[int]) -> list[int]:
        """`rendering` in the order that completes bundles soonest."""
        place = {i: (n, k) for n, group in enumerate(self.groups) for k, i in enumerate(group)}
        return sorted(rendering, key=lambda i: place.get(i, (len(self.groups), i)))

    def offer(self, i: int, text: str) -> None:
        with self._ready:
            self.texts[i] = text
            self._ready.notify_all()  # the waiting processes wait for different posts

    def __enter__(self) -> "Indexer":
        return self

    def __exit__(self, *exc) -> None:
        with self._ready:
            self._stopped = True
            self._ready.notify_all()
        if self._thread is not None:
            self._thread.join()

    def finish(self, report: Report) -> dict[str, Output]:
        """`pagefind*/...` path -> output; empty (with an error) when Pagefind failed."""
        if self._thread is not None:
            self._thread.join()
        if isinstance(self.failure, BuildError):  # its files could not be kept
            report.error(self.failure)
            return {}
        if self.failure is not None:
            report.error(Problem(f"the search index could not be built ({self.failure}); "
                                 "install Pagefind with `python -m pip install -r "
                                 "requirements.txt`, or set `search = false` in site.toml",
                                 "site.toml"))
            return {}
        out: dict[str, Output] = {}
        for n, key in enumerate(self.keys):
            if key in self.known:  # indexed again only if the previous site lacks a file
                out.update(self._deferred(n, self.known[key]))
        for n, files in self.made.items():
            self.cache.put("search-digests", self.keys[n],
                           {p: digest_of(d) for p, d in files.items()})
            out.update(files)
        return out

    def _deferred(self, n: int, digests: dict[str, str]) -> dict[str, Output]:
        """Bundle `n`'s files by their digests, made again only if the site lacks one."""
        load = functools.cache(functools.partial(self._again, n))
        return {path: Deferred(sha, functools.partial(_file, load, path))
                for path, sha in digests.items()}

    def _again(self, n: int) -> dict[str, Output]:
        """Bundle `n` indexed now, for a file the previous site lost."""
        self.previous = {}  # which is then no place to take files from
        self.texts.update(self._texts_of(self.groups[n]))
        self._run([n])
        if self.failure is not None:
            raise self.failure
        return self.made[n]

    def rendered(self) -> None:
        """The posts are rendered: the cores are Pagefind's now (see `_run`)."""
        with self._ready:
            self._rendered = True
            self._ready.notify_all()

    def _run(self, wanted: list[int]) -> None:
        """Index the bundles `wanted`: one Pagefind process while the posts render, then up to
        PROCESSES, each taking the next bundle as it finishes one. Pagefind works on one core:
        in a cold build at 10,000 posts it ran 40 s after the posts had rendered. More of
        them while the posts render would not finish sooner (the cores are busy) and would
        add their memory to the build's peak."""
        todo, lock = iter(wanted), threading.Lock()

        def take() -> int | None:
            with lock:
                return next(todo, None)

        def later() -> None:
            with self._ready:
                while not (self._rendered or self._stopped):
                    self._ready.wait()
            self._serve(take)

        helpers = [threading.Thread(target=later, daemon=True)
                   for _ in range(min(PROCESSES, len(wanted)) - 1)]
        for helper in helpers:
            helper.start()
        self._serve(take)
        for helper in helpers:
            helper.join()

    def _serve(self, take: Callable[[], int | None]) -> None:
        """One Pagefind process indexing bundles from `take` until none is left."""
        first = take()
        if first is None or self._stopped:  # nothing left for another process
            return
        taken: list[int] = []

        def groups() -> Iterator[Iterator[tuple[str, str]]]:
            n: int | None = first
            while self.failure is None and n is not None:
                taken.append(n)
                yield self._bundle(n)
                n = take()

        try:
            binary = _binary()
            if binary is None:
                raise FileNotFoundError("no Pagefind binary: the `pagefind[bin]` extra is missing")
            made = index_groups(binary, groups(), _language(self.config.lang))
            for k, files in enumerate(made):  # each bundle leaves memory at once
                self.made[taken[k]] = self._outputs(taken[k], files)
        except _Stopped:
            pass
        except (ImportError, OSError, PagefindError, BuildError) as exc:
            self.failure = self.failure or exc
            with self._ready:  # the other processes stop too: the build has failed
                self._stopped = True
                self._ready.notify_all()

    def _outputs(self, n: int, files: dict[str, bytes]) -> dict[str, Output]:
        """Bundle `n`'s files as outputs. An edit changes a few of a bundle's files: the ones
        the previous site has are not kept again (one file a page, 0.5 ms each here)."""
        out: dict[str, Output] = {}
        same: dict[str, str] = {}
        for path in sorted(files):
            if not _kept(n, path):
                continue
            site_path = bundle_path(n) + path
            before = self.previous.get(site_path)  # none in a cold build: nothing to hash
            if before is not None and digest_of(files[path]) == before[0]:
                same[site_path] = before[0]
            else:
                out[site_path] = self.spill.keep(files[path])
        return {**out, **self._deferred(n, same)}

    def _bundle(self, n: int) -> Iterator[tuple[str, str]]:
        """Bundle `n`'s pages, each as soon as its text is in."""
        for i in self.groups[n]:  # in the bundle's order: Pagefind's output depends on it
            with self._ready:
                while not self._stopped and i not in self.texts:
                    self._ready.wait()
                if self._stopped:
                    raise _Stopped
                text = self.texts.pop(i)
            yield "/" + self.posts[i].url, _page(self.posts[i].title, text, self.config.lang)


class _Stopped(Exception):
    pass


def _binary() -> Path | None:
    """Pagefind's executable, as `pagefind.service.get_executable` finds it, without that
    module's asyncio import (a fifth of an edit's start-up) in the common case."""
    if os.environ.get("PAGEFIND_BINARY_PATH"):
        return Path(os.environ["PAGEFIND_BINARY_PATH"])
    for package in ("pagefind_bin_extended", "pagefind_bin"):
        try:
            return importlib.import_module(package).get_executable()
        except (ImportError, FileNotFoundError):
            continue
    from pagefind.service import get_executable  # one on PATH

    return get_executable()


def _pagefind_version() -> str:
    return versions(("pagefind-bin",))[0]


def _kept(n: int, path: str) -> bool:
    """Bundle 0 keeps the search UI and the WebAssembly; merged bundles need only their index
    (Pagefind's merged indexes run on the first one's WebAssembly: 140 KB a bundle not kept)."""
    name = Path(path).name
    if name.startswith(_UNUSED):
        return False
    return n == 0 or not name.startswith(("pagefind.js", "pagefind-ui.", "pagefind-worker.",
                                          "wasm."))


def _language(lang: str) -> str:
    return lang.replace("_", "-").split("-")[0].lower()


def _page(title: str, text: str, lang: str) -> str:
    """One small HTML page of a post (`text` from `searchable`), as Pagefind reads it."""
    return (f'<!doctype html><html lang="{_language(lang)}"><head><title>'
            f"{html_lib.escape(title)}</title></head><body><main data-pagefind-body><h1>"
            f"{html_lib.escape(title)}</h1>{text}</main></body></html>")


def searchable(body: str) -> str:
    """What Pagefind indexes of a post: its words, and its headings (for results that link to
    a section). Formulas and markup are left out: parsing them was a third of the work."""
    body = _DROP.sub(" ", body)
    out, last = [], 0

    def words(part: str) -> str:
        return html_lib.escape(" ".join(html_lib.unescape(_TAG.sub(" ", part)).split()))

    for m in _HEADING.finditer(body):
        out.append(f"<p>{words(body[last:m.start()])}</p>")
        out.append(f'<h{m.group(1)} id="{m.group(2)}">{words(m.group(3))}</h{m.group(1)}>')
        last = m.end()
    out.append(f"<p>{words(body[last:])}</p>")
    return "".join(out)


def _file(load, path: str) -> bytes:
    try:
        return load()[path]
    except (KeyError, ImportError, OSError, PagefindError) as exc:
        raise BuildError(f"the search index could not be built again ({exc}); build with "
                         "`--no-cache`", "site.toml") from None

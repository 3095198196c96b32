"""The search index: Pagefind (PyPI `pagefind[bin]`) indexes every post and page at build
time into static files under `pagefind/`, which the search page loads. No server.

The index is planned like any other output (bytes by path) so `write.py` writes it and
rebuilds stay byte-identical: Pagefind's output depends only on the pages given, in the order
given (checked: two builds give the same bytes). It is cached by the posts' keys, so a no-op
build neither runs Pagefind nor loads the bundle: only the files' digests are read, and the
bytes are fetched from the cache only when the previous site lacks them.

Pagefind has no incremental mode: any change to a post indexes every post again (about 4 s
of CPU per 1000 posts of 1500 words).
"""

from __future__ import annotations

import functools
import hashlib
import html as html_lib
import re
from pathlib import Path

from .cache import digest
from .config import Config
from .content import Post
from .errors import BuildError, Problem, Report
from .outputs import Deferred, Output
from .pagefind_service import PagefindError, index_groups
from .rendered import PostInfo

# Pagefind's other UIs, which the search page does not load
_UNUSED = ("pagefind-component-ui.", "pagefind-modular-ui.", "pagefind-highlight.")
_DROP = re.compile(r"<(math|script|style)\b.*?</\1>|<a class=\"header-anchor\".*?</a>",
                   re.S | re.I)
_HEADING = re.compile(r'<h([2-4]) id="([^"]+)">(.*?)</h\1>', re.S)
_TAG = re.compile(r"<[^>]+>")


SHARD = 64  # posts a bundle: an edit indexes its bundle again, not every post


def bundles(posts: list[Post]) -> list[list[int]]:
    """Posts (by index) in bundles of SHARD: pages first, then posts oldest first, so a new
    post changes only the last bundle and an edit only its own."""
    order = [i for i, p in enumerate(posts) if p.kind == "page"]
    order += [i for i, p in reversed(list(enumerate(posts))) if p.kind == "post"]
    return [order[n:n + SHARD] for n in range(0, len(order), SHARD)]


def bundle_path(n: int) -> str:
    """Bundle 0 holds Pagefind's scripts and is the one the page loads; the others merge."""
    return "pagefind/" if n == 0 else f"pagefind-{n}/"


def index(config: Config, posts: list[Post], infos: list[PostInfo], bodies,
          report: Report) -> dict[str, Output]:
    """`pagefind*/...` path -> output; empty (with an error) when Pagefind is missing."""
    from importlib import metadata

    try:
        version = metadata.version("pagefind-bin")
    except metadata.PackageNotFoundError:
        version = ""
    groups = bundles(posts)
    keys = [digest("search", version, config.lang, n, [bodies.keys[i] for i in group],
                   [(posts[i].title, posts[i].url, posts[i].kind) for i in group])
            for n, group in enumerate(groups)]

    def build(wanted: list[int]) -> dict[int, dict[str, bytes]]:
        from pagefind.service import get_executable

        binary = get_executable()
        if binary is None:
            raise FileNotFoundError("no Pagefind binary: the `pagefind[bin]` extra is missing")
        pages = [[("/" + posts[i].url, _page(posts[i].title, bodies.get(i).html, config.lang))
                  for i in groups[n]] for n in wanted]
        try:
            made = index_groups(binary, pages, _language(config.lang))
        except (PagefindError, OSError) as exc:
            raise FileNotFoundError(f"Pagefind failed: {exc}") from None
        result = {}
        for n, files in zip(wanted, made):
            files = {bundle_path(n) + path: files[path] for path in sorted(files)
                     if _kept(n, path)}
            bodies.cache.put("search", keys[n], files)
            bodies.cache.put("search-digests", keys[n], {p: hashlib.sha256(d).hexdigest()
                                                         for p, d in files.items()})
            result[n] = files
        return result

    known = bodies.cache.get_many("search-digests", keys)
    out: dict[str, Output] = {}
    for n, key in enumerate(keys):
        if key in known:  # the bytes only when the writer needs them; a lost one is made again
            load = functools.cache(lambda n=n, key=key: bodies.cache.get("search", key)
                                   or build([n])[n])
            out.update({path: Deferred(sha, functools.partial(_file, load, path))
                        for path, sha in known[key].items()})
    missing = [n for n, key in enumerate(keys) if key not in known]
    if missing:
        try:
            for files in build(missing).values():
                out.update(files)
        except (ImportError, FileNotFoundError) as exc:
            report.error(Problem(f"the search index could not be built ({exc}); install "
                                 "Pagefind with `python -m pip install -r requirements.txt`, "
                                 "or set `search = false` in site.toml", "site.toml"))
            return {}
    return out


def _kept(n: int, path: str) -> bool:
    """Bundle 0 keeps the search UI; merged bundles need only their index and wasm."""
    name = Path(path).name
    if name.startswith(_UNUSED):
        return False
    return n == 0 or not name.startswith(("pagefind.js", "pagefind-ui.", "pagefind-worker."))


def _language(lang: str) -> str:
    return lang.replace("_", "-").split("-")[0].lower()


def _page(title: str, body: str, lang: str) -> str:
    """One small HTML page of a post, as Pagefind reads it."""
    return (f'<!doctype html><html lang="{_language(lang)}"><head><title>'
            f"{html_lib.escape(title)}</title></head><body><main data-pagefind-body><h1>"
            f"{html_lib.escape(title)}</h1>{searchable(body)}</main></body></html>")


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
    except (KeyError, ImportError, FileNotFoundError) as exc:
        raise BuildError(f"the search index could not be built again ({exc}); build with "
                         "`--no-cache`", "site.toml") from None

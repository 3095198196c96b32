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
from .rendered import PostInfo

# Pagefind's other UIs, which the search page does not load
_UNUSED = ("pagefind-component-ui.", "pagefind-modular-ui.", "pagefind-highlight.")
_DROP = re.compile(r"<(math|script|style)\b.*?</\1>|<a class=\"header-anchor\".*?</a>",
                   re.S | re.I)
_HEADING = re.compile(r'<h([2-4]) id="([^"]+)">(.*?)</h\1>', re.S)
_TAG = re.compile(r"<[^>]+>")


def index(config: Config, posts: list[Post], infos: list[PostInfo], bodies,
          report: Report) -> dict[str, Output]:
    """`pagefind/...` path -> output; empty (with an error) when Pagefind is missing."""
    from importlib import metadata

    try:
        version = metadata.version("pagefind-bin")
    except metadata.PackageNotFoundError:
        version = ""
    key = digest("search", version, config.lang, bodies.keys,
                 [(p.title, p.url, p.kind) for p in posts])
    def build() -> dict[str, bytes]:
        records = [(p.url, p.title, searchable(bodies.get(i).html))
                   for i, p in enumerate(posts)]
        files = _pagefind(records, config.lang)
        bodies.cache.put("search", key, files)
        bodies.cache.put("search-digests", key, {path: hashlib.sha256(data).hexdigest()
                                                 for path, data in files.items()})
        return files

    digests = bodies.cache.get("search-digests", key)
    if digests is not None:
        # the bytes only when the writer needs them; a lost bundle is indexed again
        load = functools.cache(lambda: bodies.cache.get("search", key) or build())
        return {path: Deferred(sha, functools.partial(_file, load, path))
                for path, sha in digests.items()}
    try:
        return build()
    except (ImportError, FileNotFoundError) as exc:
        report.error(Problem(f"the search index could not be built ({exc}); install "
                             "Pagefind with `python -m pip install -r requirements.txt`, or "
                             "set `search = false` in site.toml", "site.toml"))
        return {}


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


def _pagefind(records: list[tuple[str, str, str]], lang: str) -> dict[str, bytes]:
    """The search bundle for one small HTML page per post, through Pagefind's service mode
    (pipes only: nothing is written to disk)."""
    from pagefind.service import get_executable

    from .pagefind_service import PagefindError, index_pages

    binary = get_executable()
    if binary is None:
        raise FileNotFoundError("no Pagefind binary: the `pagefind[bin]` extra is missing")
    language = lang.replace("_", "-").split("-")[0].lower()
    pages = [("/" + url, f'<!doctype html><html lang="{language}"><head><title>'
                         f"{html_lib.escape(title)}</title></head><body><main "
                         f"data-pagefind-body><h1>{html_lib.escape(title)}</h1>{body}"
                         "</main></body></html>") for url, title, body in records]
    try:
        files = index_pages(binary, pages, language)
    except (PagefindError, OSError) as exc:
        raise FileNotFoundError(f"Pagefind failed: {exc}") from None
    return {"pagefind/" + path: files[path] for path in sorted(files)
            if not Path(path).name.startswith(_UNUSED)}

"""The search index: Pagefind (PyPI `pagefind[bin]`) indexes every post and page at build
time into static files under `pagefind/`, which the search page loads. No server.

The index is planned like any other output (bytes by path) so `write.py` writes it and
rebuilds stay byte-identical: Pagefind's output depends only on the records given, in the
order given. It is cached by the posts' keys, so a no-op build does not run Pagefind.
"""

from __future__ import annotations

import html as html_lib
import re
import subprocess
import tempfile
from importlib import metadata
from pathlib import Path

from .cache import digest
from .config import Config
from .content import Post
from .errors import Problem, Report
from .rendered import PostInfo

# Pagefind's other UIs, which the search page does not load
_UNUSED = ("pagefind-component-ui.", "pagefind-modular-ui.", "pagefind-highlight.")
_DROP = re.compile(r"<(annotation|script|style)\b.*?</\1>|<a class=\"header-anchor\".*?</a>",
                   re.S | re.I)


def index(config: Config, posts: list[Post], infos: list[PostInfo], bodies,
          report: Report) -> dict[str, bytes]:
    """`pagefind/...` path -> bytes; empty (with an error) when Pagefind is not installed."""
    try:
        version = metadata.version("pagefind")
    except metadata.PackageNotFoundError:
        version = ""
    key = digest("search", version, config.lang, bodies.keys,
                 [(p.title, p.url, p.kind) for p in posts])
    found = bodies.cache.get("search", key)
    if found is not None:
        return found
    records = [(p.url, p.title, _DROP.sub(" ", bodies.get(i).html)) for i, p in enumerate(posts)]
    try:
        files = _pagefind(records, config.lang)
    except (ImportError, FileNotFoundError) as exc:
        report.error(Problem(f"the search index could not be built ({exc}); install "
                             "Pagefind with `python -m pip install -r requirements.txt`, or "
                             "set `search = false` in site.toml", "site.toml"))
        return {}
    bodies.cache.put("search", key, files)
    return files


def _pagefind(records: list[tuple[str, str, str]], lang: str) -> dict[str, bytes]:
    """Run the Pagefind binary over one small HTML file per post in a scratch folder (not the
    site: the index comes back as bytes). Its Python API answers one message per 0.1 s poll,
    which would take minutes for a thousand posts; the binary takes a fraction of a second."""
    from pagefind.service import get_executable

    binary = get_executable()
    if binary is None:
        raise FileNotFoundError("no Pagefind binary: the `pagefind[bin]` extra is missing")
    language = lang.replace("_", "-").split("-")[0].lower()
    with tempfile.TemporaryDirectory(prefix="conv-blog-search-") as scratch:
        site = Path(scratch) / "site"
        for url, title, body in records:
            page = site / url / "index.html"
            page.parent.mkdir(parents=True, exist_ok=True)
            page.write_text(f'<!doctype html><html lang="{language}"><head><title>'
                            f"{html_lib.escape(title)}</title></head><body><main "
                            f"data-pagefind-body><h1>{html_lib.escape(title)}</h1>{body}"
                            "</main></body></html>", encoding="utf-8")
        done = subprocess.run([str(binary), "--site", str(site), "--output-path",
                               str(Path(scratch) / "pagefind"), "--force-language", language,
                               "--silent"], capture_output=True, text=True)
        if done.returncode != 0:
            raise FileNotFoundError(f"Pagefind failed: {(done.stderr or done.stdout).strip()}")
        out = Path(scratch) / "pagefind"
        return {"pagefind/" + p.relative_to(out).as_posix(): p.read_bytes()
                for p in sorted(out.rglob("*")) if p.is_file() and not p.name.startswith(_UNUSED)}

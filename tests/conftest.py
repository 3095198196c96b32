"""Shared fixtures: the repository root on sys.path, and helpers to build sites in tmp."""

from __future__ import annotations

import contextlib
import functools
import http.server
import shutil
import sys
import threading
from pathlib import Path

import pytest

try:
    import fcntl
except ImportError:  # not POSIX: each xdist worker builds the shipped site for itself
    fcntl = None

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

SEED = REPO / "content" / "posts" / "convnet-dont-do-conv" / "index.md"
SITES = Path(__file__).resolve().parent / "sites"


@pytest.fixture(scope="session")
def shipped(tmp_path_factory, worker_id) -> Path:
    """The shipped site built once per test session, cold, with its cache: its `site/` is
    read by tests that only look, and copies of its `.cache/` make other builds warm.

    Read-only for every test. Under xdist the workers share one build (the first to ask
    builds it under a lock, the others wait for it): drawing its figures is the single most
    expensive step of the suite.
    """
    from engine import assemble

    base = tmp_path_factory.getbasetemp()
    if worker_id != "master" and fcntl:
        base = base.parent  # the session's folder, above each worker's own
    folder = base / "shipped"
    with open(base / "shipped.lock", "a") as held:
        if fcntl:
            fcntl.flock(held, fcntl.LOCK_EX)  # released when the file closes
        if not (folder / "built").exists():
            shutil.rmtree(folder, ignore_errors=True)  # what a failed build left
            (folder / "root").mkdir(parents=True)
            _copy_sources(REPO, folder / "root")
            assemble.build(folder / "root")
            (folder / "built").touch()
    return folder / "root"


@pytest.fixture
def site_copy(tmp_path, request):
    """Copy a site under tests/sites (or the shipped site, name '.') into tmp; returns its root.

    The shipped site comes with the cache of the session's build (`warm=False` for none), so
    building it does not draw its 21 animations again.
    """

    def copy(name: str, warm: bool = True) -> Path:
        root = tmp_path / "site-root"
        if name == ".":
            root.mkdir()
            _copy_sources(REPO, root)
            if warm:
                shutil.copytree(request.getfixturevalue("shipped") / ".cache", root / ".cache")
        else:
            shutil.copytree(SITES / name, root, symlinks=True,
                            ignore=shutil.ignore_patterns("expected*"))
        return root

    return copy


def _copy_sources(source: Path, root: Path) -> None:
    for part in ("site.toml", "content", "static", "plugins"):
        if (source / part).is_dir() and part != "plugins":
            shutil.copytree(source / part, root / part)
        elif (source / part).is_file():
            shutil.copy(source / part, root / part)


def conv_plugins(**options):
    """The `conv` plugin with `options` (its `[conv]` table), as a site would list it."""
    from engine import plugin_host

    return plugin_host.PluginSet((plugin_host.find(REPO, "conv", options),))


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium driven by Playwright; skips where none can be had."""
    if not CHROMIUM.exists():
        pytest.skip("no Chromium at /usr/bin/chromium (install Debian's `chromium` package)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                    args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@contextlib.contextmanager
def serving(folder: Path):
    """Serve `folder` on 127.0.0.1 in a thread while the block runs; yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def serve():
    """Serve a folder on 127.0.0.1 in a thread for one test; returns the base URL."""
    with contextlib.ExitStack() as servers:
        yield lambda folder: servers.enter_context(serving(folder))


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass

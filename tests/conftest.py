"""Shared fixtures: the repository root on sys.path, and helpers to build sites in tmp."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

SEED = REPO / "content" / "posts" / "convnet-dont-do-conv" / "index.md"
SITES = Path(__file__).resolve().parent / "sites"


@pytest.fixture(scope="session")
def shipped(tmp_path_factory) -> Path:
    """The shipped site built once per test session, cold, with its cache: its `site/` is
    read by tests that only look, and copies of its `.cache/` make other builds warm."""
    from engine import assemble

    root = tmp_path_factory.mktemp("shipped") / "root"
    root.mkdir()
    _copy_sources(REPO, root)
    assemble.build(root)
    return root


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


@pytest.fixture
def serve():
    """Serve a folder on 127.0.0.1 in a thread; returns the base URL."""
    import functools
    import http.server
    import threading

    servers = []

    def start(folder: Path) -> str:
        handler = functools.partial(_QuietHandler, directory=str(folder))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def _quiet_handler():
    import http.server

    class Handler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    return Handler


_QuietHandler = _quiet_handler()

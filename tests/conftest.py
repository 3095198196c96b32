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


@pytest.fixture
def site_copy(tmp_path):
    """Copy a site under tests/sites (or the shipped site, name '.') into tmp; returns its root."""

    def copy(name: str) -> Path:
        root = tmp_path / "site-root"
        source = REPO if name == "." else SITES / name
        if name == ".":
            root.mkdir()
            for part in ("site.toml", "content", "static"):
                if (source / part).is_dir():
                    shutil.copytree(source / part, root / part)
                elif (source / part).exists():
                    shutil.copy(source / part, root / part)
        else:
            shutil.copytree(source, root, symlinks=True, ignore=shutil.ignore_patterns("expected*"))
        return root

    return copy


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

"""`python build.py serve`: serves the built site on loopback and rebuilds on a change."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

from conftest import REPO


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def _wait_for(predicate, seconds: float = 30.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            value = predicate()
        except OSError:
            value = None
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError("timed out")


def test_serve_rebuilds_after_an_edit(site_copy):
    root = site_copy(".")
    port = _free_port()
    proc = subprocess.Popen([sys.executable, str(REPO / "build.py"), "serve", "--root", str(root),
                             "--port", str(port)], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    try:
        base = f"http://127.0.0.1:{port}/"
        _wait_for(lambda: _get(base + "about/")[0] == 200)
        assert "This blog is built" in _get(base + "about/")[1]
        status, body = _get(base + "no/such/page/")
        assert status == 404 and "Page not found" in body
        about = root / "content" / "pages" / "about.md"
        about.write_text(about.read_text() + "\nA sentence added while serving.\n")
        _wait_for(lambda: "added while serving" in _get(base + "about/")[1])
    finally:
        proc.terminate()
        proc.wait(timeout=10)

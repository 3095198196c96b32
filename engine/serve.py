"""`python build.py serve`: build, serve `site/` on localhost, rebuild when a source changes.

Polls modification times twice a second (no extra dependency); a failed rebuild prints its
errors and keeps serving the last good site.
"""

from __future__ import annotations

import functools
import http.server
import threading
import time
from pathlib import Path

from . import assemble
from .errors import BuildFailed

_WATCHED = ("site.toml", "content", "static", "themes")


def run(root: Path, out: Path | None, *, port: int, drafts: bool) -> int:
    root = root.resolve()
    out = (out or root / "site").resolve()
    _rebuild(root, out, drafts)
    handler = functools.partial(_Handler, directory=str(out))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"serving {out} at http://127.0.0.1:{port}/ (drafts included); Ctrl+C stops")
    stamp = _stamp(root)
    try:
        while True:
            time.sleep(0.5)
            now = _stamp(root)
            if now != stamp:
                stamp = now
                _rebuild(root, out, drafts)
    except KeyboardInterrupt:
        server.shutdown()
    return 0


def _rebuild(root: Path, out: Path, drafts: bool) -> None:
    try:
        print(assemble.build(root, out, drafts=drafts).line())
    except BuildFailed as failed:
        for problem in failed.problems:
            print(problem.format("error"))
        print("build failed; still serving the last good site")


def _stamp(root: Path) -> tuple:
    stamps = []
    for name in _WATCHED:
        base = root / name
        paths = [base] if base.is_file() else sorted(base.rglob("*")) if base.is_dir() else []
        stamps.extend((str(p), p.stat().st_mtime_ns) for p in paths if p.is_file())
    return tuple(stamps)


class _Handler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # keep the terminal for build output
        pass

    def send_error(self, code, message=None, explain=None):
        page = Path(self.directory) / "404.html"
        if code == 404 and page.is_file():
            body = page.read_bytes()
            self.send_response(404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        super().send_error(code, message, explain)

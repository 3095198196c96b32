"""`python build.py serve`: a live preview of the site, drafts and future posts included.

It builds into `ROOT/.cache/preview/` (never the deploy folder), serves it on 127.0.0.1 with
the live-reload script of `livereload.py` added to every page, and rebuilds when watchfiles
reports a change under `content/`, `static/`, `themes/` or to `site.toml`. A failed build
shows its errors over the page; an unexpected exception in a rebuild is reported the same
way: the server outlives both and keeps serving the last good site.
"""

from __future__ import annotations

import errno
import http.server
import io
import os
import queue
import signal
import sys
import threading
import traceback
from pathlib import Path

from . import assemble, livereload
from .errors import BuildError, BuildFailed, Problem
from .watch import Watcher


def run(root: Path, *, port: int, quiet: bool = False, debug: bool = False) -> int:
    root = root.resolve()
    preview = root / ".cache" / "preview"
    try:
        server = _Server(("127.0.0.1", port), _Handler, preview)
    except (OSError, OverflowError) as exc:
        why = ("is already in use (another `serve`?); stop that server, or"
               if getattr(exc, "errno", None) == errno.EADDRINUSE else
               f"cannot be used ({getattr(exc, 'strerror', None) or exc});")
        print(f"error: port {port} {why} pick another port with `--port N` (`--port 0` picks a "
              "free one)", file=sys.stderr)
        return 1
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"serving a preview (drafts and future posts included) at "
          f"http://127.0.0.1:{server.server_address[1]}/ ; Ctrl+C stops", flush=True)
    signal.signal(signal.SIGTERM, _interrupt)  # stopped by a process manager: exit cleanly
    changes: queue.Queue = queue.Queue()
    watcher = Watcher(root, changes.put)
    try:
        _rebuild(root, preview, server.status, quiet, debug)
        while True:
            batch = changes.get()
            while not changes.empty():  # one rebuild for everything saved meanwhile
                batch |= changes.get_nowait()
            watcher.changed(batch)
            _rebuild(root, preview, server.status, quiet, debug)
    except KeyboardInterrupt:
        pass
    finally:
        watcher.stop()
        server.status.close()
        server.shutdown()
        server.server_close()
    return 0


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def _rebuild(root: Path, preview: Path, status: livereload.Status, quiet: bool,
             debug: bool = False) -> None:
    status.started()
    try:
        summary = assemble.build(root, preview, drafts=True, future=True)
    except (BuildFailed, BuildError) as failed:
        problems = failed.problems if isinstance(failed, BuildFailed) else [failed.problem]
        for problem in problems:
            print(problem.format("error"), file=sys.stderr)
        print("build failed; the errors are shown in the browser, the last good site is still "
              "served", file=sys.stderr, flush=True)
        status.failed(problems)
    except Exception as exc:  # e.g. a file deleted mid-build: report it, never stop serving
        if debug:
            traceback.print_exc()
        where = traceback.extract_tb(exc.__traceback__)[-1]
        message = (f"internal error: {type(exc).__name__}: {exc} (at "
                   f"{Path(where.filename).name}:{where.lineno}); save again to retry")
        print(f"{message}; --debug shows the traceback; still serving the last good site",
              file=sys.stderr, flush=True)
        status.failed([Problem(message)])
    else:
        for warning in summary.warnings:
            print(warning.format("warning"), file=sys.stderr)
        if not quiet:
            print(summary.line(), flush=True)
        status.succeeded(changed_site=summary.written > 0)


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True  # an open event stream never holds up the exit

    def __init__(self, address, handler, folder: Path):
        self.folder = folder
        self.status = livereload.Status()
        super().__init__(address, handler)


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Serves the preview folder as a static host would, adding the live-reload script."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, directory=str(args[2].folder), **kwargs)

    def log_message(self, format, *args):  # keep the terminal for build output
        pass

    def end_headers(self):
        self.send_header("Cache-Control", "no-store")  # a reload always gets the new build
        super().end_headers()

    def do_GET(self):
        if self.path.split("?")[0] == livereload.EVENTS:
            return self._events()
        super().do_GET()

    def send_head(self):
        path = self.translate_path(self.path)
        if os.path.isdir(path) and self.path.split("?")[0].endswith("/"):
            path = os.path.join(path, "index.html")
        if not path.endswith(".html"):
            return super().send_head()
        try:
            body = Path(path).read_bytes()
        except OSError:
            self.send_error(404)
            return None
        return self._html(200, livereload.inject(body, self.server.status.build))

    def list_directory(self, path):  # static hosts list no folders
        self.send_error(404)

    def send_error(self, code, message=None, explain=None):
        if code != 404:
            return super().send_error(code, message, explain)
        status = self.server.status
        try:
            body = livereload.inject((self.server.folder / "404.html").read_bytes(), status.build)
        except OSError:
            body = livereload.placeholder(status.build)
        self.copyfile(self._html(404, body), self.wfile)

    def _html(self, code: int, body: bytes) -> io.BytesIO:
        self.send_response(code)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body if self.command != "HEAD" else b"")

    def _events(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        seen = -1
        while not self.server.status.closed:
            version, payload = self.server.status.wait(seen, timeout=15)
            message = f"data: {payload}\n\n" if version != seen else ": still here\n\n"
            seen = version
            try:
                self.wfile.write(message.encode())
                self.wfile.flush()
            except OSError:  # the tab was closed or reloaded
                return

"""What `serve` adds to the pages it serves: a reload after each good build, an error overlay.

The script is injected by the server into the HTML it sends, never written into the site. It
listens on a server-sent-events stream that says, for every change of state, the id of the
last good build and the errors of the last build; it reloads when the id differs from the one
the page was served with (keeping the scroll position) and shows the errors over the page
until a build succeeds again.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path

from .errors import Problem

EVENTS = "/__serve/events"


class Status:
    """The state of the last build, shared by the rebuild loop and the request threads."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self.version = 0        # bumped on every change, so a waiting stream wakes up
        self.build = 0          # bumped by each build that changed the site
        self.attempts = 0       # every build, good or not
        self.building = False
        self.errors: tuple[Problem, ...] = ()
        self.closed = False

    def started(self) -> None:
        with self._changed:
            self.building = True
            self._bump()

    def succeeded(self, changed_site: bool) -> None:
        with self._changed:
            self.building = False
            self.build += changed_site
            self.attempts += 1
            self.errors = ()
            self._bump()

    def failed(self, problems: list[Problem]) -> None:
        with self._changed:
            self.building = False
            self.errors = tuple(problems)
            self.attempts += 1
            self._bump()

    def close(self) -> None:
        with self._changed:
            self.closed = True
            self._bump()

    def wait(self, seen: int, timeout: float) -> tuple[int, str]:
        """Block until the version differs from `seen` (or timeout); returns (version, json)."""
        with self._changed:
            self._changed.wait_for(lambda: self.version != seen or self.closed, timeout)
            return self.version, self.payload()

    def payload(self) -> str:
        errors = [{"path": p.path, "line": p.line, "source": p.source, "message": p.message}
                  for p in self.errors]
        return json.dumps({"build": self.build, "attempts": self.attempts,
                           "building": self.building, "errors": errors})

    def _bump(self) -> None:
        self.version += 1
        self._changed.notify_all()


def inject(html: bytes, build: int) -> bytes:
    """`html` with the reload script before `</body>` (or at the end)."""
    tag = f"<script>{_SCRIPT.replace('BUILD_ID', str(build))}</script>".encode()
    at = html.lower().rfind(b"</body>")
    return html + tag if at < 0 else html[:at] + tag + html[at:]


def placeholder(build: int) -> bytes:
    """The page shown where the site has no page yet (before the first good build)."""
    return inject(b"<!doctype html><meta charset=utf-8><title>No site yet</title>"
                  b"<body style='font-family:system-ui;margin:3rem'><h1>No site yet</h1>"
                  b"<p>The preview has not been built: the build's errors are listed over this "
                  b"page, and it reloads by itself once they are fixed.</p></body>", build)


_SCRIPT = (Path(__file__).with_name("livereload.js").read_text(encoding="utf-8")
           .replace("EVENTS", EVENTS))

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


# Errors are put into the page with textContent only: a message may quote any source text.
_SCRIPT = """
(() => {
  const built = BUILD_ID, key = "serve-scroll:" + location.pathname;
  const saved = sessionStorage.getItem(key);
  if (saved !== null) {
    sessionStorage.removeItem(key);
    const [x, y] = JSON.parse(saved), restore = () => scrollTo({left: x, top: y, behavior: "instant"});
    restore();
    addEventListener("load", restore);  // once images and fonts have set the page's height
  }
  let host = null;
  const el = (parent, tag, cls, text) => {
    const node = parent.appendChild(document.createElement(tag));
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  };
  function show(errors) {
    if (host) host.remove();
    host = document.createElement("serve-error-overlay");
    host.setAttribute("role", "alert");
    const root = host.attachShadow({mode: "open"});
    el(root, "style").textContent = `
      .back { position: fixed; inset: 0; z-index: 2147483647; background: rgba(0,0,0,.55);
              overflow: auto; font: 15px/1.45 system-ui, sans-serif; }
      .panel { max-width: 60rem; margin: 2rem auto; padding: 1.25rem 1.5rem; background: #fff;
               color: #1a1a1a; border-top: 6px solid #c62828; border-radius: 6px; }
      h2 { margin: 0 0 .25rem; font-size: 1.2rem; color: #c62828; }
      .hint { margin: 0 0 1rem; color: #555; }
      .error { margin: 0 0 1rem; }
      .where { font: 600 14px ui-monospace, monospace; }
      pre { margin: .3rem 0; padding: .4rem .6rem; background: #f4f4f4; overflow-x: auto;
            font: 13px ui-monospace, monospace; }
      .message { white-space: pre-wrap; }
      button { float: right; border: 0; background: none; font-size: 1.4rem; cursor: pointer; }`;
    const panel = el(el(root, "div", "back"), "div", "panel");
    el(panel, "button", "", "\\u00d7").onclick = () => host.remove();
    el(panel, "h2", "", `Build failed: ${errors.length} error${errors.length > 1 ? "s" : ""}`);
    el(panel, "p", "hint", "The page shows the last good build. Fix and save: this goes away.");
    for (const e of errors) {
      const item = el(panel, "div", "error");
      const where = e.path ? (e.line ? `${e.path}:${e.line}` : e.path) : "build";
      el(item, "div", "where", where);
      if (e.source) el(item, "pre", "source", `${String(e.line).padStart(4)} | ${e.source}`);
      el(item, "div", "message", e.message);
    }
    document.documentElement.appendChild(host);
  }
  const events = new EventSource("EVENTS");
  events.onmessage = (event) => {
    const state = JSON.parse(event.data);
    if (state.building) return;  // the outcome comes in the next message
    if (state.errors.length) return show(state.errors);
    if (host) { host.remove(); host = null; }
    if (state.build !== built) {
      sessionStorage.setItem(key, JSON.stringify([scrollX, scrollY]));
      location.reload();
    }
  };
})();
""".replace("EVENTS", EVENTS)

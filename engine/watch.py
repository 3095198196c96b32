"""Reports changes to a site's sources with watchfiles (the OS's file events, no polling).

Two watches, so that nothing else in the site folder (a virtual environment, `.git`, the
output and the cache) is watched: the folder itself, not recursively, for `site.toml` and for
the source folders appearing or going; and each source folder recursively. When a source
folder appears or goes, the recursive watch starts again over the folders that exist.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Callable

import watchfiles

log = logging.getLogger(__name__)
FOLDERS = ("content", "static", "themes")
WATCHED = ("site.toml", *FOLDERS)
RESCAN = "(the watch started again)"  # reported to build once more, naming no file


class Watcher:
    """Calls `report(set of changed paths)` from background threads until `stop()`."""

    def __init__(self, root: Path, report: Callable[[set[str]], None]):
        self.root = root
        self._report = report
        self._stopped = threading.Event()
        self._restart = threading.Event()
        top = threading.Thread(target=self._watch_top, daemon=True)
        trees = threading.Thread(target=self._watch_trees, daemon=True)
        self._threads = (top, trees)
        for thread in self._threads:
            thread.start()

    def changed(self, paths: set[str]) -> None:
        """Told every batch by the caller: a source folder that came or went restarts a watch."""
        if any(Path(p).parent == self.root and Path(p).name in FOLDERS for p in paths):
            self._restart.set()

    def stop(self) -> None:
        self._stopped.set()
        for thread in self._threads:
            thread.join(timeout=5)

    def _watch_top(self) -> None:
        def ours(change, path: str) -> bool:
            return Path(path).name in WATCHED

        while not self._stopped.is_set():
            try:
                for batch in watchfiles.watch(self.root, watch_filter=ours, recursive=False,
                                              stop_event=self._stopped, rust_timeout=1000):
                    self._report({path for _, path in batch})
            except Exception as exc:  # a watch that dies would silently end the live reload
                _retrying(exc, self._stopped)

    def _watch_trees(self) -> None:
        until = _Either(self._stopped, self._restart)
        first = True
        while not self._stopped.is_set():
            # a file saved while the watch starts again (a source folder appeared) is missed:
            # once it is up, one more build catches it
            rescan, first = not first, False
            self._restart.clear()
            folders = [self.root / name for name in FOLDERS if (self.root / name).is_dir()]
            if not folders:
                until.wait(0.5)
                continue
            try:
                for batch in watchfiles.watch(*folders, stop_event=until, rust_timeout=1000,
                                              yield_on_timeout=True):
                    if rescan:
                        self._report({RESCAN})
                        rescan = False
                    if batch:
                        self._report({path for _, path in batch})
            except FileNotFoundError:  # a folder went between the check and the watch
                continue
            except Exception as exc:
                _retrying(exc, self._stopped)


def _retrying(exc: Exception, stopped: threading.Event) -> None:
    log.warning("watching for changes failed (%s: %s); trying again", type(exc).__name__, exc)
    stopped.wait(1.0)


class _Either:
    """Set when either event is: what watchfiles' `stop_event` needs (`is_set`)."""

    def __init__(self, *events: threading.Event):
        self.events = events

    def is_set(self) -> bool:
        return any(event.is_set() for event in self.events)

    def wait(self, seconds: float) -> None:
        self.events[0].wait(seconds)

"""One build at a time per output folder: a second one waits, then stops with a message."""

from __future__ import annotations

import contextlib
import logging
import time
from pathlib import Path

from .errors import BuildFailed, Problem

try:
    import fcntl
except ImportError:  # not POSIX: builds are not serialised there
    fcntl = None

log = logging.getLogger(__name__)
WAIT_SECONDS = 120.0


@contextlib.contextmanager
def held(path: Path, wait: float | None = None):
    """Hold an exclusive lock on `path` (created if needed) for the `with` block."""
    if fcntl is None:
        yield
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(path, "a")
    except OSError as exc:
        raise BuildFailed([Problem(f"cannot create the build lock `{path}`: {exc.strerror}; "
                                   "check that its folder is writable")]) from None
    with handle:
        wait = WAIT_SECONDS if wait is None else wait
        deadline = time.monotonic() + wait
        told = False
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise BuildFailed([Problem(
                        f"another build is still writing `{path.parent / path.name[1:-5]}` "
                        f"after {wait:.0f} s; wait for it to finish or stop it, then build "
                        "again")]) from None
                if not told:
                    log.warning("waiting for another build of the same folder to finish...")
                    told = True
                time.sleep(0.1)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)

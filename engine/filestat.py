"""Which source files are unchanged since the last build, from their stat alone, as git's
index does: reading and hashing every post was a third of a no-op build at 10,000 posts.

A file counts as unchanged when its size, modification and change times (nanoseconds) and
inode are the ones recorded with its cache key. Programs can set a file's modification time
(`touch -d`, `rsync -t`, `tar`) but not its change time, and an editor that saves by renaming
gives the file a new inode.

A file written in the same tick of the file system's clock as its stat was taken could be
written again without its times changing, so it is not recorded (it is read again until it
is older): a file is recorded once its times are RACY_NS older than the moment of its stat.
Times in whole seconds come from a clock with coarse ticks (FAT: 2 s; HFS+, ext3: 1 s);
other file systems stamp with the kernel's clock, which ticks every few milliseconds.
"""

from __future__ import annotations

import os
import time

from .cache import Cache, digest

RACY_NS = 100_000_000  # ten ticks of the kernel's file clock at least
COARSE_RACY_NS = 2_000_000_000  # the coarsest file system clock in use (FAT) ticks every 2 s


class Known:
    """The source keys recorded by the last build for the files under one root."""

    def __init__(self, cache: Cache, root: str, version: str):
        self.cache = cache
        self.where = digest("source-stat", version, root)  # another engine, other keys
        self.recorded = cache.get("source-stat", self.where) or {}
        self.now = time.time_ns()  # before any stat: a later write has later times
        self.fresh: dict[str, tuple] = {}

    def key(self, rel: str, st: os.stat_result) -> str | None:
        """The source key of `rel` if its stat is the recorded one, else None (read it)."""
        entry = self.recorded.get(rel)
        return entry[1] if entry is not None and entry[0] == _stamp(st) else None

    def note(self, rel: str, st: os.stat_result, key: str) -> None:
        """`rel`, stat'ed as `st` before it was read, has source key `key`."""
        coarse = st.st_mtime_ns % 1_000_000_000 == st.st_ctime_ns % 1_000_000_000 == 0
        if max(st.st_mtime_ns, st.st_ctime_ns) < self.now - (COARSE_RACY_NS if coarse
                                                               else RACY_NS):
            self.fresh[rel] = (_stamp(st), key)

    def save(self) -> None:
        if self.fresh != self.recorded:
            self.cache.put("source-stat", self.where, self.fresh)


def _stamp(st: os.stat_result) -> tuple[int, int, int, int]:
    return st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino

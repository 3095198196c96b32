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

Post folders are known the same way, as git's untracked cache knows folders: a file added,
removed or renamed in a folder changes the folder's own times, so a folder (and each folder
below it) whose stat is the recorded one holds the files listed last time. Listing 10,000
post folders took three times as long as one stat of each. A folder that holds a link is
listed every time: what a link leads to can change without the folder changing.
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
        self.recorded = cache.get_parts("source-stat", self.where) or {}
        self.recorded_folders = cache.get_parts("folder-stat", self.where) or {}
        self.now = time.time_ns()  # before any stat: a later write has later times
        self.fresh: dict[str, tuple] = {}
        self.fresh_folders: dict[str, tuple] = {}

    def key(self, rel: str, st: os.stat_result) -> str | None:
        """The source key of `rel` if its stat is the recorded one, else None (read it)."""
        entry = self.recorded.get(rel)
        return entry[1] if entry is not None and entry[0] == _stamp(st) else None

    def note(self, rel: str, st: os.stat_result, key: str) -> None:
        """`rel`, stat'ed as `st` before it was read, has source key `key`."""
        if self._settled(st):
            self.fresh[rel] = (_stamp(st), key)

    def names(self, folder: str, path: str) -> list[str] | None:
        """The files of `folder` (relative; at `path`) as the last build listed them, if it
        and the folders below it have their recorded stat; else None (list it)."""
        entry = self.recorded_folders.get(folder)
        if entry is None:
            return None
        for sub, stamp in entry[0]:
            try:
                if _stamp(os.stat(f"{path}/{sub}" if sub else path)) != stamp:
                    return None
            except OSError:
                return None
        self.fresh_folders[folder] = entry
        return list(entry[1])

    def note_names(self, folder: str, path: str, listed) -> None:
        """`folder` (at `path`) was just listed as `listed` (a `tree.Listing` that met no
        link nor problem). Its folders' stats, taken now, are recorded unless a folder changed
        since this build began (`now`): the listing may predate that change."""
        stamps = []
        for sub in listed.folders:
            try:
                st = os.stat(f"{path}/{sub}" if sub else path)
            except OSError:
                return
            if not self._settled(st):
                return
            stamps.append((sub, _stamp(st)))
        self.fresh_folders[folder] = (tuple(stamps), tuple(listed.names))

    def _settled(self, st: os.stat_result) -> bool:
        """Whether `st`'s times are older than any write the clock's tick could hide."""
        coarse = st.st_mtime_ns % 1_000_000_000 == st.st_ctime_ns % 1_000_000_000 == 0
        return max(st.st_mtime_ns, st.st_ctime_ns) < self.now - (COARSE_RACY_NS if coarse
                                                                  else RACY_NS)

    def save(self) -> None:
        if self.fresh != self.recorded:
            self.cache.put_parts("source-stat", self.where, self.fresh)
        if self.fresh_folders != self.recorded_folders:
            self.cache.put_parts("folder-stat", self.where, self.fresh_folders)


def _stamp(st: os.stat_result) -> tuple[int, int, int, int]:
    return st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino

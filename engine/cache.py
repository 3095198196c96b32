"""A content-addressed cache on disk (one SQLite file), shared by the build's expensive steps.

Keys are digests of everything that determines a value, so entries never go stale: a change
produces a new key. Values are plain data (`codec.py`, never pickles), each stored with its
SHA-256 and checked when read, so a corrupt or truncated entry is a miss (and is replaced),
never a wrong page. The cache heals itself: a database SQLite cannot read is dropped with one
warning and started afresh, and a cache that cannot be kept at all (`.cache` is a file, a
read-only disk) only makes the build slower.
"""

from __future__ import annotations

import hashlib
import logging
import sqlite3
import zlib
from pathlib import Path

from . import codec

log = logging.getLogger(__name__)

_SCHEMA = """CREATE TABLE IF NOT EXISTS entries (
    ns TEXT NOT NULL, key TEXT NOT NULL, digest BLOB NOT NULL, value BLOB NOT NULL,
    PRIMARY KEY (ns, key))"""


def digest(*parts: object) -> str:
    """A stable key for `parts` (strings, bytes, numbers, tuples of them)."""
    return _fed(hashlib.sha256(), parts).hexdigest()


def keyer(*parts: object):
    """`digest` with `parts` first, for many keys that share them: `keyer(a, b)(c)` equals
    `digest(a, b, c)`, and the shared parts are hashed once, not once per key."""
    start = _fed(hashlib.sha256(), parts)
    return lambda *more: _fed(start.copy(), more).hexdigest()


def _fed(h, parts: tuple):
    for part in parts:
        data = part if isinstance(part, bytes) else repr(part).encode("utf-8")
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h


class Cache:
    """`get`/`put` plain values by (namespace, key). `path=None` keeps nothing on disk."""

    _BATCH = 256  # entries written per transaction: a commit per entry costs more than it
    PARTS = 64  # rows a `put_parts` dict is spread over

    def __init__(self, path: Path | None, *, readonly: bool = False):
        self.path = path
        self.readonly = readonly
        self.hits = 0
        self.misses = 0
        self.dropped = 0  # corrupt or foreign entries met: one warning for all, at close
        self._pending: dict[tuple[str, str], tuple[bytes, bytes]] = {}
        self._parts: dict[tuple[str, str], tuple[dict, list]] = {}  # read or written here
        self._db: sqlite3.Connection | None = None
        if path is not None:
            self._db = self._open(path)

    def _open(self, path: Path) -> sqlite3.Connection | None:
        try:
            if self.readonly:
                if not path.exists():
                    return None
                db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            else:
                path.parent.mkdir(parents=True, exist_ok=True)
                db = sqlite3.connect(path)
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("PRAGMA synchronous=NORMAL")  # a cache: losing the last write is fine
                db.execute(_SCHEMA)
            db.execute("SELECT 1 FROM entries LIMIT 1").fetchone()  # readable? (count(*) reads it all)
            return db
        except sqlite3.DatabaseError as exc:
            if self.readonly:
                return None
            log.warning("warning: cache %s is unreadable (%s); starting a new one", path, exc)
            return self._fresh(path)
        except OSError as exc:
            log.warning("warning: cannot keep a cache at %s (%s); building without one "
                        "(make `.cache` a writable folder to speed up rebuilds)", path, exc)
            return None

    def _fresh(self, path: Path) -> sqlite3.Connection | None:
        """A new, empty database in place of one that cannot be read."""
        try:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
            db = sqlite3.connect(path)
            db.execute(_SCHEMA)
            return db
        except (OSError, sqlite3.DatabaseError) as exc:
            log.warning("warning: cannot start a new cache at %s (%s); building without one",
                        path, exc)
            return None

    def _broken(self, exc: Exception) -> None:
        """SQLite failed mid-build (a corrupt page): drop the database, go on without it."""
        log.warning("warning: the cache is damaged (%s); it is rebuilt on the next build", exc)
        db, self._db = self._db, None
        self._pending.clear()
        try:
            db.close()
        except sqlite3.Error:
            pass
        if self.path is not None and not self.readonly:
            fresh = self._fresh(self.path)
            if fresh is not None:
                fresh.close()

    def get_many(self, ns: str, keys: list[str]) -> dict[str, object]:
        """The values found for `keys`; corrupt entries are left out (and so rebuilt)."""
        found = {k: codec.loads(self._pending[ns, k][1]) for k in keys if (ns, k) in self._pending}
        rest = [k for k in keys if k not in found]
        for start in range(0, len(rest) if self._db is not None else 0, 500):
            for key, value in self._select(ns, rest[start:start + 500]):
                found[key] = value
        self.hits += len(found)
        self.misses += len(keys) - len(found)
        return found

    def _select(self, ns: str, keys: list[str]):
        marks = ",".join("?" * len(keys))
        if self._db is None:
            return
        try:
            rows = self._db.execute(
                f"SELECT key, digest, value FROM entries WHERE ns=? AND key IN ({marks})",
                [ns, *keys]).fetchall()
        except sqlite3.DatabaseError as exc:
            self._broken(exc)
            return
        for key, stored, value in rows:
            if hashlib.sha256(value).digest() != stored:
                self.dropped += 1
                continue
            try:
                yield key, codec.loads(value)
            except codec.CodecError:  # a foreign or old value is a miss, not a failure
                self.dropped += 1

    def get(self, ns: str, key: str) -> object | None:
        return self.get_many(ns, [key]).get(key)

    def put_many(self, ns: str, items: dict[str, object]) -> None:
        """Store `items`; they are written in batches, and at the latest by `close()`."""
        if self._db is None or self.readonly or not items:
            return
        for key, value in items.items():
            blob = codec.dumps(value)  # raises CodecError for anything but plain data
            self._pending[ns, key] = (hashlib.sha256(blob).digest(), blob)
        if len(self._pending) >= self._BATCH:
            self.flush()

    def flush(self) -> None:
        if self._db is None or not self._pending:
            return
        rows = [(ns, key, sha, blob) for (ns, key), (sha, blob) in self._pending.items()]
        self._pending.clear()
        try:
            with self._db:
                self._db.executemany("INSERT OR REPLACE INTO entries VALUES (?, ?, ?, ?)", rows)
        except sqlite3.DatabaseError as exc:  # disk full or a corrupt page: only speed is lost
            self._broken(exc)

    def forget(self, ns: str, key: str) -> None:
        """Remove an entry now, durably: for a value that stops being true before the build
        ends (the state of a folder about to be changed)."""
        self._pending.pop((ns, key), None)
        if self._db is None or self.readonly:
            return
        try:
            with self._db:
                self._db.execute("DELETE FROM entries WHERE ns=? AND key=?", (ns, key))
        except sqlite3.DatabaseError as exc:
            self._broken(exc)

    def keep_only(self, ns: str, keys: list[str]) -> None:
        """Delete the entries of `ns` whose key is not in `keys`."""
        if self._db is None or self.readonly:
            return
        self.flush()
        try:
            with self._db:
                self._db.execute("CREATE TEMP TABLE IF NOT EXISTS live (key TEXT PRIMARY KEY)")
                self._db.execute("DELETE FROM live")
                self._db.executemany("INSERT OR IGNORE INTO live VALUES (?)",
                                     ((key,) for key in keys))
                self._db.execute("DELETE FROM entries WHERE ns=? AND key NOT IN "
                                 "(SELECT key FROM live)", (ns,))
        except sqlite3.DatabaseError as exc:
            self._broken(exc)

    def put(self, ns: str, key: str, value: object) -> None:
        self.put_many(ns, {key: value})

    def get_parts(self, ns: str, key: str) -> dict | None:
        """A dict stored by `put_parts`, or None (not stored, or a part lost). Leave it as it
        is: `put_parts` given this very dict takes its parts as they were read."""
        count = self.get(ns, key)
        if not isinstance(count, int) or isinstance(count, bool) or count <= 0:
            return None
        names = [f"{key}#{n}" for n in range(count)]
        found = self.get_many(ns, names)
        parts = [found.get(name) for name in names]
        if not all(isinstance(part, dict) for part in parts):
            return None
        whole: dict = {}
        for part in parts:
            whole.update(part)
        self._parts[ns, key] = (whole, parts)
        return whole

    def put_parts(self, ns: str, key: str, value: dict) -> None:
        """Store `value` (str keys) in PARTS rows, each key in the part its hash names, and a
        row saying how many. Manifests and records of every file are megabytes at 10,000
        posts, and an edit changes a few of their keys: the parts that come out equal to the
        ones this cache last read or wrote are not encoded or written again."""
        if self._db is None or self.readonly:
            return
        parts = next((known for whole, known in self._parts.values() if whole is value), None)
        if parts is None:
            parts = [{} for _ in range(self.PARTS)]
            for name, item in value.items():
                parts[zlib.crc32(name.encode()) % self.PARTS][name] = item
        before = self._parts.get((ns, key), (None, [None] * self.PARTS))[1]
        changed: dict[str, object] = {f"{key}#{n}": part for n, part in enumerate(parts)
                                      if n >= len(before) or part != before[n]}
        changed[key] = len(parts)  # last: a reader trusts the parts only once this is in
        self.put_many(ns, changed)
        self._parts[ns, key] = (value, parts)

    def keep_parted(self, ns: str) -> None:
        """Delete the rows of `ns`, a namespace of `put_parts` dicts, but the dicts this cache
        read or wrote: the ones of other sites' folders and engine versions."""
        self.keep_only(ns, [name for space, key in self._parts if space == ns
                            for name in (key, *(f"{key}#{n}" for n in range(self.PARTS)))])

    def close(self) -> None:
        if self.dropped and not self.readonly:
            log.warning("warning: %d cache entries were corrupt or from another version; "
                        "they were rebuilt", self.dropped)
            self.dropped = 0
        self.flush()
        if self._db is not None:
            try:
                self._db.close()
            except sqlite3.Error:
                pass
            self._db = None

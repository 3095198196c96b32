"""Where a build keeps the files it made until they are written: on disk, not in memory.

A site of 10,000 posts makes about 450 MB of pages and search index; held in memory until the
writer runs, they would be the build's peak. The render workers, the search indexer and the
page renderer instead put each file in a spill folder beside the output (same file system, so
the writer moves it into place) and hand on a `Spilled` (its digest and path). The folder is
the build's own: it is removed when the build ends, and `write.clean_debris` removes one a
killed build left. Without a folder (`check` writes nothing) the bytes stay in memory.
"""

from __future__ import annotations

import hashlib
import itertools
import os
import shutil
from pathlib import Path

from .errors import BuildError, BuildFailed, Problem
from .outputs import Output, Spilled

_counter = itertools.count()


def folder_for(out: Path) -> Path:
    """This process's spill folder for a build into `out`."""
    return out.parent / f".{out.name}-spill-{os.getpid()}"


def debris(out: Path) -> list[Path]:
    """Spill folders that builds into `out` left behind."""
    return sorted(out.parent.glob(f".{out.name}-spill-*"))


class Spill:
    """Turns bytes into a `Spilled` output (or leaves them as they are, without a folder)."""

    def __init__(self, folder: Path | None):
        self.folder = folder

    def keep(self, data: bytes) -> Output:
        if self.folder is None:
            return data
        # unique across the pool's processes and the indexer's thread
        path = self.folder / f"{os.getpid()}-{next(_counter)}"
        try:
            with open(path, "wb") as f:
                f.write(data)
        except OSError as exc:  # a BuildError crosses the render pool, and is reported
            raise BuildError(_cannot(self.folder, exc)) from None
        return Spilled(hashlib.sha256(data).hexdigest(), path)

    def __enter__(self) -> "Spill":
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
            try:
                self.folder.mkdir(parents=True)
            except OSError as exc:
                raise BuildFailed([Problem(_cannot(self.folder, exc))]) from None
        return self

    def __exit__(self, *exc) -> None:
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)


def _cannot(folder: Path, exc: OSError) -> str:
    return (f"cannot keep the files made in `{folder}` until they are written: "
            f"{exc.strerror or exc}; free space or fix the folder's permissions and build "
            "again (the previous site was left as it was)")

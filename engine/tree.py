"""Walks the folders whose files reach the site, so nothing outside the site gets in.

A file is published only if it is a regular file inside the folder's boundary (the site root,
or a theme's own folder). Names starting with a dot are skipped, folders as well as files
(`.git/`, `.env.d/`). A symbolic link is followed only when its target stays inside the
boundary; a link that leaves it (`/proc/self/environ`, `/etc/passwd`, a post folder linked from
elsewhere) is an error at the link, as is anything that is not a regular file (a FIFO, a
device), which reading would block on or leak.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from .errors import Problem


def inside(path: Path, boundary: Path) -> bool:
    """Whether `path`, with every link resolved, lies within `boundary` (resolved)."""
    try:
        return path.resolve().is_relative_to(boundary.resolve())
    except (OSError, RuntimeError):  # a link loop
        return False


def files(folder: Path, boundary: Path, root: Path, problems: list[Problem]) -> list[Path]:
    """The publishable files under `folder`, sorted by relative path.

    Problems (links leaving `boundary`, special files) are appended to `problems`, named
    relative to `root` (the site root, for messages).
    """
    return [folder / name for name in names(folder, boundary, root, problems)]


def names(folder: Path | str, boundary: Path, root: Path, problems: list[Problem], *,
          checked: bool = False) -> list[str]:
    """`files`, as POSIX paths relative to `folder` (no Path made per file: a site has many).
    `checked`: the caller knows `folder` is a folder inside the boundary."""
    return listing(folder, boundary, root, problems, checked=checked).names


@dataclass(frozen=True)
class Listing:
    names: list[str]    # the publishable files, as `names` gives them
    folders: list[str]  # the folders walked, relative to the top one ("" for it)
    linked: bool        # whether a link was met (followed or refused)


def listing(folder: Path | str, boundary: Path, root: Path, problems: list[Problem], *,
            checked: bool = False) -> Listing:
    """`names`, with the folders walked and whether a link was met: what a caller needs to
    know the listing unchanged from the folders' stats alone (`filestat.Known.names`)."""
    found: list[str] = []
    folders: list[str] = []
    met_link = False
    top = str(folder)
    # A folder reached twice (through a link: to an ancestor, or to one walked already) is
    # walked once. Folders are told apart by their identity, which takes a system call: one
    # per post on every build, while few posts hold links. So the folders walked are only
    # noted, and identified once a link to a folder is met; from then on, each as it comes.
    walked: list[str] = []
    seen: set[tuple[int, int]] = set()
    linked = False

    def identity(path: str) -> tuple[int, int]:
        st = os.stat(path)
        return st.st_dev, st.st_ino

    def walk(current: str, prefix: str) -> None:
        nonlocal linked, met_link
        folders.append(prefix.rstrip("/"))
        if linked:
            here = identity(current)
            if here in seen:
                return
            seen.add(here)
        else:
            walked.append(current)
        try:
            entries = sorted(os.scandir(current), key=lambda e: e.name)
        except OSError as exc:
            if current == top and not os.path.exists(top):
                return  # no such folder: nothing to publish
            problems.append(Problem(f"cannot read this folder: {exc.strerror}",
                                    _rel(Path(current), root)))
            return
        for entry in entries:
            if entry.name.startswith("."):
                continue
            # the directory entry's own type answers without a system call for plain files
            # and folders; links and anything unusual get the full check
            if entry.is_symlink():
                met_link = True
                kind = check(Path(entry.path), boundary, root, problems)
                if kind == "dir" and not linked:
                    seen.update(map(identity, walked))
                    linked = True
            elif entry.is_file(follow_symlinks=False):
                kind = "file"
            elif entry.is_dir(follow_symlinks=False):
                kind = "dir"
            else:
                kind = check(Path(entry.path), boundary, root, problems)
            if kind == "dir":
                walk(entry.path, prefix + entry.name + "/")
            elif kind == "file":
                found.append(prefix + entry.name)

    if not checked and os.path.islink(folder):
        met_link = True
        if check(Path(folder), boundary, root, problems) != "dir":
            return Listing(found, folders, met_link)
    walk(top, "")
    return Listing(found, folders, met_link)


def check(path: Path, boundary: Path, root: Path, problems: list[Problem]) -> str | None:
    """'file', 'dir', or None (after reporting why `path` cannot be published)."""
    if path.is_symlink() and not inside(path, boundary):
        target = os.readlink(path)
        problems.append(Problem(
            f"symbolic link to `{target}` leaves the site's folder, so it is not published; "
            "copy the file here instead of linking to it", _rel(path, root)))
        return None
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        problems.append(Problem(f"cannot read `{_rel(path, root)}`: {exc.strerror} "
                                "(a broken link?)", _rel(path, root)))
        return None
    if stat.S_ISDIR(mode):
        return "dir"
    if stat.S_ISREG(mode):
        return "file"
    problems.append(Problem("not a regular file (a pipe, socket or device); remove it",
                            _rel(path, root)))
    return None


def _rel(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()

"""The only module that writes the site.

It runs after every check of the build has passed. A first build, or one that changes many
files, goes into a staging folder that is then swapped in whole; files whose bytes did not
change are hard-linked from the previous build instead of written again. A build that changes
a few files of a site this module wrote (an edited post) replaces just those, each atomically
(written beside it, then renamed over it). When nothing changed, nothing is touched.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from .cache import Cache
from .errors import BuildFailed, Problem
from .outputs import Output, data_of, digest_of

_MANIFEST = "manifest"


def site(outputs: dict[str, Output], out: Path, cache: Cache, *, default_out: Path) -> int:
    """Make `out` hold exactly `outputs`. Returns the number of files written."""
    hashes = {path: digest_of(value) for path, value in outputs.items()}
    key = str(out)
    previous: dict[str, tuple[str, int, int]] = cache.get(_MANIFEST, key) or {}
    if out.exists() and not previous and out != default_out and any(out.iterdir()):
        raise BuildFailed([Problem(
            f"`{out}` exists, is not empty and was not written by this generator; "
            "choose an empty or new folder for `--out`, or delete it first")])
    unchanged = {p for p, h in hashes.items() if p in previous and previous[p][0] == h
                 and _same_stat(out / p, previous[p])}
    if out.is_dir() and unchanged == set(hashes) and set(previous) == set(hashes):
        return 0
    changed = sorted(set(hashes) - unchanged)
    removed = sorted(set(previous) - set(hashes))
    if out.is_dir() and previous and len(changed) + len(removed) <= max(20, len(hashes) // 10):
        _update_in_place(outputs, out, changed, removed)
        _save_manifest(cache, key, out, hashes)
        return len(changed)

    staging = out.parent / f".{out.name}-staging-{os.getpid()}"
    if staging.exists():
        shutil.rmtree(staging)
    written = 0
    try:
        for path in sorted(outputs):
            target = staging / path
            target.parent.mkdir(parents=True, exist_ok=True)
            if path in unchanged and _link(out / path, target):
                continue
            _put(outputs[path], target)
            written += 1
        _swap(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _save_manifest(cache, key, out, hashes)
    return written


def _update_in_place(outputs: dict[str, Output], out: Path, changed: list[str],
                     removed: list[str]) -> None:
    for path in changed:
        target = out / path
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        try:
            _put(outputs[path], temporary)
            os.replace(temporary, target)
        finally:
            temporary.unlink(missing_ok=True)
    for path in removed:
        (out / path).unlink(missing_ok=True)
        parent = (out / path).parent
        while parent != out and parent.is_dir() and not any(parent.iterdir()):
            parent.rmdir()
            parent = parent.parent


def _put(value: Output, target: Path) -> None:
    if isinstance(value, Path):
        shutil.copyfile(value, target)  # copied by the OS, never held in memory
    else:
        target.write_bytes(data_of(value))


def _save_manifest(cache: Cache, key: str, out: Path, hashes: dict[str, str]) -> None:
    manifest = {}
    for path, h in hashes.items():
        st = (out / path).stat()
        manifest[path] = (h, st.st_size, st.st_mtime_ns)
    cache.put(_MANIFEST, key, manifest)


def _same_stat(path: Path, entry: tuple[str, int, int]) -> bool:
    try:
        st = path.stat()
    except OSError:
        return False
    return (st.st_size, st.st_mtime_ns) == entry[1:]


def _link(source: Path, target: Path) -> bool:
    try:
        os.link(source, target)
        return True
    except OSError:
        return False


def _swap(staging: Path, out: Path) -> None:
    """Replace `out` with `staging`; the old folder is removed only after the rename."""
    if not out.exists():
        staging.rename(out)
        return
    old = out.parent / f".{out.name}-old-{os.getpid()}"
    if old.exists():
        shutil.rmtree(old)
    out.rename(old)
    try:
        staging.rename(out)
    except BaseException:
        old.rename(out)
        raise
    shutil.rmtree(old, ignore_errors=True)

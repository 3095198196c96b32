"""The only module that writes the site, after every check of the build has passed.

`site/` is always either the previous complete site or the new complete one. Beside it lies a
spare folder (`.site-spare`) holding the site of the build before; a build that changes
anything brings the spare up to date (only the files that differ: written beside their place
and renamed, or hard-linked from `site/`) and then exchanges the two folders in one atomic step
(Linux `renameat2(RENAME_EXCHANGE)`; elsewhere two renames, which the next build repairs if it
was killed between them). So an edit costs what it changes, not a copy of the whole tree. A
failure at any point removes the spare and leaves `site/` untouched; a spare in an unknown
state (a kill while it was updated) is rebuilt in full. Writing never renders: the plan it is
given holds bytes, files to copy, files the build spilled (moved into place), and outputs
known to be unchanged on disk.
"""

from __future__ import annotations

import errno
import functools
import os
import shutil
from pathlib import Path

from . import spill
from .cache import Cache
from .errors import BuildFailed, Problem
from .outputs import Deferred, Output, Spilled, digest_of

_MANIFEST = "manifest"
_SPARE = "spare-manifest"
_MARK = "written by build.py; this file marks the folder beside it as its output\n"


def digests(outputs: dict[str, Output]) -> dict[str, str]:
    """Each output's SHA-256, taken once, before anything is written: a source file saved
    while the build writes is then seen as changed by the next build, never as current."""
    return {path: digest_of(value) for path, value in outputs.items()}


def manifest(out: Path, cache: Cache) -> dict[str, tuple[str, int, int]]:
    """What the last build wrote to `out`: path -> (SHA-256, size, mtime); empty if unknown."""
    return cache.get_parts(_MANIFEST, str(out)) or {}


def unchanged(hashes: dict[str, str], out: Path, previous: dict) -> set[str]:
    """The outputs whose previous file in `out` holds the same bytes (by `previous`, the
    `manifest`, checked against the file's size and modification time)."""
    same, folder = set(), str(out)
    for path, digest in hashes.items():
        entry = previous.get(path)
        if (entry is not None and entry[0] == digest
                and _same_stat(f"{folder}/{path}", entry)):  # POSIX paths: no join
            same.add(path)
    return same


def site(outputs: dict[str, Output], hashes: dict[str, str], out: Path, cache: Cache,
         previous: dict, keep: set[str], *, default_out: Path) -> int:
    """Make `out` hold exactly `outputs` (whose `digests` are `hashes`); `previous` is its
    `manifest`, `keep` what is `unchanged`. Returns files written.

    A `Deferred` output must be in `keep` (its bytes were not made). Raises BuildFailed.
    """
    key = str(out)
    _check_target(out, default_out, bool(previous))
    if out.is_dir() and keep == set(outputs) and set(previous) == set(outputs):
        return 0
    missing = [p for p, v in outputs.items() if isinstance(v, Deferred) and p not in keep]
    assert not missing, f"outputs planned without bytes: {missing[:3]}"
    spare = spare_path(out)
    known = cache.get_parts(_SPARE, key) if spare.is_dir() and cache.path is not None else None
    # from here until both manifests are saved again, neither folder is in a state the cache
    # describes: forget them first, so a kill makes the next build trust neither
    cache.forget(_SPARE, key)
    cache.forget(_MANIFEST, key)
    try:
        if known is None:
            shutil.rmtree(spare, ignore_errors=True)
            spare.mkdir()
        written, entries = _update(spare, known or {}, outputs, hashes, out, keep, previous)
        _swap(spare, out)
    except OSError as exc:
        shutil.rmtree(spare, ignore_errors=True)
        where = exc.filename or spare
        raise BuildFailed([Problem(
            f"cannot write `{where}`: {exc.strerror or exc}; free space or fix the folder's "
            "permissions and build again (the previous site was left as it was)")]) from None
    except BaseException:
        shutil.rmtree(spare, ignore_errors=True)
        raise
    _mark(out)
    if spare.is_dir():  # it now holds the previous site: the next build updates it in turn
        if cache.path is None or not previous:
            shutil.rmtree(spare, ignore_errors=True)
        else:  # before the manifest is replaced: the cache still knows `previous`'s parts
            cache.put_parts(_SPARE, key, previous)
    _save_manifest(cache, key, entries)
    cache.flush()
    return written


def spare_path(out: Path) -> Path:
    """The folder that holds the previous site, updated into the next one and exchanged."""
    return out.parent / f".{out.name}-spare"


def _update(spare: Path, known: dict, outputs: dict[str, Output], hashes: dict[str, str],
            out: Path, keep: set[str], previous: dict) -> tuple[int, dict]:
    """Turn the spare folder (holding `known`, a manifest) into `outputs`. Only what differs
    is touched; each file is written beside its place and renamed over it. An empty spare
    is filled directly: nothing in it is anyone's yet.

    Returns (files written, the new manifest)."""
    if not known:
        return _fill(spare, outputs, hashes, out, keep, previous)
    written, stats = 0, {}
    for path in sorted(set(known) - set(outputs), reverse=True):
        target = spare / path
        if target.is_dir() and not target.is_symlink():
            shutil.rmtree(target)
        else:
            target.unlink(missing_ok=True)
        _prune(target.parent, spare)
    folder = str(spare)
    for path in sorted(outputs):
        entry = known.get(path)
        # A file the site keeps needs no stat here: the spare's copy is either a link to it
        # (so unchanged with it) or its own file, which only the build writes.
        if (entry is not None and entry[0] == hashes[path]
                and (path in keep or _same_stat(f"{folder}/{path}", entry))):
            stats[path] = entry
            continue
        target = spare / path
        _make_parent(target, spare)
        if target.is_dir() and not target.is_symlink():
            shutil.rmtree(target)
        temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        if path in keep and _link(out / path, temporary):
            os.replace(temporary, target)
            stats[path] = previous[path]
            continue
        _put(_bytes_of(outputs[path], out / path), temporary)
        os.replace(temporary, target)
        stats[path] = _entry(hashes[path], target)
        written += 1
    return written, stats


def _fill(spare: Path, outputs: dict[str, Output], hashes: dict[str, str], out: Path,
          keep: set[str], previous: dict) -> tuple[int, dict]:
    """`_update` into an empty spare: each folder made once, unchanged files hard-linked."""
    written, stats, made = 0, {}, {str(spare)}
    for path in sorted(outputs):
        target = os.path.join(spare, path)
        folder = os.path.dirname(target)
        if folder not in made:
            os.makedirs(folder, exist_ok=True)
            while folder not in made:
                made.add(folder)
                folder = os.path.dirname(folder)
        if path in keep and _link(out / path, target):
            stats[path] = previous[path]
            continue
        _put(_bytes_of(outputs[path], out / path), Path(target))
        stats[path] = _entry(hashes[path], target)
        written += 1
    return written, stats


def _bytes_of(value: Output, where: Path) -> Output:
    if isinstance(value, Deferred):  # its old file vanished after the check
        raise OSError(errno.ENOENT, "the previous file disappeared during the build", str(where))
    return value


def _entry(digest: str, target) -> tuple[str, int, int]:
    st = os.stat(target)
    return (digest, st.st_size, st.st_mtime_ns)


def _make_parent(target: Path, spare: Path) -> None:
    """Create `target`'s folder, removing a file that stands where a folder must be."""
    parent = target.parent
    for folder in [*reversed(parent.relative_to(spare).parents), parent.relative_to(spare)]:
        here = spare / folder
        if here.is_file() or here.is_symlink():
            here.unlink()
    parent.mkdir(parents=True, exist_ok=True)


def _prune(folder: Path, spare: Path) -> None:
    while folder != spare and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent


def clean_debris(out: Path) -> None:
    """Remove what a killed build left beside `out`, and put back a site a kill took away
    between two renames. Call it holding the build lock."""
    parent = out.parent
    if not parent.is_dir():
        return
    olds = sorted(parent.glob(f".{out.name}-old-*"))
    if not out.exists() and olds:
        olds[-1].rename(out)  # the fallback swap was killed after its first rename
        olds = olds[:-1]
    # `-staging-*`: what builds of earlier versions, which staged the whole site, left
    for stale in olds + sorted(parent.glob(f".{out.name}-staging-*")) + spill.debris(out):
        shutil.rmtree(stale, ignore_errors=True)


def _check_target(out: Path, default_out: Path, known: bool) -> None:
    if out.exists() and not out.is_dir():
        raise BuildFailed([Problem(f"`{out}` is a file; the output must be a folder: move the "
                                   "file away or choose another `--out`")])
    if (out.is_dir() and not known and out != default_out and not _marked(out)
            and any(out.iterdir())):
        raise BuildFailed([Problem(
            f"`{out}` exists, is not empty and was not written by this generator; "
            "choose an empty or new folder for `--out`, or delete it first")])


def lock_path(out: Path) -> Path:
    """The lock file beside `out`; it also marks `out` as this generator's output."""
    return out.parent / f".{out.name}.lock"


def _marked(out: Path) -> bool:
    try:
        return lock_path(out).read_text(encoding="utf-8") == _MARK
    except (OSError, UnicodeDecodeError):
        return False


def _mark(out: Path) -> None:
    try:
        if not _marked(out):
            lock_path(out).write_text(_MARK, encoding="utf-8")
    except OSError:
        pass  # only `--out` into a non-empty folder without a cache needs it


def _put(value: Output, target: Path) -> None:
    if isinstance(value, Spilled):  # the build's own file: moved, not copied
        try:
            os.replace(value.path, target)
            return
        except OSError as exc:
            if exc.errno != errno.EXDEV:
                raise
        shutil.copyfile(value.path, target)
    elif isinstance(value, Path):
        shutil.copyfile(value, target)  # copied by the OS, never held in memory
    else:
        target.write_bytes(value)


def _save_manifest(cache: Cache, key: str, entries: dict) -> None:
    cache.put_parts(_MANIFEST, key, entries)


def _same_stat(path, entry: tuple[str, int, int]) -> bool:
    try:
        st = os.stat(path)
    except OSError:
        return False
    return (st.st_size, st.st_mtime_ns) == tuple(entry[1:])


def _link(source: Path, target: Path) -> bool:
    try:
        os.link(source, target)
        return True
    except OSError:
        return False


def _swap(spare: Path, out: Path) -> None:
    """Put `spare` in place of `out` in one step where the system can; the previous site
    ends at `spare`'s name (or nowhere, on a first build)."""
    if not out.exists():
        spare.rename(out)
        return
    if _exchange(spare, out):
        return
    old = out.parent / f".{out.name}-old-{os.getpid()}"
    out.rename(old)
    try:
        spare.rename(out)
    except BaseException:
        old.rename(out)
        raise
    old.rename(spare)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders in one step (Linux renameat2 RENAME_EXCHANGE); False if unsupported."""
    import ctypes  # here: a build that writes nothing never loads it

    renameat2 = getattr(_libc(), "renameat2", None)
    if renameat2 is None:
        return False
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP):
        return False  # a file system without it: the two-rename fallback
    raise OSError(code, os.strerror(code), str(b))


@functools.cache
def _libc():
    import ctypes

    try:
        return ctypes.CDLL(None, use_errno=True)
    except OSError:
        return None

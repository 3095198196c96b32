"""Fault injection: site/ is always the old complete site or the new one, whatever fails.

Kills happen in a child process at a chosen write (SIGKILL: no cleanup runs); I/O errors and
a full disk are injected by patching the functions the writer calls. After each, the next
build must clean up the debris and produce exactly what a clean build produces.
"""

from __future__ import annotations

import errno
import os
import shutil
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import build
from conftest import SITES
from engine import assemble, lock, write
from engine.errors import BuildFailed

REPO = Path(__file__).resolve().parent.parent


def files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def debris(root: Path) -> list[str]:
    """Leftovers of a build; the spare folder (the previous site, kept on purpose) is not."""
    return sorted(p.name for p in root.iterdir()
                  if p.name.startswith(".site-") and p.name != ".site-spare")


def edit(root: Path, text: str = "An edit.") -> None:
    post = root / "content" / "posts" / "padding" / "index.md"
    post.write_text(post.read_text() + f"\n{text}\n")


def clean_build(root: Path, tmp: Path) -> dict[str, bytes]:
    target = tmp / f"clean-{len(list(tmp.iterdir()))}"
    assemble.build(root, target, use_cache=False)
    return files(target)


# The child builds `root` and kills itself with SIGKILL at the n-th call of `point`.
_KILLER = textwrap.dedent("""
    import os, signal, sys
    sys.path.insert(0, {repo!r})
    from engine import assemble, write
    point, n = {point!r}, {n}
    module, name = point.rsplit(".", 1)
    owner = {{"write": write, "os": os, "shutil": write.shutil}}[module]
    original = getattr(owner, name)
    calls = [0]
    def dying(*args, **kwargs):
        calls[0] += 1
        if calls[0] == n:
            os.kill(os.getpid(), signal.SIGKILL)
        return original(*args, **kwargs)
    setattr(owner, name, dying)
    assemble.build(__import__("pathlib").Path({root!r}), jobs=1)
""")


@pytest.mark.parametrize("point, n", [
    ("write._put", 1),          # while the spare folder is being brought up to date
    ("os.replace", 2),          # the same, between two renames inside the spare
    ("write._swap", 1),         # the spare complete, not yet in place
    ("write._save_manifest", 1),  # everything written, the manifest not
])
def test_kill_at_any_point_leaves_old_or_new_site_and_next_build_heals(
        point, n, site_copy, tmp_path):
    root = site_copy("basic")
    assemble.build(root)
    edit(root, "A first edit.")
    assemble.build(root)  # from now on a spare folder holds the previous site
    assert (root / ".site-spare").is_dir()
    old = files(root / "site")
    edit(root)
    new = clean_build(root, tmp_path)
    child = subprocess.run([sys.executable, "-c", _KILLER.format(
        repo=str(REPO), point=point, n=n, root=str(root))], capture_output=True, text=True)
    assert child.returncode == -signal.SIGKILL, child.stderr
    assert files(root / "site") in (old, new)
    assemble.build(root)
    assert files(root / "site") == new
    assert debris(root) == []
    edit(root, "A last edit.")  # and the spare, rebuilt or updated, serves again
    assemble.build(root)
    assert files(root / "site") == clean_build(root, tmp_path)


def test_an_edit_rewrites_only_what_changed_in_the_spare(site_copy):
    root = site_copy("basic")
    for text in ("one", "two", "three"):
        edit(root, text)
        assemble.build(root)
    css = root / ".site-spare" / "assets" / "style.css"
    before = css.stat().st_ino
    edit(root, "four")
    summary = assemble.build(root)
    assert summary.written < 10
    # the spare now holds the previous site: its untouched files are the same inodes
    assert (root / ".site-spare" / "assets" / "style.css").stat().st_ino in (
        before, (root / "site" / "assets" / "style.css").stat().st_ino)


def test_a_site_file_changed_in_place_is_made_again_through_the_spare(site_copy, tmp_path):
    """The spare holds links to the site's files: one edited in place (same inode) changes
    in both, and the next builds, an edit and a no-op, put it right in both."""
    root = site_copy("basic")
    for text in ("one", "two"):
        edit(root, text)
        assemble.build(root)
    for build in range(2):
        css = root / "site" / "assets" / "style.css"
        with open(css, "r+b") as f:  # in place: the inode, and so the spare's link, stays
            f.write(b"/* hand-edited */")
        if build == 0:
            edit(root, "three")
        assemble.build(root)
        assert files(root / "site") == clean_build(root, tmp_path)


def test_fallback_swap_killed_between_renames_is_repaired(site_copy, tmp_path, monkeypatch):
    """Without RENAME_EXCHANGE, a kill between the two renames leaves no site/: the next build
    puts the old one back before it does anything else."""
    root = site_copy("basic")
    assemble.build(root)
    old = files(root / "site")
    (root / "site").rename(root / ".site-old-12345")  # what the kill leaves
    (root / ".site-staging-12345").mkdir()
    write.clean_debris(root / "site")
    assert files(root / "site") == old and debris(root) == []
    monkeypatch.setattr(write, "_exchange", lambda a, b: False)
    edit(root)
    assemble.build(root)
    assert files(root / "site") == clean_build(root, tmp_path) and debris(root) == []


@pytest.mark.parametrize("fault", [errno.ENOSPC, errno.EIO, errno.EACCES])
def test_write_failure_keeps_previous_site_and_says_so(fault, site_copy, monkeypatch, capsys):
    root = site_copy("basic")
    assemble.build(root)
    old = files(root / "site")
    edit(root)
    calls = [0]
    original = write._put

    def failing(value, target):
        calls[0] += 1
        if calls[0] == 2:
            raise OSError(fault, os.strerror(fault), str(target))
        original(value, target)

    monkeypatch.setattr(write, "_put", failing)
    assert build.main(["--root", str(root), "-q"]) == 1
    err = capsys.readouterr().err
    assert f"error: cannot write" in err and os.strerror(fault) in err
    assert "Traceback" not in err
    assert files(root / "site") == old and debris(root) == []


def test_full_disk_on_a_first_build_leaves_nothing_behind(site_copy, monkeypatch):
    root = site_copy("basic")
    monkeypatch.setattr(write.shutil, "copyfile", _raise(errno.ENOSPC))
    with pytest.raises(BuildFailed) as failed:
        assemble.build(root)
    assert "No space left on device" in failed.value.problems[0].message
    assert not (root / "site").exists() and debris(root) == []


def test_read_only_output_folder_is_an_error_not_a_traceback(site_copy, tmp_path, capsys):
    if os.geteuid() == 0:  # root writes anywhere: make the parent a file instead
        parent = tmp_path / "not-a-folder"
        parent.write_text("x")
        out = parent / "site"
    else:
        parent = tmp_path / "ro"
        parent.mkdir()
        parent.chmod(0o500)
        out = parent / "site"
    root = site_copy("basic")
    assert build.main(["--root", str(root), "--out", str(out), "-q"]) == 1
    err = capsys.readouterr().err
    assert "error:" in err and "Traceback" not in err


def test_cache_that_is_a_file_only_slows_the_build(site_copy, caplog):
    root = site_copy("basic")
    (root / ".cache").write_text("not a folder")
    summary = assemble.build(root)
    assert summary.posts == 2 and "cannot keep a cache" in caplog.text


def test_corrupt_database_page_heals_with_one_warning(site_copy, tmp_path, caplog):
    root = site_copy("basic")
    assemble.build(root)
    db = root / ".cache" / "cache.sqlite"
    data = bytearray(db.read_bytes())
    data[4096:8192] = b"\xff" * 4096  # a whole page of garbage
    db.write_bytes(bytes(data))
    for suffix in ("-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    edit(root)
    assemble.build(root)
    assert files(root / "site") == clean_build(root, tmp_path)
    edit(root, "Another edit.")
    caplog.clear()
    assemble.build(root)  # the healed cache works again, without a warning
    assert "warning" not in caplog.text.lower()
    assert files(root / "site") == clean_build(root, tmp_path)


def test_cache_holds_no_pickles(site_copy):
    """Only plain data is stored: a pickle put into the database is a miss, never run."""
    import pickle
    import sqlite3

    root = site_copy("basic")
    assemble.build(root)
    marker = root / "pwned"
    payload = pickle.dumps(_Exploit(str(marker)))
    db = sqlite3.connect(root / ".cache" / "cache.sqlite")
    with db:
        import hashlib
        db.execute("UPDATE entries SET value = ?, digest = ?",
                   (payload, hashlib.sha256(payload).digest()))
    db.close()
    edit(root)
    assemble.build(root)
    assert not marker.exists()


class _Exploit:
    def __init__(self, path: str):
        self.path = path

    def __reduce__(self):
        return (Path(self.path).touch, ())


def test_a_second_build_stops_with_a_message_while_one_runs(site_copy, monkeypatch):
    root = site_copy("basic")
    monkeypatch.setattr(lock, "WAIT_SECONDS", 0.3)
    with lock.held(write.lock_path(root / "site")):
        with pytest.raises(BuildFailed) as failed:
            assemble.build(root)
    assert "another build is still writing" in failed.value.problems[0].message
    assert assemble.build(root).posts == 2  # released: the next one runs


def test_two_builds_at_once_both_succeed_one_after_the_other(site_copy, tmp_path):
    root = site_copy("basic")
    command = [sys.executable, str(REPO / "build.py"), "--root", str(root), "-q"]
    first, second = subprocess.Popen(command), subprocess.Popen(command)
    assert first.wait() == 0 and second.wait() == 0
    assert files(root / "site") == clean_build(root, tmp_path) and debris(root) == []


def _raise(code):
    def fail(*args, **kwargs):
        raise OSError(code, os.strerror(code), str(args[-1]) if args else None)
    return fail


_EDITS = st.lists(st.sampled_from(["body", "new-post", "delete-post", "bundle-file",
                                   "drop-bundle-file", "tag", "draft", "static"]),
                  min_size=1, max_size=5)


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(edits=_EDITS)
def test_any_sequence_of_edits_and_rebuilds_matches_a_clean_build(edits, tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("edits")
    root = tmp_path / "root"
    shutil.copytree(SITES / "basic", root, ignore=shutil.ignore_patterns("expected*"))
    (root / "static").mkdir(exist_ok=True)
    shutil.rmtree(root / "content" / "posts" / "strides", ignore_errors=True)  # math-light
    posts = root / "content" / "posts"
    assemble.build(root)
    for step, what in enumerate(edits):
        post = posts / "padding" / "index.md"
        if what == "body" and post.exists():
            post.write_text(post.read_text() + f"\nEdit {step} with $x_{step}$.\n")
        elif what == "new-post":
            (posts / f"new{step}").mkdir(exist_ok=True)
            (posts / f"new{step}" / "index.md").write_text(
                f"---\ntitle: New {step}\ndate: 2024-05-0{step + 1}\ntags: [t{step}]\n---\n\nHi.\n")
        elif what == "delete-post" and post.exists():
            shutil.rmtree(post.parent)
        elif what == "bundle-file" and post.exists():
            (post.parent / f"f{step}.txt").write_text(f"file {step}")
        elif what == "drop-bundle-file":
            for extra in sorted(posts.glob("*/f*.txt"))[:1]:
                extra.unlink()
        elif what == "tag" and post.exists():
            post.write_text(post.read_text().replace("tags: [", f"tags: [x{step}, ", 1))
        elif what == "draft" and post.exists():
            post.write_text(post.read_text().replace("---\n", "---\ndraft: true\n", 1))
        elif what == "static":
            (root / "static" / f"s{step}.txt").write_text(f"static {step}")
        assemble.build(root)
    clean = tmp_path / "clean"
    assemble.build(root, clean, use_cache=False)
    assert files(root / "site") == files(clean)
    assert debris(root) == []


def test_a_file_saved_while_the_build_writes_is_picked_up_by_the_next_build(
        site_copy, monkeypatch):
    root = site_copy("basic")
    note = root / "static" / "note.txt"
    note.write_text("old")
    assemble.build(root)
    note.write_text("new one")
    original = write._swap

    def swap_then_save(staging, out):
        original(staging, out)
        note.write_text("newest!")  # saved by the author just as the build finishes

    monkeypatch.setattr(write, "_swap", swap_then_save)
    assemble.build(root)
    monkeypatch.setattr(write, "_swap", original)
    assemble.build(root)
    assert (root / "site" / "note.txt").read_text() == "newest!"


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_full_disk_while_rendering_stops_the_build_with_a_message(jobs, site_copy, monkeypatch):
    """The files a build makes wait in a spill folder beside the output: a disk that fills
    while they are written there (by the render workers too) ends the build with a message,
    never a traceback, and leaves the previous site as it was."""
    from engine import spill

    root = site_copy("basic")
    posts = root / "content" / "posts"
    for n in range(16):  # enough posts for the render pool to start its workers
        copy = posts / f"copy-{n}"
        shutil.copytree(posts / "strides", copy)
        text = (copy / "index.md").read_text()
        (copy / "index.md").write_text(text.replace("title: Strided convolutions",
                                                    f"title: Strided convolutions {n}"))
    assemble.build(root)
    old = files(root / "site")
    edit(root)

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(spill, "open", full, raising=False)
    with pytest.raises(BuildFailed) as failed:  # without the cache: every post renders again
        assemble.build(root, jobs=jobs, use_cache=False)
    assert any("No space left on device" in p.message and "previous site was left" in p.message
               for p in failed.value.problems), failed.value.problems
    assert files(root / "site") == old and debris(root) == []

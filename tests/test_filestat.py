"""A source file whose stat is unchanged is not read again (engine/filestat.py); any write
that keeps its size and modification time is still seen, and a file written within the
file system's clock tick of a build is never trusted by stat."""

from __future__ import annotations

import os
import pathlib
from types import SimpleNamespace

import pytest

from engine import assemble, filestat
from engine.cache import Cache

POST = "content/posts/{}/index.md"


@pytest.fixture
def trusting(monkeypatch):
    """Files written a moment ago count as old enough to be known by their stat."""
    monkeypatch.setattr(filestat, "RACY_NS", 0)
    monkeypatch.setattr(filestat, "COARSE_RACY_NS", 0)


def _reads(monkeypatch) -> list[str]:
    seen: list[str] = []
    real = pathlib.Path.read_bytes

    def read_bytes(self):
        if self.name.endswith(".md"):
            seen.append(self.name if self.name != "index.md" else self.parent.name)
        return real(self)

    monkeypatch.setattr(pathlib.Path, "read_bytes", read_bytes)
    return seen


def _first_post(root) -> pathlib.Path:
    return sorted((root / "content" / "posts").glob("*/index.md"))[0]


def test_an_unchanged_file_is_not_read_again(site_copy, trusting, monkeypatch):
    root = site_copy("basic")
    assemble.build(root)
    reads = _reads(monkeypatch)
    again = assemble.build(root)
    assert again.written == 0 and reads == []
    post = _first_post(root)
    post.write_text(post.read_text(encoding="utf-8") + "\nA new line.\n", encoding="utf-8")
    edited = assemble.build(root)
    assert set(reads) == {post.parent.name} and edited.written > 0  # parsed, then rendered
    assert "A new line." in (root / "site" / _url_of(root, post)).read_text(encoding="utf-8")


def test_a_write_keeping_size_and_modification_time_is_seen(site_copy, trusting):
    root = site_copy("basic")
    post = _first_post(root)
    text = post.read_text(encoding="utf-8")
    assert "the" in text
    assemble.build(root)
    st = post.stat()
    post.write_text(text.replace("the", "THE", 1), encoding="utf-8")  # same size
    os.utime(post, ns=(st.st_atime_ns, st.st_mtime_ns))  # as `touch -r` or `rsync -t` do
    assert post.stat().st_size == st.st_size and post.stat().st_mtime_ns == st.st_mtime_ns
    assemble.build(root)
    assert "THE" in (root / "site" / _url_of(root, post)).read_text(encoding="utf-8")


def test_a_file_written_within_the_clock_tick_is_not_recorded(tmp_path):
    path = tmp_path / "index.md"
    path.write_text("x")
    old = tmp_path / "old.md"
    old.write_text("y")
    cache = Cache(tmp_path / "cache.sqlite")
    known = filestat.Known(cache, str(tmp_path), "v1")
    # its times are set back, but its change time cannot be: it was just written
    os.utime(old, ns=(0, 0))
    for p in (path, old):
        known.note(p.name, p.stat(), "key-" + p.name)
    assert known.fresh == {}
    known.now += 2 * filestat.COARSE_RACY_NS  # the same files, seen by a build much later
    for p in (path, old):
        known.note(p.name, p.stat(), "key-" + p.name)
    known.save()
    cache.flush()
    later = filestat.Known(cache, str(tmp_path), "v1")
    assert later.key("index.md", path.stat()) == "key-index.md"
    assert filestat.Known(cache, str(tmp_path), "v2").key("index.md", path.stat()) is None


def test_times_in_whole_seconds_wait_out_a_coarse_clock(tmp_path):
    known = filestat.Known(Cache(None), str(tmp_path), "v1")
    fine = known.now - 5 * filestat.RACY_NS - 123  # a file system stamping nanoseconds
    second = (known.now // 10**9 - 1) * 10**9  # a whole second, between 1 and 2 s ago
    for name, stamp in (("fine", fine), ("coarse", second)):
        known.note(name, SimpleNamespace(st_size=1, st_ino=1, st_mtime_ns=stamp,
                                         st_ctime_ns=stamp), "key")
    assert set(known.fresh) == {"fine"}


def _url_of(root, post) -> str:
    from engine import content

    return content.load_post(root, post).url + "index.html"


def _listings(monkeypatch) -> list[str]:
    from engine import tree

    listed: list[str] = []
    real = tree.listing

    def spy(folder, *args, **kwargs):
        if os.path.basename(os.path.dirname(folder)) == "posts":  # post folders only
            listed.append(os.path.basename(folder))
        return real(folder, *args, **kwargs)

    monkeypatch.setattr(tree, "listing", spy)
    return listed


def test_an_unchanged_post_folder_is_not_listed_again(site_copy, trusting, monkeypatch):
    root = site_copy("basic")
    assemble.build(root)
    listed = _listings(monkeypatch)
    assemble.build(root)
    assert listed == []


def test_a_file_added_beside_a_post_or_below_it_is_published(site_copy, trusting):
    root = site_copy("basic")
    folder = root / "content" / "posts" / "strides"
    (folder / "figures").mkdir()
    assemble.build(root)
    url = _url_of(root, folder / "index.md").removesuffix("index.html")
    (folder / "notes.txt").write_text("beside")
    assemble.build(root)
    assert (root / "site" / url / "notes.txt").read_text() == "beside"
    (folder / "figures" / "deep.txt").write_text("below")  # the post folder's times stay
    assemble.build(root)
    assert (root / "site" / url / "figures" / "deep.txt").read_text() == "below"
    (folder / "notes.txt").unlink()
    assemble.build(root)
    assert not (root / "site" / url / "notes.txt").exists()


def test_a_folder_holding_a_link_is_listed_every_time(site_copy, trusting, monkeypatch):
    root = site_copy("basic")
    folder = root / "content" / "posts" / "strides"
    os.symlink(folder / "data.csv", folder / "linked.csv")
    assemble.build(root)
    listed = _listings(monkeypatch)
    assemble.build(root)
    assert listed == ["strides"]


def test_a_folder_changed_within_the_clock_tick_is_listed_again(site_copy, monkeypatch):
    root = site_copy("basic")  # just copied: every folder is too recent to be trusted
    assemble.build(root)
    listed = _listings(monkeypatch)
    assemble.build(root)
    assert sorted(listed) == ["padding", "strides", "wip"]

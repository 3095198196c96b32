"""The cache drops the posts' entries a build no longer uses (engine versions, edits), once
enough posts have rendered since the last sweep; what the build uses stays."""

from __future__ import annotations

import sqlite3

from engine import assemble


def _rows(root) -> dict[str, int]:
    db = sqlite3.connect(root / ".cache" / "cache.sqlite")
    try:
        return dict(db.execute("SELECT ns, count(*) FROM entries GROUP BY ns").fetchall())
    finally:
        db.close()


def test_entries_of_an_older_engine_are_dropped(site_copy, monkeypatch):
    root = site_copy("basic", warm=False)
    monkeypatch.setattr(assemble, "SWEEP_AFTER", 1)
    monkeypatch.setattr(assemble, "code_version", lambda: "engine-1")
    first = assemble.build(root)
    n = first.posts + first.pages
    before = _rows(root)
    assert before["info"] == before["post"] == n  # (one source is a draft)
    monkeypatch.setattr(assemble, "code_version", lambda: "engine-2")
    assemble.build(root)
    after = _rows(root)
    for ns in ("info", "post", "search-text", "source", "recorded"):
        assert after[ns] == before[ns], ns  # not twice as many
    again = assemble.build(root)  # and what is left is what a build uses
    assert again.cache_hits == n and again.written == 0


def test_few_renders_leave_the_cache_alone_until_they_add_up(site_copy, monkeypatch):
    root = site_copy("basic", warm=False)
    monkeypatch.setattr(assemble, "SWEEP_AFTER", 3)
    first = assemble.build(root)
    n = first.posts + first.pages
    assert n < 3 * 4  # a quarter of the site is less than SWEEP_AFTER here
    post = sorted((root / "content" / "posts").glob("*/index.md"))[0]
    edits = []
    for i in range(3):
        post.write_text(post.read_text(encoding="utf-8") + f"\nEdit {i}.\n", encoding="utf-8")
        assemble.build(root)
        edits.append(_rows(root)["info"])
    # renders since the last sweep: n (the first build) >= 3, so that build swept an empty
    # cache; then 1 and 2 edits keep their old entries, the third reaches 3 and sweeps
    assert edits == [n + 1, n + 2, n]

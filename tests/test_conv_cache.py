"""Figures drawn in render workers reach the on-disk cache (workers only read it)."""

from __future__ import annotations

import sqlite3

from engine import assemble
from plugins.conv import block

BLOCK = """```conv
input: |
  1 2 0
  0 1 2
  2 0 1
kernel: |
  1 0
  0 1
file: small.gif
```
"""


def test_figures_drawn_by_workers_are_cached(tmp_path, monkeypatch):
    root = tmp_path / "site-root"
    (root / "content" / "posts").mkdir(parents=True)
    (root / "site.toml").write_text('title = "T"\nplugins = ["conv"]\n')
    for n in range(16):  # enough posts for the build to use a process pool
        folder = root / "content" / "posts" / f"p{n:02}"
        folder.mkdir()
        extra = BLOCK if n == 0 else ""
        (folder / "index.md").write_text(f"---\ntitle: P{n}\ndate: 2024-01-{n + 1:02}\n---\n\n"
                                         f"Post {n}.\n\n{extra}")
    first = assemble.build(root, jobs=2)
    assert first.posts == 16
    db = sqlite3.connect(root / ".cache" / "cache.sqlite")
    assert db.execute("SELECT count(*) FROM entries WHERE ns='plugin'").fetchone()[0] == 1
    db.close()
    gif = (root / "site" / "p00" / "small.gif").read_bytes()

    def no_drawing(spec, trace):
        raise AssertionError("a prose edit must not draw the figure again")

    monkeypatch.setattr(block, "draw", no_drawing)
    post = root / "content" / "posts" / "p00" / "index.md"
    post.write_text(post.read_text().replace("Post 0.", "Post zero, edited."))
    again = assemble.build(root, jobs=1)
    assert again.cache_hits == 15
    assert (root / "site" / "p00" / "small.gif").read_bytes() == gif


def test_feed_gets_posters_and_a_clashing_file_is_an_error(tmp_path, capsys):
    import build

    root = tmp_path / "site-root"
    folder = root / "content" / "posts" / "p"
    folder.mkdir(parents=True)
    (root / "site.toml").write_text('title = "T"\nbase_url = "https://example.org/"\n'
                                   'plugins = ["conv"]\n')
    (folder / "index.md").write_text(f"---\ntitle: P\ndate: 2024-01-01\n---\n\n{BLOCK}")
    assemble.build(root)
    feed = (root / "site" / "feed.xml").read_text()
    assert "small.png" in feed and "&lt;img src=&#34;./small.gif" not in feed
    assert 'src="./small.gif"' in (root / "site" / "p" / "index.html").read_text()
    (folder / "small.gif").write_bytes(b"GIF89a")
    assert build.main(["--root", str(root), "-q"]) == 1
    assert "`small.gif` is both a file beside the post" in capsys.readouterr().err

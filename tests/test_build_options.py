"""What the build includes and where it writes: drafts, future posts, `check`, `--out`."""

from __future__ import annotations

import datetime as dt

import build
from engine import assemble


def _post(root, slug, frontmatter):
    folder = root / "content" / "posts" / slug
    folder.mkdir(parents=True)
    (folder / "index.md").write_text(f"---\ntitle: {slug}\n{frontmatter}\n---\n\nText.\n")


def test_future_posts_and_drafts_are_left_out_and_counted(site_copy):
    root = site_copy("basic")
    _post(root, "later", "date: 2031-01-01")
    now = dt.datetime(2030, 1, 1, tzinfo=dt.timezone.utc)
    summary = assemble.build(root, now=now)
    assert not (root / "site" / "later").exists()
    assert summary.future_skipped == 1 and summary.drafts_skipped == 1  # basic has a draft
    assert "left out 1 draft(s) (add --drafts), 1 post(s) dated in the future (add --future)" \
        in summary.line()
    assemble.build(root, now=now, future=True, drafts=True)
    assert (root / "site" / "later" / "index.html").exists()
    assert (root / "site" / "wip" / "index.html").exists()


def test_check_writes_nothing_not_even_the_cache(site_copy, capsys):
    root = site_copy("basic")
    assert build.main(["check", "--root", str(root)]) == 0
    assert sorted(p.name for p in root.iterdir()) == ["content", "site.toml", "static"]


def test_out_folder_is_recognised_without_the_cache(site_copy, tmp_path, capsys):
    root = site_copy("basic")
    out = tmp_path / "public"
    assert build.main(["--root", str(root), "--out", str(out), "--no-cache", "-q"]) == 0
    assert build.main(["--root", str(root), "--out", str(out), "--no-cache", "-q"]) == 0
    (out.parent / "other").mkdir()
    (out.parent / "other" / "mine.txt").write_text("keep me")
    assert build.main(["--root", str(root), "--out", str(out.parent / "other"), "-q"]) == 1
    assert "was not written by this generator" in capsys.readouterr().err
    assert (out.parent / "other" / "mine.txt").read_text() == "keep me"


class _Terminal:
    """A stand-in for a terminal on stderr."""

    def __init__(self):
        self.text = ""

    def isatty(self):
        return True

    def write(self, text):
        self.text += text

    def flush(self):
        pass


def test_a_progress_bar_on_a_terminal_only(site_copy, monkeypatch, capsys):
    from engine import progress

    monkeypatch.setattr(progress, "DELAY", 0.0)
    root = site_copy("basic")
    terminal = _Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    assemble.build(root, progress=True, jobs=1, use_cache=False)
    assert "rendering" in terminal.text
    monkeypatch.undo()
    assert build.main(["--root", str(root), "--no-cache"]) == 0  # stderr is not a terminal here
    assert "rendering" not in capsys.readouterr().err

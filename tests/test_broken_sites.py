"""One broken site per kind of error: the build stops with `path:line: error: ...` naming
every problem, exits 1, and leaves the previous site/ exactly as it was."""

from __future__ import annotations


import pytest

import build
from conftest import SITES

BROKEN = sorted(p.name for p in (SITES / "broken").iterdir() if p.is_dir())


@pytest.mark.parametrize("name", BROKEN)
def test_broken_site_reports_and_keeps_previous_site(name, site_copy, capsys):
    root = site_copy(f"broken/{name}")
    previous = root / "site"
    previous.mkdir()
    (previous / "index.html").write_text("previous build")
    expected = (SITES / "broken" / name / "expected.txt").read_text().splitlines()

    status = build.main(["--root", str(root), "-q"])

    err = capsys.readouterr().err
    assert status == 1
    for line in expected:
        assert line in err, f"expected {line!r} in:\n{err}"
    assert "build failed" in err
    assert [p.name for p in previous.iterdir()] == ["index.html"]
    assert (previous / "index.html").read_text() == "previous build"
    assert not list(root.glob(".site-*")), "staging folders must be cleaned up"


def test_every_broken_site_has_an_expectation():
    for name in BROKEN:
        assert (SITES / "broken" / name / "expected.txt").read_text().strip(), name

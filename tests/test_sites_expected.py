"""Small whole sites built and compared with their expected output, byte for byte.

Regenerate after an intended change with `UPDATE_EXPECTED=1 python -m pytest
tests/test_sites_expected.py` and review the diff. The theme's assets and Pagefind's search
bundle are left out: they are copied or made by a pinned tool, not written by the engine
(tests/test_reader.py checks the bundle is there and rebuilds identically).
"""

from __future__ import annotations

import os
import shutil

import pytest

from conftest import SITES
from engine import assemble

NAMES = ["basic"]


@pytest.mark.parametrize("name", NAMES)
def test_site_matches_expected_output(name, site_copy):
    root = site_copy(name)
    summary = assemble.build(root, use_cache=False)
    assert summary.warnings == ()
    built = {p.relative_to(root / "site").as_posix(): p.read_bytes()
             for p in sorted((root / "site").rglob("*"))
             if p.is_file() and not p.relative_to(root / "site").as_posix().startswith(
                 ("assets/", "pagefind/"))}
    expected_dir = SITES / name / "expected"
    if os.environ.get("UPDATE_EXPECTED"):
        shutil.rmtree(expected_dir, ignore_errors=True)
        for rel, data in built.items():
            (expected_dir / rel).parent.mkdir(parents=True, exist_ok=True)
            (expected_dir / rel).write_bytes(data)
    expected = {p.relative_to(expected_dir).as_posix(): p.read_bytes()
                for p in sorted(expected_dir.rglob("*")) if p.is_file()}
    assert sorted(built) == sorted(expected)
    for rel in expected:
        assert built[rel] == expected[rel], rel

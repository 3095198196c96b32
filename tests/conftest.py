"""Shared fixtures: the repository root on sys.path, and helpers to build sites in tmp."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

SEED = REPO / "content" / "posts" / "convnet-dont-do-conv" / "index.md"
SITES = Path(__file__).resolve().parent / "sites"


@pytest.fixture
def site_copy(tmp_path):
    """Copy a site under tests/sites (or the shipped site, name '.') into tmp; returns its root."""

    def copy(name: str) -> Path:
        root = tmp_path / "site-root"
        source = REPO if name == "." else SITES / name
        if name == ".":
            root.mkdir()
            for part in ("site.toml", "content", "static"):
                if (source / part).is_dir():
                    shutil.copytree(source / part, root / part)
                elif (source / part).exists():
                    shutil.copy(source / part, root / part)
        else:
            shutil.copytree(source, root, ignore=shutil.ignore_patterns("expected*"))
        return root

    return copy

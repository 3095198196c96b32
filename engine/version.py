"""The version of the engine's code, for cache keys: a change to any of it is a miss.

Plugins are versioned apart (`plugin_host`): each one's code, options and declared packages go
into the key of the posts it renders, so editing one plugin does not invalidate the others.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
import sys
from pathlib import Path

_HERE = Path(__file__).resolve().parent
_PACKAGES = ("markdown-it-py", "mdit-py-plugins", "pygments", "sphinxcontrib-katex", "mini-racer",
             "pillow", "jinja2", "pyyaml", "msgpack", "babel", "python-slugify")


@functools.cache
def code_version() -> str:
    parts = (digest_of_sources(_HERE, _HERE.parent), *versions(_PACKAGES))
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def digest_of_sources(where: Path, base: Path) -> str:
    """SHA-256 of the Python files at `where` (a file, or a folder and its subfolders), each
    named by its path relative to `base`."""
    h = hashlib.sha256()
    for path in sorted(where.rglob("*.py")) if where.is_dir() else [where]:
        h.update(path.relative_to(base).as_posix().encode() + b"\0")
        h.update(path.read_bytes())
    return h.hexdigest()


def versions(packages: tuple[str, ...]) -> tuple[str, ...]:
    """`name==version` (or `name missing`) of each installed package, for cache keys."""
    out = []
    for name in packages:
        version = _installed().get(_normal(name)) or _metadata_version(name)
        out.append(f"{name}=={version}" if version else f"{name} missing")
    return tuple(out)


_DIST_INFO = re.compile(r"^(.+?)-([^-]+)\.dist-info$")


@functools.cache
def _installed() -> dict[str, str]:
    """Installed distributions by normalized name, read from the `*.dist-info` folder names
    on sys.path (the first one wins, as for imports). Importing `importlib.metadata` costs
    more than a no-op build's own work; it stays the fallback for other layouts."""
    found: dict[str, str] = {}
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for name in names:
            m = _DIST_INFO.match(name)
            if m:
                found.setdefault(_normal(m.group(1)), m.group(2))
    return found


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


def _metadata_version(name: str) -> str | None:
    from importlib import metadata

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None

"""The version of the engine's code, for cache keys: a change to any of it is a miss.

Plugins are versioned apart (`plugin_host`): each one's code, options and declared packages go
into the key of the posts it renders, so editing one plugin does not invalidate the others.
"""

from __future__ import annotations

import functools
import hashlib
from importlib import metadata
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
        try:
            out.append(f"{name}=={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            out.append(f"{name} missing")
    return tuple(out)

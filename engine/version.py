"""The version of the code that renders, for cache keys: a change to any of it is a miss."""

from __future__ import annotations

import functools
import hashlib
from importlib import metadata
from pathlib import Path

_HERE = Path(__file__).resolve().parent
_PACKAGES = ("markdown-it-py", "mdit-py-plugins", "pygments", "pykatex", "numpy",
             "matplotlib", "pillow", "jinja2", "pyyaml", "babel", "python-slugify")


@functools.cache
def code_version() -> str:
    h = hashlib.sha256()
    for folder in (_HERE, _HERE.parent / "plugins"):
        for path in sorted(folder.rglob("*.py")):
            h.update(path.relative_to(_HERE.parent).as_posix().encode() + b"\0")
            h.update(path.read_bytes())
    for name in _PACKAGES:
        try:
            h.update(f"{name}=={metadata.version(name)}\0".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{name} missing\0".encode())
    return h.hexdigest()

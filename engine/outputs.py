"""What a build produces, before anything is written: path -> bytes, a file to copy, a
`Spilled` file (bytes made by this build, held on disk rather than in memory), or a
`Deferred` whose digest is known from the cache and whose bytes are made (by `plan.realize`,
before writing starts) only when the previous site does not already hold them."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Union


@dataclass(frozen=True)
class Deferred:
    digest: str
    produce: Callable[[], bytes]


@dataclass(frozen=True)
class Spilled:
    """Bytes this build made, kept in a file of the build's spill folder (`spill.py`); the
    writer moves the file into the site."""

    digest: str
    path: Path


Output = Union[bytes, Path, Deferred, Spilled]


def digest_of(value: Output) -> str:
    if isinstance(value, (Deferred, Spilled)):
        return value.digest
    data = value.read_bytes() if isinstance(value, Path) else value
    return hashlib.sha256(data).hexdigest()

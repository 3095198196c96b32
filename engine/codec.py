"""Plain data in and out of the cache, with MessagePack: nothing stored can run code.

Pickle would rebuild any object a cache file names, so whoever can write `.cache/` could run
code in the next build. This codec knows plain values (None, bools, numbers, text, bytes,
lists, dicts), tuples, datetimes and a fixed list of the engine's own frozen value classes,
rebuilt field by field. Anything else is refused when stored and is a miss when read.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib

import msgpack

_TUPLE, _DATETIME, _VALUE = 1, 2, 3
# the value classes a cache entry may name, and the module that defines each
_CLASSES = {
    "Post": "engine.content", "Problem": "engine.errors", "Ref": "engine.rendered",
    "PostInfo": "engine.rendered", "Rendered": "engine.rendered", "Typeset": "engine.math",
}


class CodecError(ValueError):
    """A value that is not plain data, or bytes that are not a stored value."""


def dumps(value: object) -> bytes:
    try:
        return msgpack.packb(value, default=_encode, use_bin_type=True, strict_types=True)
    except (TypeError, ValueError, OverflowError) as exc:
        raise CodecError(f"not plain data: {exc}") from None


def loads(data: bytes) -> object:
    try:
        return msgpack.unpackb(data, ext_hook=_decode, raw=False, strict_map_key=False)
    except CodecError:
        raise
    except Exception as exc:  # msgpack raises several kinds on truncated or foreign bytes
        raise CodecError(f"not a stored value: {exc}") from None


def _encode(value: object) -> msgpack.ExtType:
    if isinstance(value, tuple):
        return msgpack.ExtType(_TUPLE, dumps(list(value)))
    if isinstance(value, dt.datetime):
        return msgpack.ExtType(_DATETIME, value.isoformat().encode())
    if isinstance(value, list):  # a list subclass (strict_types) is stored as a list
        return list(value)
    if isinstance(value, dict):
        return dict(value)
    if isinstance(value, str):
        return str(value)
    name = type(value).__name__
    if dataclasses.is_dataclass(value) and _CLASSES.get(name) == type(value).__module__:
        fields = {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
        return msgpack.ExtType(_VALUE, dumps([name, fields]))
    raise TypeError(f"cannot store a {type(value).__qualname__}")


def _decode(code: int, data: bytes) -> object:
    if code == _TUPLE:
        return tuple(loads(data))
    if code == _DATETIME:
        return dt.datetime.fromisoformat(data.decode())
    if code == _VALUE:
        name, fields = loads(data)
        module = _CLASSES.get(name)
        if module is None:
            raise CodecError(f"unknown value class {name!r}")
        cls = getattr(importlib.import_module(module), name)
        try:
            return cls(**fields)
        except TypeError as exc:  # fields from another version of the class
            raise CodecError(str(exc)) from None
    raise CodecError(f"unknown extension {code}")

"""What the last build loaded, in one parted cache entry: a build reads every post's parse and
render info, and one row and one object decode each cost more than everything else a no-op
does with them (at 10,000 posts, 0.15 s for the parsed posts and as much for their infos).

The values are kept as plain field lists under their own (content-addressed) keys, in the
cache's parted rows (`Cache.put_parts`: an edit rewrites the part its post falls in), so one
query and one decode each serve them all; a key not recorded comes from the cache's
namespace as before. A key names one value forever: the record changes when the keys do.
"""

from __future__ import annotations

import dataclasses

from .cache import Cache, digest


class Recorded:
    """The values of `cls` (a dataclass the codec stores) by key, for one site and engine."""

    def __init__(self, cache: Cache, ns: str, cls: type, *where: object):
        self.cache, self.ns, self.cls = cache, ns, cls
        self.where = digest("recorded", ns, *where)
        self.fields: dict = cache.get_parts("recorded", self.where) or {}

    def get_many(self, keys: list[str]) -> dict[str, object]:
        """The values found for `keys`, recorded or in the namespace."""
        found, rest = {}, []
        for key in keys:
            fields = self.fields.get(key)
            if fields is None:
                rest.append(key)
                continue
            try:
                found[key] = self.cls(*fields)
            except TypeError:  # fields of another version of the class
                rest.append(key)
        found.update(self.cache.get_many(self.ns, rest))
        return found

    def save(self, values: dict[str, object]) -> None:
        """Record `values` (this build's, by key) for the next build."""
        if values.keys() == self.fields.keys():
            return
        self.cache.put_parts("recorded", self.where, {
            key: self.fields.get(key) or tuple(getattr(value, f.name)
                                               for f in dataclasses.fields(value))
            for key, value in values.items()})

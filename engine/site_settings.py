"""The reader-facing settings of `site.toml`: menu, pagination, table of contents, related
posts, search, the social image, the language and free `[params]` for templates.

`config.load_config` calls `load()` with its own `bad` and `check_keys` reporters, so every
problem lands at its `site.toml` line with the others.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from types import MappingProxyType

KEYS = {"menu", "paginate", "toc", "related", "search", "image", "params"}
_MENU_KEYS = {"name", "url"}


@dataclass(frozen=True)
class MenuItem:
    name: str
    url: str  # site-relative ("about/") or absolute ("https://...")

    @property
    def external(self) -> bool:
        return bool(re.match(r"^[a-z][a-z0-9+.-]*:", self.url))


@dataclass(frozen=True)
class ReaderSettings:
    menu: tuple[MenuItem, ...] | None = None  # None: the default menu (pages, archive, tags)
    paginate: int = 10                         # posts per index page; 0: one page
    toc: bool = False                          # a table of contents on every post
    related: int = 3                           # related posts shown under a post; 0: none
    search: bool = True                        # a search page and a Pagefind index
    image: str = ""                            # the site's social card image (site-relative)
    params: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))

    def __repr__(self) -> str:  # part of cache keys: stable and complete
        return (f"ReaderSettings({self.menu!r}, {self.paginate}, {self.toc}, {self.related}, "
                f"{self.search}, {self.image!r}, {sorted(self.params.items())!r})")


def load(data: dict, bad, check_keys) -> ReaderSettings:
    """Validate the reader settings in `data` (the parsed site.toml), reporting through `bad`."""

    def count(key: str, default: int) -> int:
        value = data.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            bad(key, f"`{key}` must be a whole number, 0 or more, got {value!r}")
            return default
        return value

    def flag(key: str, default: bool) -> bool:
        value = data.get(key, default)
        if not isinstance(value, bool):
            bad(key, f"`{key}` must be true or false, got {value!r}")
            return default
        return value

    image = data.get("image", "")
    if not isinstance(image, str) or image.startswith("/") or ".." in image.split("/"):
        bad("image", f"`image` must be a path inside the site such as \"assets/card.png\" "
                     f"(no leading `/`), got {image!r}")
        image = ""
    params = data.get("params", {})
    if not isinstance(params, dict):
        bad("params", "`params` must be a table: `[params]` then `key = value` lines")
        params = {}
    return ReaderSettings(menu=_menu(data, bad, check_keys), paginate=count("paginate", 10),
                          toc=flag("toc", False), related=count("related", 3),
                          search=flag("search", True), image=image,
                          params=MappingProxyType(dict(params)))


def _menu(data: dict, bad, check_keys) -> tuple[MenuItem, ...] | None:
    if "menu" not in data:
        return None
    menu = data["menu"]
    example = '`[[menu]]` tables with `name = "About"` and `url = "about/"`'
    if not isinstance(menu, list):
        bad("menu", f"`menu` must be a list of {example}")
        return None
    items = []
    for entry in menu:
        if not isinstance(entry, dict):
            bad("menu", f"every `menu` entry must be a table; write {example}")
            continue
        check_keys(entry, _MENU_KEYS, "menu.")
        name, url = entry.get("name"), entry.get("url")
        if not isinstance(name, str) or not name.strip():
            bad("menu", f"a `menu` entry needs a `name` in quotes, got {name!r}")
            continue
        if not isinstance(url, str) or url.startswith("/") or ".." in url.split("/"):
            bad("menu", f"menu entry `{name}` needs a `url`: site-relative like \"about/\" "
                        f"(no leading `/`) or absolute like \"https://...\", got {url!r}")
            continue
        items.append(MenuItem(name.strip(), url))
    return tuple(items)

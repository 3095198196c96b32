"""Pages that list posts: the paginated index (`/`, `/page/2/`, ...), one page per tag, the
`/tags/` index with counts, the year archive, and the search page. Each is described as a
`Listing` (template, URL, context) so `pages.py` can key and cache it like any page.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .config import Config
from .site_settings import MenuItem
from .urls import Tag
from .views import Values


@dataclass
class Listing:
    template: str
    url: str
    title: str
    description: str = ""
    items: list = field(default_factory=list)  # post values shown, for the cache key
    extra: dict = field(default_factory=dict)


def menu(config: Config, pages: list, search: bool) -> tuple:
    """The site's menu: `menu` from site.toml, else every standalone page (by title), the
    archive, the tags and search."""
    t = _labels(config)
    items = config.reader.menu
    if items is None:
        items = tuple(MenuItem(p.title, p.url) for p in sorted(pages, key=lambda p: p.title))
        items += (MenuItem(t["archive"], "archive/"), MenuItem(t["tags"], "tags/"))
        if search:
            items += (MenuItem(t["search"], "search/"),)
    return items


def index_pages(config: Config, items: list) -> list[Listing]:
    """The index, `paginate` posts a page; page 1 is the site root, page n is `page/n/`."""
    out = []
    for url, chunk, pagination in _paginated(config, items, ""):
        title = config.title if pagination.number == 1 else pagination.label
        out.append(Listing("index.html", url, title, config.description, chunk,
                           {"pagination": pagination}))
    return out


def tag_pages(config: Config, items: list, tags: dict[str, Tag]) -> list[Listing]:
    """A tag's posts, `paginate` a page like the index (`tags/<tag>/page/2/`...), and the
    `/tags/` index with counts."""
    by_url: dict[str, list] = {}
    shown: dict[str, Tag] = {}
    for item in items:
        for tag in item.tags:
            by_url.setdefault(tag.url, []).append(item)
            shown[tag.url] = tag
    t = _labels(config)
    out = []
    for tag_url in sorted(by_url):
        title = f"{t['tagged']} “{shown[tag_url].name}”"
        for url, chunk, pagination in _paginated(config, by_url[tag_url], tag_url):
            out.append(Listing("tag.html", url, title if pagination.number == 1 else
                               f"{title} · {pagination.label}", "", chunk,
                               {"tag": shown[tag_url], "count": len(by_url[tag_url]),
                                "pagination": pagination}))
    counts = [Values(name=shown[url].name, url=url, count=len(by_url[url]))
              for url in sorted(by_url, key=lambda u: shown[u].name.casefold())]
    out.append(Listing("tags.html", "tags/", t["tags_title"], "",
                       [(c.name, c.url, c.count) for c in counts], {"tags": counts}))
    return out


def _paginated(config: Config, items: list, first: str) -> list[tuple[str, list, Values]]:
    """`items` in pages of `paginate` (all on one page when 0): (URL, items, pagination),
    page 1 at `first` and page n at `<first>page/n/`."""
    size = config.reader.paginate or max(1, len(items))
    chunks = [items[i:i + size] for i in range(0, len(items), size)] or [[]]
    t = _labels(config)

    def url(n: int) -> str:
        return first if n == 1 else f"{first}page/{n}/"

    return [(url(n), chunk, Values(number=n, total=len(chunks),
                                   newer=url(n - 1) if n > 1 else None,
                                   older=url(n + 1) if n < len(chunks) else None,
                                   label=t["page_n"].format(n=n, total=len(chunks))))
            for n, chunk in enumerate(chunks, 1)]


def archive_page(config: Config, items: list) -> Listing:
    years: dict[int, list] = {}
    for item in items:
        years.setdefault(item.date.year, []).append(item)
    groups = [Values(year=y, posts=years[y]) for y in sorted(years, reverse=True)]
    return Listing("archive.html", "archive/", _labels(config)["archive_title"], "", items,
                   {"years": groups})


def search_page(config: Config, bundles: list[str]) -> Listing:
    """The search page; `bundles` are the search index's folders (the first one loads the
    others)."""
    merged = " ".join("../" + path for path in bundles[1:])
    return Listing("search.html", "search/", _labels(config)["search"], "",
                   [("bundles", merged)], {"merged_bundles": merged})


def _labels(config: Config) -> dict[str, str]:
    from .i18n import labels

    return labels(config.lang)

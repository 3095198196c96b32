"""What a post links to besides itself: the older and newer post, related posts by shared
tags, and the other parts of its series. Computed from frontmatter alone, before any post
is rendered, so a page (and its cache key) knows all of it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, fields

from .cache import digest
from .content import Post
from .urls import Tag, sort_key

# A tag on thousands of posts says little about any two of them; counting every pair would be
# O(posts^2). Each post looks at this many posts of each of its tags, nearest in date first.
_NEIGHBOURS_PER_TAG = 60


@dataclass(frozen=True)
class Link:
    title: str
    url: str


@dataclass(frozen=True)
class Nav:
    previous: Link | None = None      # the next older post
    next: Link | None = None          # the next newer post
    related: tuple[Link, ...] = ()
    series: str = ""
    series_posts: tuple[Link, ...] = ()  # oldest first
    series_index: int = 0                # 1-based position of this post in its series


def plan(posts: list[Post], tags: dict[str, Tag], related: int, cache=None) -> dict[str, Nav]:
    """Nav by post source, for posts (not pages). `posts` are newest first.

    The related posts, the only costly part, come from `cache` when no post's URL or tags
    changed."""
    blog = [p for p in posts if p.kind == "post"]
    links = [Link(p.title, p.url) for p in blog]
    by_tag: dict[str, list[int]] = {}
    for i, post in enumerate(blog):
        for url in dict.fromkeys(tags[t].url for t in post.tags if t in tags):
            by_tag.setdefault(url, []).append(i)
    series: dict[str, list[int]] = {}
    for i, post in enumerate(blog):
        if post.series:
            series.setdefault(post.series, []).append(i)
    for members in series.values():
        members.sort(key=lambda i: (sort_key(blog[i].date), blog[i].source))
    key = digest("related", related, [(p.url, tuple(tags[t].url for t in p.tags if t in tags))
                                      for p in blog])
    near = cache.get("related", key) if cache is not None else None
    if near is None:
        near = [_related(i, blog, tags, by_tag, related) for i in range(len(blog))]
        if cache is not None:
            cache.put("related", key, near)
    navs = {}
    for i, post in enumerate(blog):
        members = series.get(post.series, [])
        navs[post.source] = Nav(
            previous=links[i + 1] if i + 1 < len(blog) else None,
            next=links[i - 1] if i > 0 else None,
            related=tuple(links[j] for j in near[i]),
            series=post.series, series_posts=tuple(links[j] for j in members),
            series_index=members.index(i) + 1 if members else 0)
    return navs


def text(nav: Nav) -> str:
    """`nav` as text, for the key of its post's page: the dataclasses' own repr took a tenth
    of a no-op build. Links become (title, url); a tuple of links, a list of them."""
    return repr([(v.title, v.url) if isinstance(v, Link)
                 else [(link.title, link.url) for link in v] if isinstance(v, tuple) else v
                 for v in map(nav.__getattribute__, _NAV_FIELDS)])


_NAV_FIELDS = tuple(f.name for f in fields(Nav))


def _related(i: int, blog: list[Post], tags: dict[str, Tag], by_tag: dict[str, list[int]],
             count: int) -> list[int]:
    """The `count` posts sharing most tags with post i; ties go to the nearest in date."""
    if not count:
        return []
    shared: Counter = Counter()
    for url in dict.fromkeys(tags[t].url for t in blog[i].tags if t in tags):
        members = by_tag[url]
        at = _position(members, i)
        lo = max(0, at - _NEIGHBOURS_PER_TAG // 2)
        for j in members[lo:lo + _NEIGHBOURS_PER_TAG]:
            if j != i:
                shared[j] += 1
    return sorted(shared, key=lambda j: (-shared[j], abs(j - i), j))[:count]


def _position(members: list[int], i: int) -> int:
    import bisect

    return bisect.bisect_left(members, i)

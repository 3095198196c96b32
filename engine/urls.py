"""The URL plan: the order of posts, the URLs the site reserves, and one URL per tag.

Tags: a tag's URL is `tags/<slug(name)>/` (engine/slug.py). Spellings that differ only in
case (`NumPy`, `numpy`) are one tag, shown with the spelling most posts use (ties: the first
in alphabetical order), and every post using another spelling gets a warning at its `tags`
line. Two different names with one slug (`C++` and `cpp`) are an error naming both posts and
lines: one would silently take the other's page.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re
from collections import Counter
from dataclasses import dataclass

from .content import Post
from .errors import Problem, Report, source_line
from .slug import slug

# URL prefixes the site itself needs, and what needs them (for the error message)
RESERVED = {"assets/": "the theme's assets", "tags/": "the tag pages", "page/": "the index's "
            "pages", "archive/": "the archive", "search/": "the search page",
            "pagefind/": "the search index", "pagefind-": "the search index"}
RESERVED_FILES = ("index.html", "404.html", "feed.xml", "feed.json", "sitemap.xml", "robots.txt")


@dataclass(frozen=True)
class Tag:
    name: str
    url: str


@functools.lru_cache(maxsize=1 << 16)  # several sorts and checks of every post, every build
def sort_key(date: dt.datetime | None) -> dt.datetime:
    if date is None:
        return dt.datetime.min
    if date.tzinfo is not None:
        return date.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return date


def sort_newest_first(posts: list[Post]) -> list[Post]:
    blog = sorted((p for p in posts if p.kind == "post"), key=lambda p: p.source)
    blog.sort(key=lambda p: sort_key(p.date), reverse=True)
    return blog + sorted((p for p in posts if p.kind == "page"), key=lambda p: p.source)


def check_urls(posts: list[Post], report: Report) -> None:
    """Two sources with one URL, or a URL the site itself needs, is an error naming both."""
    owners: dict[str, Post] = {}
    for post in sorted(posts, key=lambda p: p.source):
        line = post.url_line
        owner = "the index page" if post.url == "" else next(
            (what for prefix, what in RESERVED.items() if post.url.startswith(prefix)), None)
        if owner:
            report.error(Problem(f"URL `/{post.url}` is reserved for {owner}; choose another "
                                 "`path` or `slug`", post.source, line))
        elif post.url in owners:
            other = owners[post.url]
            report.error(Problem(f"URL `/{post.url}` is also used by `{other.source}`; give one "
                                 "of them a different `path` or `slug` in its frontmatter",
                                 post.source, line))
        else:
            owners[post.url] = post


def tag_slug(name: str) -> str:
    # a name with nothing to transliterate (`🙂`) still needs its own, stable URL segment
    return slug(name) or "tag-" + hashlib.sha256(name.encode()).hexdigest()[:8]


def tag_url(name: str) -> str:
    """A tag's page, site-relative. Spellings that differ only in case share it."""
    return f"tags/{tag_slug(name)}/"


def plan_tags(posts: list[Post], root, report: Report) -> dict[str, Tag]:
    """Every tag name used -> its `Tag` (shared display name and URL). Problems go to `report`."""
    spellings: dict[str, Counter] = {}  # casefolded name -> spelling -> posts using it
    users: dict[str, list[Post]] = {}   # spelling -> posts, in site order
    for post in posts:
        for name in post.tags:
            spellings.setdefault(name.casefold(), Counter())[name] += 1
            users.setdefault(name, []).append(post)
    tags: dict[str, Tag] = {}
    by_url: dict[str, str] = {}
    for folded in sorted(spellings):
        counts = spellings[folded]
        shown = sorted(counts, key=lambda n: (-counts[n], n))[0]
        tag = Tag(shown, tag_url(shown))
        if tag.url in by_url:
            first, second = users[by_url[tag.url]][0], users[shown][0]
            line1 = _tags_line(root, first)[0]
            line2, text2 = _tags_line(root, second)
            report.error(Problem(
                f"tags `{shown}` and `{by_url[tag.url]}` both get the URL `/{tag.url}`, so one "
                f"page would replace the other (`{by_url[tag.url]}` is used by "
                f"`{first.source}:{line1}`, `{shown}` by `{second.source}:{line2}`); "
                "rename one of them", second.source, line2, text2))
            continue
        by_url[tag.url] = shown
        for name in counts:
            tags[name] = tag
            if name == shown:
                continue
            for post in users[name]:
                line, text = _tags_line(root, post)
                report.warn(Problem(f"tag `{name}` is shown as `{shown}` (the spelling most "
                                    f"posts use: one page, `/{tag.url}`); write `{shown}` to "
                                    "silence this", post.source, line, text))
    return tags


def _tags_line(root, post: Post) -> tuple[int, str]:
    return frontmatter_line(root, post, "tags")


def frontmatter_line(root, post: Post, key: str) -> tuple[int, str]:
    """The line of `key:` in a post's frontmatter (read only when there is a problem)."""
    try:
        text = (root / post.source).read_text(encoding="utf-8")
    except OSError:
        return 0, ""
    m = re.search(rf"^{re.escape(key)}\s*:", text, re.M)
    line = text.count("\n", 0, m.start()) + 1 if m else 0
    return line, source_line(text, line)

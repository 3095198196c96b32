"""Plans URLs and renders every page of the site through the theme. It returns values and
writes nothing; `write.py` does that."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from markupsafe import Markup

from . import templates, tree
from .cache import Cache, digest
from .config import Config
from .content import Post
from .errors import BuildError, Problem, Report
from .outputs import Deferred, Output
from .rendered import PostInfo, Rendered

GENERATOR = "conv-blog 0.1"
_RESERVED = ("assets/", "tags/")


@dataclass(frozen=True)
class Tag:
    name: str
    url: str


def tag_url(name: str) -> str:
    slug = re.sub(r"[^\w]+", "-", name.lower()).strip("-") or "tag"
    return f"tags/{slug}/"


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
        if post.url.startswith(_RESERVED) or post.url == "":
            owner = ("the index page" if post.url == "" else "the tag pages"
                     if post.url.startswith("tags/") else "the theme's assets")
            report.error(Problem(f"URL `/{post.url}` is reserved for {owner}; choose another "
                                 "`path` or `slug`", post.source, line))
        elif post.url in owners:
            other = owners[post.url]
            report.error(Problem(f"URL `/{post.url}` is also used by `{other.source}`; give one "
                                 "of them a different `path` or `slug` in its frontmatter",
                                 post.source, line))
        else:
            owners[post.url] = post


def render_site(root: Path, config: Config, theme: templates.Theme, posts: list[Post],
                infos: list[PostInfo], bodies: "Bodies", report: Report) -> dict[str, Output]:
    """Every page, generated asset, copied bundle file, theme asset (the math font among
    them) and static file.

    A page whose inputs are unchanged is not rendered: its digest comes from the cache and the
    writer links the previous file (or renders it, through `Deferred`, if it is gone).
    """
    out: dict[str, Output] = {}

    def cached(name: str, url: str, key: str, render: Callable[[], bytes]) -> None:
        path = url + "index.html" if not url.endswith(".html") else url
        made = cached_output(bodies.cache, key, render, report)
        if made is not None:
            out[path] = made

    def post_page(i: int) -> bytes:
        prerendered = bodies.pages.get(bodies.keys[i])
        if prerendered is not None:
            return prerendered
        return render_post_page(theme, config, posts[i], infos[i], bodies.get(i).html)

    def listing(name: str, url: str, title: str, description: str, items: list, **extra):
        """A page listing posts: re-rendered only when what it shows has changed."""
        shown = [(p.title, p.url, p.date_iso, p.date_human, p.summary, p.reading_minutes,
                  tuple(t.name for t in p.tags)) for p in items]
        cached(name, url, digest("listing", name, url, theme.fingerprint, repr(config), shown),
               lambda: theme.render(name, page_context(config, name, url, title, description,
                                                       posts=items, **extra)))

    summaries = []
    tags: dict[str, list] = {}
    for i, (post, info) in enumerate(zip(posts, infos)):
        _post_files(root, post, info, bodies, i, out, report)
        cached("post.html", post.url, digest("page", bodies.keys[i], theme.fingerprint,
                                             repr(config)), functools.partial(post_page, i))
        if post.kind == "post":
            item = post_item(post, info)
            summaries.append(item)
            for tag in item.tags:
                tags.setdefault(tag.name, []).append(item)
    listing("index.html", "", config.title, config.description, summaries)
    for name in sorted(tags):
        tag = Tag(name, tag_url(name))
        listing("tag.html", tag.url, f"Posts tagged “{name}”", "", tags[name], tag=tag)
    cached("404.html", "404.html", digest("404", theme.fingerprint, repr(config)),
           lambda: theme.render("404.html", page_context(config, "404.html", "404.html",
                                                         "Page not found")))
    _copied_files(root, theme, out, report)
    return out


def cached_output(cache: Cache, key: str, render: Callable[[], bytes],
                  report: Report) -> Output | None:
    """A generated file whose inputs digest to `key`: when a build already made it, only its
    digest (the writer links the previous file, or renders it if it is gone); else rendered
    now, its digest remembered. None when rendering failed (the error is in `report`)."""
    sha = cache.get("page", key)
    if sha is not None:
        return Deferred(sha, render)
    try:
        data = render()
    except BuildError as exc:
        report.error(exc)
        return None
    cache.put("page", key, hashlib.sha256(data).hexdigest())
    return data


def _post_files(root: Path, post: Post, info: PostInfo, bodies: "Bodies", i: int,
                out: dict[str, Output], report: Report) -> None:
    """The files beside a post and the ones its plugin blocks generated, next to its page."""
    for rel in post.bundle:
        out[post.url + rel] = root / post.folder / rel
    for name, sha in info.assets.items():
        if name in post.bundle:
            report.error(Problem(f"`{name}` is both a file beside the post and generated by "
                                 "a block of the post; rename one of them",
                                 post.source))
        out[post.url + name] = Deferred(sha, functools.partial(_asset, bodies, i, name))


def _copied_files(root: Path, theme: templates.Theme, out: dict[str, Output],
                  report: Report) -> None:
    """The theme's assets (a site theme's override the default's) and `static/`; only what
    `tree.files` lets through (no dot names, no links leaving their folder)."""
    for theme_dir in reversed(theme.dirs):
        assets = theme_dir / "assets"
        boundary = root if tree.inside(theme_dir, root) else theme_dir
        for path in tree.files(assets, boundary, root, report.errors):
            out["assets/" + path.relative_to(assets).as_posix()] = path
    static = root / "static"
    for path in tree.files(static, root, root, report.errors):
        rel = path.relative_to(static).as_posix()
        if rel in out and not rel.startswith("assets/"):
            report.error(Problem(f"`static/{rel}` would overwrite a generated page; "
                                 "rename or remove it", f"static/{rel}"))
        out[rel] = path


def _asset(bodies: "Bodies", i: int, name: str) -> bytes:
    return bodies.get(i).assets[name]


class Bodies:
    """Rendered posts by index: fresh ones in memory, the rest loaded from the cache on demand,
    and the pages that were rendered along with them."""

    def __init__(self, keys: list[str], fresh: dict[str, Rendered], cache: Cache,
                 render: Callable[[int], Rendered], pages: dict[str, bytes] | None = None):
        self.keys = keys
        self.fresh = fresh
        self.pages = pages or {}  # pages the render workers made, by post key
        self.cache = cache
        self._render = render

    def get(self, i: int) -> Rendered:
        key = self.keys[i]
        found = self.fresh.get(key)
        if found is None:
            found = self.cache.get("post", key)
        if found is None:  # a corrupt entry: render again, it is the same post
            found = self.fresh[key] = self._render(i)
            self.cache.put("post", key, found)
        return found


def page_context(config: Config, name: str, url: str, title: str, description: str = "",
                 **extra) -> dict:
    ctx = base_context(config, url, title, description)
    ctx["root"] = "../" * url.count("/") if name != "404.html" else config.base_path
    ctx.update(extra)
    return ctx


def render_post_page(theme: templates.Theme, config: Config, post: Post, info: PostInfo,
                     html: str) -> bytes:
    """The HTML page of one post or standalone page. Raises BuildError (template problems)."""
    item = post_item(post, info, html)
    name = "post.html" if post.kind == "post" else "page.html"
    extra = {"post": item} if post.kind == "post" else {
        "content": Values(title=post.title, body=Markup(item.body))}
    ctx = page_context(config, name, post.url, post.title, post.description or item.summary,
                       **extra)
    return theme.render(name, ctx)


def base_context(config: Config, url: str, title: str, description: str) -> dict:
    full_title = title if title == config.title else f"{title} · {config.title}"
    return {
        "site": Values(title=config.title, description=config.description, author=config.author,
                     base_url=config.base_url, lang=config.lang),
        "page": Values(title=full_title, url=url, description=description,
                     canonical=config.base_url + url if config.base_url else ""),
        "feed_url": "feed.xml",
        "generator": GENERATOR,
    }


def post_item(post: Post, info: PostInfo, html: str = "") -> "Values":
    return Values(
        title=post.title, url=post.url, date=post.date, date_iso=iso(post.date),
        date_human=_human(post.date), updated=post.updated, updated_iso=iso(post.updated),
        updated_human=_human(post.updated),
        tags=[Tag(t, tag_url(t)) for t in post.tags], description=post.description,
        summary=post.description or info.summary, body=Markup(html),
        reading_minutes=max(1, round(info.words / 230)), source=post.source)


class Values:
    """Attribute access for template context values; unknown attributes are template errors."""

    def __init__(self, **values):
        self.__dict__.update(values)


def iso(date: dt.datetime | None) -> str:
    if date is None:
        return ""
    # A date without a zone is taken as UTC, so feeds always carry a valid timestamp.
    text = date.isoformat() + ("Z" if date.tzinfo is None else "")
    return text.replace("+00:00", "Z")


def _human(date: dt.datetime | None) -> str:
    return f"{date.day} {date:%B %Y}" if date else ""

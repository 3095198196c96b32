"""The Atom and JSON feeds (newest posts, full content), and with `base_url` the sitemap and
the `Sitemap:` line of robots.txt (merged into the user's `static/robots.txt`, never replacing it).

Feed HTML follows one generic rule, whoever wrote the markup: an `<img>` with a
`data-feed-src` attribute shows that file in feeds, and `<source>` elements inside a
`<picture>` are dropped (feed readers honour neither media queries nor reduced motion), and so
are `srcset`/`sizes` (the plain `src` is enough for a reader). An
`<img>` of a GIF with a PNG of the same name beside it (a still, such as an animation's
poster) shows the PNG.
"""

from __future__ import annotations

import json
import re
from html import escape, unescape
from pathlib import Path
from urllib.parse import urljoin

from . import pages, templates, views
from .cache import digest
from .config import Config
from .content import Post
from .errors import Report
from .outputs import Output
from .rendered import PostInfo
from .urls import sort_key

_IMG = re.compile(r"<img\b[^>]*>", re.I)
_FEED_SRC = re.compile(r'\sdata-feed-src="([^"]*)"', re.I)
_SRC = re.compile(r'(\ssrc=")[^"]*(")', re.I)
_PICTURE = re.compile(r"<picture\b[^>]*>.*?</picture>", re.I | re.S)
_SOURCE = re.compile(r"<source\b[^>]*>", re.I)
_LINK = re.compile(r'(\s(?:src|href|poster)=")([^"]*)"', re.I)
_SRCSET = re.compile(r'\s(?:srcset|sizes)="[^"]*"', re.I)
_GIF_SRC = re.compile(r'(<img\b[^>]*?\ssrc=")(\./)?([^"/]+)\.gif(")', re.I)


def for_feeds(html: str, files: set[str]) -> str:
    """A post's HTML as feed readers should get it (see the module's docstring)."""
    html = _PICTURE.sub(lambda m: _SOURCE.sub("", m.group(0)), html)

    def still(m: re.Match) -> str:
        return (m.group(1) + (m.group(2) or "") + m.group(3) + ".png" + m.group(4)
                if m.group(3) + ".png" in files else m.group(0))

    def img(m: re.Match) -> str:
        tag = _SRCSET.sub("", m.group(0))  # the plain src is enough for a feed reader
        feed_src = _FEED_SRC.search(tag)
        if feed_src is None:
            return _GIF_SRC.sub(still, tag)
        tag = _FEED_SRC.sub("", tag)
        return _SRC.sub(lambda s: s.group(1) + feed_src.group(1) + s.group(2), tag, count=1)

    return _IMG.sub(img, html)


def render(config: Config, theme: templates.Theme, posts: list[Post], infos: list[PostInfo],
           bodies: pages.Bodies, plan: pages.SitePlan, outputs: dict[str, Output],
           robots: Output | None, report: Report) -> dict[str, Output]:
    """The feeds; with `base_url` the sitemap of `outputs` (every page) and robots.txt
    (`robots`: the user's `static/robots.txt`, if any)."""
    blog = [i for i, p in enumerate(posts) if p.kind == "post"][: config.feed_posts]
    out: dict[str, Output] = {}

    def entries() -> list:
        return [views.post_item(config, posts[i], infos[i], plan.tags,
                                for_feeds(bodies.get(i).html,
                                          set(posts[i].bundle) | set(infos[i].assets)))
                for i in blog]

    def atom() -> bytes:
        items = entries()
        newest = max((e.updated or e.date for e in items), key=sort_key, default=None)
        ctx = views.base_context(config, "feed.xml", config.title, config.description)
        ctx.update(root="", posts=items, feed_updated=views.iso(newest) if newest else
                   "1970-01-01T00:00:00Z", absolute=lambda url: config.base_url + url)
        return theme.render("feed.xml", ctx)

    # the feeds are made of the newest posts: unchanged posts, unchanged feeds
    key = digest("feed", theme.fingerprint, repr(config), [bodies.keys[i] for i in blog],
                 [plan.page_inputs(config.root, posts[i])[1] for i in blog])
    out.update(pages.cached_outputs(bodies.cache, [
        (name, digest(name, key), make)
        for name, make in (("feed.xml", atom), ("feed.json", lambda: _json_feed(config, entries())))],
        report))
    if config.base_url:
        out["sitemap.xml"] = _sitemap(config, posts, plan, outputs)
        out["robots.txt"] = _robots(config, robots)
    elif robots is not None:
        out["robots.txt"] = robots
    return out


def _json_feed(config: Config, items: list) -> bytes:
    """JSON Feed 1.1 (https://jsonfeed.org/version/1.1)."""
    absolute = config.base_url

    def link(url: str) -> str:
        return absolute + url if absolute else url or "./"

    feed = {"version": "https://jsonfeed.org/version/1.1", "title": config.title,
            "language": config.lang, "items": []}
    if absolute:
        feed["home_page_url"] = absolute
        feed["feed_url"] = absolute + "feed.json"
    if config.description:
        feed["description"] = config.description
    if config.author:
        feed["authors"] = [{"name": config.author}]
    for item in items:
        body = str(item.body)
        if absolute:  # JSON has no xml:base: a reader resolves nothing relative
            page = absolute + item.url
            body = _LINK.sub(lambda m: m.group(1) + escape(urljoin(page, unescape(m.group(2))))
                             + '"', body)
        entry = {"id": link(item.url) if absolute else f"urn:conv-blog:{item.url}",
                 "url": link(item.url), "title": item.title, "content_html": body,
                 "date_published": item.date_iso}
        if item.updated:
            entry["date_modified"] = item.updated_iso
        if item.summary:
            entry["summary"] = item.summary
        if item.tags:
            entry["tags"] = [t.name for t in item.tags]
        feed["items"].append(entry)
    return (json.dumps(feed, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode()


def _sitemap(config: Config, posts: list[Post], plan: pages.SitePlan,
             outputs: dict[str, Output]) -> bytes:
    """Every page of the site, `lastmod` from `updated` (else `date`); a listing's is its
    newest post's."""
    stamps: dict[str, object] = {}
    newest = None
    for post in posts:
        stamp = post.updated or post.date
        stamps[post.url] = stamp
        if post.kind != "post" or stamp is None:
            continue
        newest = max(newest, stamp, key=sort_key) if newest else stamp
        for name in post.tags:
            url = plan.tags[name].url
            stamps[url] = max(stamps.get(url) or stamp, stamp, key=sort_key)
    pages_listed = sorted(p[: -len("index.html")] for p in outputs
                          if p.endswith("index.html")
                          and not p.startswith(("assets/", "pagefind", "search/")))
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for url in pages_listed:
        stamp = stamps.get(url, newest if url in ("", "archive/", "tags/")
                           or url.startswith("page/") else None)
        lastmod = f"<lastmod>{stamp.date().isoformat()}</lastmod>" if stamp else ""
        lines.append(f"  <url><loc>{escape(config.base_url + url, quote=False)}</loc>"
                     f"{lastmod}</url>")
    lines.append("</urlset>\n")
    return "\n".join(lines).encode("utf-8")


def _robots(config: Config, user: Output | None) -> bytes:
    """The user's robots.txt (if any) with the sitemap's line added once."""
    line = f"Sitemap: {config.base_url}sitemap.xml"
    if user is None:
        return f"User-agent: *\nAllow: /\n{line}\n".encode()
    text = (user.read_bytes() if isinstance(user, Path) else bytes(user)).decode("utf-8")
    if line in text.splitlines():
        return text.encode("utf-8")
    return (text.rstrip("\n") + ("\n\n" if text.strip() else "") + line + "\n").encode("utf-8")

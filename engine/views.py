"""What templates see: the context every page gets, a post as a template value, and the HTML
page of one post. Plain values in, bytes out; nothing here reads other posts.
"""

from __future__ import annotations

import datetime as dt
import json

from markupsafe import Markup

from . import i18n, images, templates, toc
from .config import Config
from .content import Post
from .navigation import Nav
from .rendered import PostInfo
from .urls import Tag

GENERATOR = "conv-blog 0.1"


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


def base_context(config: Config, url: str, title: str, description: str, *,
                 image: str = "", kind: str = "website") -> dict:
    reader = config.reader
    full_title = title if title == config.title else f"{title} · {config.title}"
    image = image or reader.image
    return {
        "site": Values(title=config.title, description=config.description, author=config.author,
                       base_url=config.base_url, lang=config.lang, params=dict(reader.params),
                       search=reader.search, image=reader.image),
        "page": Values(title=full_title, url=url, description=description, kind=kind,
                       canonical=config.base_url + url if config.base_url else "",
                       image=config.base_url + image if config.base_url and image else "",
                       json_ld=""),
        "t": Values(**i18n.labels(config.lang)),
        "feed_url": "feed.xml",
        "json_feed_url": "feed.json",
        "generator": GENERATOR,
    }


def page_context(config: Config, name: str, url: str, title: str, description: str = "",
                 *, menu: tuple = (), image: str = "", kind: str = "website", **extra) -> dict:
    ctx = base_context(config, url, title, description, image=image, kind=kind)
    ctx["root"] = "../" * url.count("/") if name != "404.html" else config.base_path
    ctx["menu"] = menu
    ctx.update(extra)
    return ctx


class PostView(Values):
    """A post as templates see it; the localised dates are made only when a template reads
    them, so listing keys (which use the ISO dates) never load Babel."""

    @property
    def date_human(self) -> str:
        return i18n.human_date(self.date, self._lang, self._root)

    @property
    def updated_human(self) -> str:
        return i18n.human_date(self.updated, self._lang, self._root)


# What a post shows in a listing (`post_item`), and what a template reads under another name:
# a listing page's key holds the fields its template reads (`listed_fields`). The title, URL
# and date are always in it: they order the list and group the archive.
ITEM_FIELDS = ("title", "url", "date_iso", "updated_iso", "tags", "description", "summary",
               "body", "reading_minutes", "source", "series", "extra", "has_code")
_READ_AS = {"date": "date_iso", "date_human": "date_iso", "updated": "updated_iso",
            "updated_human": "updated_iso"}


def listed_fields(reads: frozenset[str] | None) -> tuple[str, ...]:
    """The `ITEM_FIELDS` a template that `reads` these names may show (all: None)."""
    if reads is None:
        return ITEM_FIELDS
    wanted = {_READ_AS.get(name, name) for name in reads} | {"title", "url", "date_iso"}
    return tuple(name for name in ITEM_FIELDS if name in wanted)


def post_item(config: Config, post: Post, info: PostInfo, tags: dict[str, Tag],
              html: str = "") -> PostView:
    return PostView(
        title=post.title, url=post.url, date=post.date, date_iso=iso(post.date),
        updated=post.updated, updated_iso=iso(post.updated),
        tags=list(dict.fromkeys(tags[t] for t in post.tags if t in tags)),
        description=post.description, summary=post.description or info.summary,
        body=Markup(html), reading_minutes=max(1, round(info.words / 230)), source=post.source,
        series=post.series, extra=post.extra, has_code='<div class="highlight"' in html,
        _lang=config.lang, _root=str(config.root))


def render_post_page(theme: templates.Theme, config: Config, post: Post, info: PostInfo,
                     html: str, tags: dict[str, Tag], nav: Nav | None, menu: tuple) -> bytes:
    """The HTML page of one post or standalone page. Raises BuildError (template problems)."""
    folder = config.root / post.folder
    html = images.decorate(html, folder, post.bundle)
    item = post_item(config, post, info, tags, html)
    files = set(post.bundle) | set(info.assets)
    image = post.image if post.image in files else images.first_image(html, files)
    image = post.url + image if image else ""
    if post.kind == "page":
        ctx = page_context(config, "page.html", post.url, post.title,
                           post.description or item.summary, menu=menu, image=image,
                           content=Values(title=post.title, body=item.body, extra=post.extra))
        return theme.render("page.html", ctx)
    entries = toc.entries(html)
    show_toc = (post.toc if post.toc is not None else config.reader.toc) and len(entries) > 1
    ctx = page_context(config, "post.html", post.url, post.title,
                       post.description or item.summary, menu=menu, image=image,
                       kind="article", post=item, nav=nav or Nav(),
                       toc=toc.nested(entries) if show_toc else [])
    ctx["page"].json_ld = json_ld(config, post, item, ctx["page"].image)
    return theme.render("post.html", ctx)


def json_ld(config: Config, post: Post, item: Values, image: str) -> Markup:
    """A schema.org BlogPosting, as a `<script type="application/ld+json">` body."""
    data = {"@context": "https://schema.org", "@type": "BlogPosting", "headline": post.title,
            "datePublished": item.date_iso, "dateModified": item.updated_iso or item.date_iso,
            "inLanguage": config.lang}
    if item.summary:
        data["description"] = item.summary
    if config.author:
        data["author"] = {"@type": "Person", "name": config.author}
    if config.base_url:
        data["url"] = data["mainEntityOfPage"] = config.base_url + post.url
    if image:
        data["image"] = image
    if item.tags:
        data["keywords"] = [t.name for t in item.tags]
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    # `</script>` in a title must not end the element
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))

"""Renders every page of the site through the theme, from the URL plan (`urls.py`), the
posts' navigation (`navigation.py`), their template values (`views.py`) and the listings
(`listings.py`). It returns values and writes nothing; `write.py` does that.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from . import (i18n, image_variants, images, listings, navigation, search, templates, tree,
               urls, views)
from .cache import Cache, digest, keyer
from .config import Config
from .content import Post
from .errors import BuildError, Problem, Report, source_line
from .outputs import Deferred, Output, digest_of
from .page_pool import render_many
from .plan import merge
from .rendered import PostInfo, Rendered
from .site_settings import MenuItem
from .spill import Spill
from .version import code_version

# kept importable from here: other modules and tests name them as pages.*
GENERATOR = views.GENERATOR
sort_newest_first = urls.sort_newest_first
sort_key = urls.sort_key
check_urls = urls.check_urls
tag_url = urls.tag_url


@dataclass(frozen=True)
class SitePlan:
    """What every page may show of the others, known before any post is rendered."""

    tags: dict[str, urls.Tag]
    navs: dict[str, navigation.Nav]
    menu: tuple[MenuItem, ...]
    search: bool  # a search page and its index (Pagefind needs at least one page to index)

    def page_inputs(self, root: Path, post: Post) -> tuple:
        """Everything besides the post itself and the menu that its page shows, for the
        page's key (as text: a key is made for every page of every build)."""
        nav = self.navs.get(post.source)
        return (navigation.text(nav).encode() if nav else b"",  # bytes: hashed as they are
                [self._tag_texts.get(t, "None") for t in post.tags],
                images.stamp(root / post.folder, post.bundle) if post.bundle else ())

    @functools.cached_property
    def _tag_texts(self) -> dict[str, str]:
        return {name: repr(tag) for name, tag in self.tags.items()}


def plan_site(root: Path, config: Config, posts: list[Post], report: Report,
              cache=None) -> SitePlan:
    """Check URLs, give every tag its URL, and link posts to each other."""
    urls.check_urls(posts, report)
    bad_lang = i18n.check(config.lang, root)
    if bad_lang is not None:
        report.error(bad_lang)
    elif not i18n.has_labels(config.lang):
        report.warn(i18n.missing_labels(config.lang, root))
    tags = urls.plan_tags(posts, root, report)
    navs = navigation.plan(posts, tags, config.reader.related, cache)
    search = config.reader.search and bool(posts)
    menu = listings.menu(config, [p for p in posts if p.kind == "page"], search)
    return SitePlan(tags, navs, menu, search)


def render_post_page(theme: templates.Theme, config: Config, post: Post, info: PostInfo,
                     html: str, plan: SitePlan) -> bytes:
    return views.render_post_page(theme, config, post, info, html, plan.tags,
                                  plan.navs.get(post.source), plan.menu)


def render_site(root: Path, config: Config, theme: templates.Theme, posts: list[Post],
                infos: list[PostInfo], bodies: "Bodies", plan: SitePlan,
                report: Report, made: Spill = Spill(None)) -> dict[str, Output]:
    """Every page, generated asset, copied bundle file, theme asset (the math font among
    them) and static file.

    A page whose inputs are unchanged is not rendered: its digest comes from the cache and the
    writer links the previous file (or renders it, through `Deferred`, if it is gone).
    """
    out: dict[str, Output] = {}
    # made once all keys are known: post pages (which may read bodies from the cache) here,
    # listings (which read nothing) on every core
    wanted: list[tuple[str, str, Callable[[], bytes]]] = []
    listed: list[tuple[str, str, Callable[[], bytes]]] = []
    settings = repr(config)
    page_key = keyer("page", theme.fingerprint, settings, plan.menu)  # the menu: on every page
    listing_key = keyer("listing", theme.fingerprint, settings, plan.menu)
    fields_of = functools.cache(functools.partial(_listed_fields, theme, bodies.cache))
    shown_texts: dict[tuple, dict[int, str]] = {}  # by fields, then id(item): made once

    def cached(url: str, key: str, render: Callable[[], bytes], into=wanted) -> None:
        into.append((url + "index.html" if not url.endswith(".html") else url, key, render))

    def post_page(i: int) -> Output:
        prerendered = bodies.pages.get(bodies.keys[i])
        if prerendered is not None:
            return prerendered
        return render_post_page(theme, config, posts[i], infos[i], bodies.get(i).html, plan)

    def listing(page: listings.Listing) -> None:
        """A page listing posts: re-rendered only when what it shows has changed."""
        fields = fields_of(page.template)
        texts = shown_texts.setdefault(fields, {})
        shown = []
        for item in page.items:
            text = texts.get(id(item))
            if text is None:
                text = texts[id(item)] = _shown(item, fields)
            shown.append(text)
        pagination = page.extra.get("pagination")
        # the other values a listing shows come from its items, except a tag's post count
        # reprs hold no raw newline: joined, they are hashed as they are, not escaped again
        key = listing_key(page.template, page.url, page.title, "\n".join(shown).encode(),
                          repr(pagination.__dict__ if pagination else None),
                          page.extra.get("count"))
        cached(page.url, key, lambda: theme.render(page.template, views.page_context(
            config, page.template, page.url, page.title, page.description, menu=plan.menu,
            posts=page.items, **page.extra)), listed)

    items = []
    for i, (post, info) in enumerate(zip(posts, infos)):
        _post_files(root, post, info, bodies, i, out, report)
        cached(post.url, page_key(bodies.keys[i], *plan.page_inputs(root, post)),
               functools.partial(post_page, i))
        if post.image and post.image not in post.bundle and post.image not in info.assets:
            line, text = urls.frontmatter_line(root, post, "image")
            report.warn(Problem(f"`image` names `{post.image}`, which is not beside the post; "
                                "link previews use the post's first image instead",
                                post.source, line, text))
        if post.kind == "post":
            items.append(views.post_item(config, post, info, plan.tags))
    for page in listings.index_pages(config, items) + listings.tag_pages(config, items, plan.tags):
        listing(page)
    listing(listings.archive_page(config, items))
    if plan.search:
        listing(listings.search_page(config, [search.bundle_path(n)
                                              for n in range(len(search.bundles(posts)))]))
    cached("404.html", digest("404", theme.fingerprint, settings, plan.menu),
           lambda: theme.render("404.html", views.page_context(
               config, "404.html", "404.html", i18n.labels(config.lang)["not_found"],
               menu=plan.menu)))
    out.update(cached_outputs(bodies.cache, wanted, report, made, jobs=1))
    out.update(cached_outputs(bodies.cache, listed, report, made, jobs=None))
    _copied_files(root, theme, out, report)
    _check_menu(root, plan.menu, out, report)
    return out


def _check_menu(root: Path, menu: tuple[MenuItem, ...], out: dict[str, Output],
                report: Report) -> None:
    """A menu link to a page the site does not have is an error at its site.toml line."""
    for item in menu:
        path = item.url.split("#")[0].split("?")[0]
        if item.external or path in out or path + "index.html" in out or path in (
                "", "feed.xml", "feed.json", "sitemap.xml", "robots.txt"):
            continue
        text = (root / "site.toml").read_text(encoding="utf-8")
        at = text.find(f'"{item.url}"')
        line = text.count("\n", 0, at) + 1 if at >= 0 else 0
        report.error(Problem(f"menu entry `{item.name}` links to `{item.url}`, which the build "
                             "does not produce; use the URL of a page (\"about/\") or a tag "
                             "(\"tags/numpy/\")", "site.toml", line, source_line(text, line)))


def _shown(item, fields: tuple[str, ...]) -> str:
    """What a listing shows of one entry (a post's `fields`, or a plain tuple), as text."""
    if isinstance(item, tuple):
        return repr(item)
    return repr([getattr(item, name) for name in fields])


def _listed_fields(theme: templates.Theme, cache: Cache, template: str) -> tuple[str, ...]:
    """The fields of a post that listing `template` may show (`views.listed_fields`), found
    once per theme: a listing's key holds those and no others."""
    key = digest("listed", code_version(), theme.fingerprint, template)
    found = cache.get("template", key)
    if found is None:
        found = views.listed_fields(theme.reads(template))
        cache.put("template", key, found)
    return tuple(found)


def cached_outputs(cache: Cache, wanted: list[tuple[str, str, Callable[[], Output]]],
                   report: Report, made: Spill = Spill(None),
                   jobs: int | None = 1) -> dict[str, Output]:
    """Generated files (path, key of their inputs, how to make them): when a build already
    made one, only its digest (the writer links the previous file, or renders it if it is
    gone); else rendered now, its digest remembered. A file whose rendering failed is left
    out, its error in `report`. `jobs`: processes rendering them (None: one per core), for
    renders that read nothing from the cache (`page_pool`)."""
    known = cache.get_many("page", [key for _, key, _ in wanted])
    out: dict[str, Output] = {}
    todo = []
    for path, key, render in wanted:
        if key in known:
            out[path] = Deferred(known[key], render)
        else:
            todo.append((path, key, render))
    for (path, key, _), data in zip(todo, render_many([r for *_, r in todo], made, jobs)):
        if isinstance(data, BuildError):
            report.error(data)
            continue
        cache.put("page", key, digest_of(data))
        out[path] = data
    return out


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
    if post.bundle:
        out.update(image_variants.outputs(root / post.folder, post.url, post.bundle,
                                          bodies.cache))


def _copied_files(root: Path, theme: templates.Theme, out: dict[str, Output],
                  report: Report) -> None:
    """The theme's assets (a site theme's override the default's) and `static/`; only what
    `tree.files` lets through (no dot names, no links leaving their folder).

    `static/robots.txt` is the user's: the feeds module merges the sitemap line into it."""
    for theme_dir in reversed(theme.dirs):
        assets = theme_dir / "assets"
        boundary = root if tree.inside(theme_dir, root) else theme_dir
        for path in tree.files(assets, boundary, root, report.errors):
            out["assets/" + path.relative_to(assets).as_posix()] = path
    static = root / "static"
    claimed = {}
    for path in tree.files(static, root, root, report.errors):
        rel = path.relative_to(static).as_posix()
        if rel.startswith("assets/"):  # the site's own asset takes the theme's place
            out[rel] = path
        else:
            claimed[rel] = path
    merge(out, claimed, root, report)  # anything else the site generates is not replaced


def _asset(bodies: "Bodies", i: int, name: str) -> bytes:
    return bodies.get(i).assets[name]


class Bodies:
    """Rendered posts by index: fresh ones in memory, the rest loaded from the cache on demand,
    and the pages that were rendered along with them."""

    def __init__(self, keys: list[str], fresh: dict[str, Rendered], cache: Cache,
                 render: Callable[[int], Rendered], pages: dict[str, bytes] | None = None):
        self.keys = keys
        self.fresh = fresh
        # the dict itself, even empty: the render workers' pages are added to it later
        self.pages = pages if pages is not None else {}  # pages the workers made, by post key
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

"""tests/sites/reader in Chromium: the menu and links lead where they say, search finds a
post with no server but a static one, the copy button copies, no page logs an error or a
failed request (the favicon included), and nothing overflows a 360 px screen."""

from __future__ import annotations

import shutil

import pytest

from conftest import SITES
from engine import assemble, search

pytestmark = pytest.mark.browser
PAGES = ("", "page/2/", "cpp/", "c-lang/", "anim/", "tags/", "tags/numpy/", "archive/",
         "about/", "search/", "404.html")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("reader-browser") / "root"
    shutil.copytree(SITES / "reader", root)
    # served where base_url says (/blog/), so the 404 page's absolute links resolve too
    www = root.parent / "www"
    # bundles of two posts, so search must merge three bundles to find everything
    shard, search.SHARD = search.SHARD, 2
    try:
        assemble.build(root, www / "blog")
    finally:
        search.SHARD = shard
    assert (www / "blog" / "pagefind-2" / "pagefind-entry.json").is_file()
    return www


@pytest.fixture
def open_page(site, serve, browser, tmp_path):
    base = serve(site) + "blog/"
    opened = []

    def open_(url: str, width: int = 1000, **options):
        context = browser.new_context(viewport={"width": width, "height": 800}, **options)
        page = context.new_page()
        page.problems = []
        page.on("console", lambda m: page.problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: page.problems.append(str(e)))
        # a navigation the test itself leaves (go_back) is aborted, not failed
        page.on("requestfailed", lambda r: page.problems.append("failed " + r.url)
                if "ERR_ABORTED" not in (r.failure or "") else None)
        page.on("response", lambda r: page.problems.append(f"{r.status} {r.url}")
                if r.status >= 400 else None)
        page.goto(base + url, wait_until="networkidle")
        opened.append(context)
        return page

    def visit(urls, width: int = 1000):
        """One page goes to each URL in turn (a fresh context per URL costs Chromium more than
        the pages do); yields (url, page) once the URL's network is idle, with its problems."""
        page = open_(urls[0], width)
        yield urls[0], page
        for url in urls[1:]:
            page.problems.clear()
            page.goto(base + url, wait_until="networkidle")
            yield url, page

    open_.base = base
    open_.visit = visit
    yield open_
    for context in opened:
        context.close()


def test_no_console_errors_or_failed_requests_and_the_favicon_loads(open_page):
    for url, page in open_page.visit(PAGES):
        assert page.problems == [], url
        icon = page.evaluate("document.querySelector('link[rel=icon]').href")
        assert page.request.get(icon).status == 200


def test_menu_tag_and_next_links_lead_where_they_say(open_page):
    page = open_page("")
    page.click(".site-nav >> text=Tags")
    assert page.url == open_page.base + "tags/"
    page.click("text=NumPy")
    assert page.url == open_page.base + "tags/numpy/"
    page.click("text=Vectors in C++")
    assert page.locator("h1").inner_text() == "Vectors in C++"
    page.click(".post-nav .next")
    assert page.locator("h1").inner_text() == "Lists in C#"
    page.click(".site-nav >> text=About")
    assert page.url == open_page.base + "about/"
    page.go_back()
    page.go_back()
    page.click(".toc >> text=Amortised cost")
    assert page.evaluate("location.hash") == "#amortised-cost"
    page.goto(open_page.base)
    page.click(".pagination >> text=Older")
    assert page.url == open_page.base + "page/2/"
    assert page.problems == []


@pytest.mark.parametrize("word, title", [("amortised", "Vectors in C++"),  # bundle 1
                                         ("lists", "Lists in C#"),          # bundle 2
                                         ("animation", "An animation")])     # bundle 0
def test_search_finds_a_post_in_any_bundle_and_links_to_it(open_page, word, title):
    page = open_page("search/")
    page.fill("#search input", word)
    result = page.locator(".pagefind-ui__result-link").first
    result.wait_for(timeout=10000)
    assert result.inner_text() == title
    result.click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == title
    assert page.problems == []


def test_copy_button_copies_the_code_without_line_numbers(open_page):
    page = open_page("cpp/", permissions=["clipboard-read", "clipboard-write"])
    block = page.locator(".post-body .highlight").first
    block.hover()
    button = block.locator(".copy-button")
    assert button.is_visible()
    button.click()
    assert page.evaluate("navigator.clipboard.readText()") == "a = [1, 2]\nb = list(a)\n"
    assert button.inner_text() == "Copied"


def test_nothing_overflows_a_360_px_screen(open_page, tmp_path):
    for url, page in open_page.visit(("", "cpp/", "tags/", "archive/", "search/"), width=360):
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, (url, width)
        page.screenshot(path=str(tmp_path / f"{url.strip('/') or 'index'}-360.png"),
                        full_page=True)

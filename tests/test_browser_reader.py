"""tests/sites/reader in Chromium: the menu and links lead where they say, search finds a
post with no server but a static one, the copy button copies, no page logs an error or a
failed request (the favicon included), and nothing overflows a 360 px screen."""

from __future__ import annotations

import shutil

import pytest

from conftest import SITES, serving
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


def _watched(page):
    """`page.problems`: console errors, uncaught exceptions, failed requests, HTTP errors."""
    page.problems = []
    page.on("console", lambda m: page.problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: page.problems.append(str(e)))
    # a navigation the test itself leaves (go_back) is aborted, not failed
    page.on("requestfailed", lambda r: page.problems.append("failed " + r.url)
            if "ERR_ABORTED" not in (r.failure or "") else None)
    page.on("response", lambda r: page.problems.append(f"{r.status} {r.url}")
            if r.status >= 400 else None)
    return page


@pytest.fixture(scope="module")
def tab(site, browser):
    """One tab for the module (a context per page load costs Chromium a renderer process
    each), and its twin for `visit`, on the site served where base_url says."""
    with serving(site) as base:
        context = browser.new_context()
        page = _watched(context.new_page())
        page.twin = _watched(context.new_page())
        page.base = base + "blog/"
        yield page
        context.close()


@pytest.fixture
def open_page(tab, browser):
    contexts = []

    def open_(url: str, width: int = 1000, **options):
        """`url` on a `width` px screen, once its network is idle, with only its problems: in
        the module's tab, or in a fresh context made with `options` (permissions...)."""
        if options:
            contexts.append(browser.new_context(**options))
            page = _watched(contexts[-1].new_page())
        else:
            page = tab
            page.problems.clear()
        page.set_viewport_size({"width": width, "height": 800})
        page.goto(tab.base + url, wait_until="networkidle")
        return page

    def visit(urls, width: int = 1000):
        """Yields (url, page) for each URL once its network is idle, with only its problems.
        The tab and its twin take turns, so that one loads while the other waits out the
        quiet time that says its network is idle."""
        pages = (tab, tab.twin)
        for page in pages:
            page.set_viewport_size({"width": width, "height": 800})
        loading = []
        for i, url in enumerate(urls):
            page = pages[i % 2]
            if len(loading) == 2:  # this page's previous URL comes first
                yield _idle(*loading.pop(0))
            page.problems.clear()
            page.goto(tab.base + url, wait_until="commit")
            loading.append((url, page))
        for url, page in loading:
            yield _idle(url, page)

    open_.base = tab.base
    open_.visit = visit
    yield open_
    for context in contexts:
        context.close()


def _idle(url: str, page):
    page.wait_for_load_state("networkidle")
    return url, page


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

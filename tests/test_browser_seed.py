"""The built first post as a reader sees it in Chromium: math laid out, footnotes that go to
their notes and back, no console errors, no failed requests (its two animations included)."""

from __future__ import annotations

import pytest

from conftest import serving


pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def seed_page(shipped, browser):
    """The seed post loaded once for the module: the tests only read it, but for the footnote
    links, which leave it scrolled (no test depends on the scroll position)."""
    with serving(shipped / "site") as base:
        page = browser.new_page(viewport={"width": 1000, "height": 800})
        errors, failed = [], []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("requestfailed", lambda r: failed.append(r.url))
        page.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)
        page.goto(base + "ConvNet-dont-do-Conv/", wait_until="networkidle")
        yield page, errors, failed
        page.close()


def test_matrix_brackets_stretch_to_the_matrix(seed_page):
    page, _, _ = seed_page
    sizes = page.evaluate("""() => [...document.querySelectorAll('math[display=block] mtable')]
        .filter(t => t.parentElement.querySelector(':scope > mo[fence]'))
        .map(t => [t.getBoundingClientRect().height,
                   t.parentElement.querySelector(':scope > mo[fence]').getBoundingClientRect().height])""")
    assert len(sizes) >= 6
    for table, bracket in sizes:
        assert table > 40, "a 3- or 5-row matrix is taller than a line of text"
        assert bracket >= 0.85 * table, (table, bracket)


def test_every_formula_is_mathml_and_rows_are_kept(seed_page):
    page, _, _ = seed_page
    counts = page.evaluate("""() => ({
        display: document.querySelectorAll('article math[display=block]').length,
        inline: document.querySelectorAll('article math:not([display=block])').length,
        errors: document.querySelectorAll('.math-error, [mathcolor="#cc0000"]').length,
        alignRows: [...document.querySelectorAll('article mtable[columnalign="right left"]')]
                      .map(t => t.querySelectorAll(':scope > mtr').length)})""")
    assert counts["display"] == 9 and counts["inline"] == 12 and counts["errors"] == 0
    assert counts["alignRows"] == [2, 2]


def test_footnotes_go_to_their_notes_and_back(seed_page):
    page, _, _ = seed_page
    for n in range(1, 5):
        page.click(f'sup.footnote-ref a[href="#fn{n}"]')
        assert page.evaluate("location.hash") == f"#fn{n}"
        # the theme scrolls smoothly: wait until the note is on screen
        page.wait_for_function(f"(() => {{ const r = document.getElementById('fn{n}')"
                               ".getBoundingClientRect(); return r.top >= 0 && r.top < 800; })()",
                               timeout=5000)
        page.click(f'#fn{n} a.footnote-backref')
        assert page.evaluate("location.hash") == f"#fnref{n}"
        page.wait_for_function(f"(() => {{ const r = document.getElementById('fnref{n}')"
                               ".getBoundingClientRect(); return r.top >= 0 && r.top < 800; })()",
                               timeout=5000)


def test_no_console_errors_and_no_failed_requests(seed_page):
    page, errors, failed = seed_page
    unexpected = [u for u in failed if not u.endswith("favicon.ico")]
    assert unexpected == []
    assert [e for e in errors if "Failed to load resource" not in e] == []


def test_page_fits_a_phone(shipped, serve, browser):
    page = browser.new_page(viewport={"width": 360, "height": 740})
    page.goto(serve(shipped / "site") + "ConvNet-dont-do-Conv/", wait_until="networkidle")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    page.close()
    assert overflow <= 0


def test_align_star_lines_up_its_equals_signs(seed_page):
    page, _, _ = seed_page
    rows = page.evaluate("""() => [...document.querySelectorAll(
        'article mtable[columnalign="right left"]')].map(t =>
        [...t.querySelectorAll(':scope > mtr')].map(r => [
            r.children[0].firstElementChild.getBoundingClientRect().right,
            r.children[1].getBoundingClientRect().left]))""")
    assert len(rows) == 2
    for table in rows:
        lefts = {round(second) for _, second in table}
        assert len(lefts) == 1, table  # the `=` column starts at one x in every row
        for first_right, second_left in table:
            assert abs(first_right - second_left) <= 2, table  # left side flush against it

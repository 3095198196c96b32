"""Formulas as a reader sees them in Chromium (MathML Core), measured: which font draws each
math letter, where scripts and limits sit, how tall \\big brackets are, how signs are spaced,
where lines break and how align columns stand apart. The page is tests/sites/math."""

from __future__ import annotations

import pytest

from engine import assemble

pytestmark = pytest.mark.browser

# probe name -> the characters its formula must show (engine/alphabets.py)
ALPHABETS = {"mathbf": "𝐱", "mathbb": "ℝ", "mathcal": "𝒩", "mathfrak": "𝔤", "mathsf": "𝖠",
             "mathtt": "𝚃", "boldsymbol": "𝜽", "mathbf-multi": "𝐖𝐱", "boldsymbol-multi": "𝝁𝒙",
             "texttt": "𝙺𝙻"}


@pytest.fixture(scope="module")
def page(tmp_path_factory, browser):
    import functools
    import http.server
    import shutil
    import threading

    from conftest import SITES

    root = tmp_path_factory.mktemp("math") / "site-root"
    shutil.copytree(SITES / "math", root)
    summary = assemble.build(root, use_cache=False)
    assert summary.warnings == ()
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root / "site"))
    handler.log_message = lambda *a: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    page = browser.new_page(viewport={"width": 900, "height": 900})
    page.goto(f"http://127.0.0.1:{server.server_address[1]}/reader/", wait_until="networkidle")
    page.evaluate("document.fonts.ready.then(() => true)")
    yield page
    page.close()
    server.shutdown()
    server.server_close()


def _fonts_for(page, selector: str) -> list[dict]:
    """The fonts Chromium really drew the text under `selector` with (DevTools protocol)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    cdp.detach()
    return fonts


@pytest.mark.parametrize("probe", sorted(ALPHABETS))
def test_math_alphabets_are_styled_characters_drawn_by_the_shipped_fonts(page, probe):
    text = page.evaluate(f"""() => [...document.querySelectorAll(
        '[data-tex="{probe}"] math :is(mi, mtext)')].map(e => e.textContent).join('')""")
    assert ALPHABETS[probe] in text
    selector = f'[data-tex="{probe}"] math :is(mi, mtext):last-of-type'
    fonts = _fonts_for(page, selector)
    assert fonts and all(f["isCustomFont"] for f in fonts), fonts
    assert {f["familyName"] for f in fonts} <= {"DejaVu Serif", "DejaVu Sans", "STIXGeneral"}, fonts


def _boxes(page, probe: str, selector: str) -> list[dict]:
    return page.evaluate(f"""() => [...document.querySelectorAll('[data-tex="{probe}"] {selector}')]
        .map(e => {{ const r = e.getBoundingClientRect();
                    return {{text: e.textContent, left: r.left, right: r.right, top: r.top,
                             bottom: r.bottom, fs: parseFloat(getComputedStyle(e).fontSize)}}; }})""")


def test_underset_puts_its_script_below_the_letter(page):
    [box] = _boxes(page, "underset", "munder")
    [base] = [b for b in _boxes(page, "underset", "munder > :first-child")]
    [script] = [b for b in _boxes(page, "underset", "munder > :last-child")]
    assert base["text"] == "𝔼" and script["text"] == "pθ"
    assert script["top"] >= base["bottom"] - 0.15 * base["fs"], (base, script)
    middle = lambda b: (b["left"] + b["right"]) / 2  # noqa: E731
    assert abs(middle(base) - middle(script)) < 0.3 * base["fs"]
    assert box["bottom"] - box["top"] > 1.3 * base["fs"]  # two rows, not one flat run


def test_overset_and_stackrel_put_their_mark_above_the_relation(page):
    overs = _boxes(page, "underset", "mover")
    assert len(overs) == 2
    for base, mark in zip(_boxes(page, "underset", "mover > :first-child"),
                          _boxes(page, "underset", "mover > :last-child")):
        assert base["text"] == "=" and mark["text"] in ("!", "def")
        assert mark["bottom"] <= base["top"] + 0.2 * base["fs"], (base, mark)


@pytest.mark.parametrize("probe,size", [("big", 1.2), ("Big", 1.8), ("bigg", 2.4), ("Bigg", 3.0)])
def test_big_brackets_have_tex_sizes(page, probe, size):
    [formula] = _boxes(page, probe, "math")
    height = (formula["bottom"] - formula["top"]) / formula["fs"]
    assert size - 0.1 < height < size + 0.15, height
    brackets = [b for b in _boxes(page, probe, "mo") if b["text"] in "()"]
    [x] = _boxes(page, probe, "mi")
    for b in brackets:
        assert (b["bottom"] - b["top"]) / formula["fs"] > 0.9 * size
        # centred on the letter's middle, give or take the axis above it
        assert abs((b["top"] + b["bottom"]) / 2 - (x["top"] + x["bottom"]) / 2) < 0.2 * x["fs"]


def _gap(a: dict, b: dict) -> float:
    return (b["left"] - a["right"]) / a["fs"]


def test_unary_minus_is_not_spaced_like_a_binary_one(page):
    k = {b["text"]: b for b in _boxes(page, "unary", "mo, mi")}
    row = _boxes(page, "unary", "mrow > *")
    texts = [b["text"] for b in row]
    i = texts.index("[")
    assert texts[i:i + 3] == ["[", "−", "i"]
    assert _gap(row[i], row[i + 1]) < 0.08 and _gap(row[i + 1], row[i + 2]) < 0.08
    rel = _boxes(page, "unary-rel", "mrow > *")
    assert [b["text"] for b in rel] == ["j", "=", "−", "1"]
    assert _gap(rel[2], rel[3]) < 0.08 and _gap(rel[1], rel[2]) > 0.2
    binary = _boxes(page, "binary", "mrow > *")
    assert [b["text"] for b in binary] == ["a", "−", "b"]
    assert _gap(binary[0], binary[1]) > 0.15 and _gap(binary[1], binary[2]) > 0.15
    assert k["K"]


def test_punctuation_after_inline_math_stays_on_its_line(page):
    # narrow the paragraph pixel by pixel: whatever the width, no line starts with "." or ","
    broken = page.evaluate("""() => {
        const p = document.querySelector('[data-tex="punct"] p');
        const bad = [];
        for (let w = 160; w <= 700; w += 3) {
            p.style.width = w + 'px';
            for (const m of p.querySelectorAll('math')) {
                const next = m.nextSibling;
                if (!next || next.nodeType !== 3 || !/^[.,]/.test(next.data)) continue;
                const r = document.createRange();
                r.setStart(next, 0); r.setEnd(next, 1);
                const punct = r.getBoundingClientRect(), math = m.getBoundingClientRect();
                if (punct.top > math.bottom - 2) bad.push([w, next.data[0]]);
            }
        }
        p.style.width = '';
        return bad;
    }""")
    assert broken == []


def test_align_with_a_text_column_keeps_it_apart_and_equals_aligned(page):
    cells = page.evaluate("""() => [...document.querySelectorAll('[data-tex="align3"] mtr')]
        .map(tr => [...tr.children].map(td => {
            const r = td.getBoundingClientRect();
            const ink = td.querySelector('mtext, mi, mo') ? [...td.querySelectorAll('mtext, mi, mo, mn, msqrt, msup')]
                .map(e => e.getBoundingClientRect()) : [];
            return {left: r.left, right: r.right, fs: parseFloat(getComputedStyle(td).fontSize),
                    inkLeft: Math.min(...ink.map(b => b.left)), inkRight: Math.max(...ink.map(b => b.right)),
                    eq: (td.querySelector('mo') || {}).textContent === '='
                        ? td.querySelector('mo').getBoundingClientRect().left : null};
        }))""")
    assert len(cells) == 2 and all(len(row) == 3 for row in cells)
    for row in cells:
        gap = (row[2]["inkLeft"] - row[1]["inkRight"]) / row[1]["fs"]
        assert gap > 0.8, gap
    assert abs(cells[0][1]["eq"] - cells[1][1]["eq"]) < 1


@pytest.mark.parametrize("probe", ["left-paren", "left-bar", "left-norm"])
def test_fences_around_an_inline_fraction_fit_it(page, probe):
    # DejaVu alone has nothing between its plain bracket and a 2.4 em assembly, and Core
    # does not stretch KaTeX's ∣ and ∥: the fences must cover the fraction, not three lines
    [frac] = _boxes(page, probe, "mfrac")
    fences = [b for b in _boxes(page, probe, "mo") if b["text"] in "()|‖"]
    assert len(fences) == 2
    height = frac["bottom"] - frac["top"]
    for fence in fences:
        tall = fence["bottom"] - fence["top"]
        assert 0.95 * height <= tall <= 1.6 * height, (probe, tall, height)


def test_overline_spans_its_letters(page):
    [base] = _boxes(page, "overline", ".tex-overline")
    line = page.evaluate("""() => getComputedStyle(
        document.querySelector('[data-tex="overline"] .tex-overline')).borderTopStyle""")
    assert line == "solid" and base["right"] - base["left"] > 1.2 * base["fs"]

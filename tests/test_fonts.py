"""The math font subset: what it must keep for MathML, and that it is deterministic."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

from engine import fonts

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def data() -> bytes:
    assets = fonts.math_font_assets()
    assert list(assets) == [fonts.FONT_PATH, fonts.ALPHANUMERICS_PATH]
    assert fonts.FONT_PATH.startswith("assets/fonts/") and fonts.FONT_PATH.endswith(".woff")
    return assets[fonts.FONT_PATH]


@pytest.fixture(scope="module")
def font(data: bytes) -> TTFont:
    return fonts.open_font(data)


@pytest.fixture(scope="module")
def source() -> TTFont:
    return TTFont(fonts.source_font_path())


@pytest.fixture(scope="module")
def donor() -> TTFont:
    return TTFont(fonts.source_font_path(fonts.DONOR_FONT))


def _constructions(font: TTFont) -> dict[tuple[str, int], tuple]:
    """Each MATH glyph construction keyed by (direction, code point) -> variants and parts."""
    mv = font["MATH"].table.MathVariants
    by_glyph = {glyph: cp for cp, glyph in font.getBestCmap().items()}
    out = {}
    for kind, coverage, constructions in (
        ("V", mv.VertGlyphCoverage, mv.VertGlyphConstruction),
        ("H", mv.HorizGlyphCoverage, mv.HorizGlyphConstruction),
    ):
        for glyph, construction in zip(coverage.glyphs, constructions):
            variants = tuple(
                (r.VariantGlyph, r.AdvanceMeasurement)
                for r in construction.MathGlyphVariantRecord
            )
            assembly = construction.GlyphAssembly
            parts = tuple(p.glyph for p in assembly.PartRecords) if assembly else ()
            out[kind, by_glyph.get(glyph, -1)] = (variants, parts)
    return out


def test_is_woff_with_math_and_layout_tables(data: bytes, font: TTFont) -> None:
    assert data[:4] == b"wOFF"
    for tag in ("MATH", "GSUB", "GPOS", "GDEF", "cmap", "glyf"):
        assert tag in font, tag
    assert "ssty" in {r.FeatureTag for r in font["GSUB"].table.FeatureList.FeatureRecord}


@pytest.mark.parametrize(
    "char",
    ["∑", "⋆", "∗", "[", "]", "(", ")", "{", "}", "|", "∫", "√", "−", "×", "⋅", "′", "→",
     "≤", "∞", "∂", "∇", "⌈", "⌋", "⟨", "⟩", "ℝ", "𝑥", "𝐴", "𝔸", "𝟙", "⁡", "⁢",
     # from DejaVu Sans (DejaVu Serif lacks them)
     "⋯", "⋮", "⋱", "∅", "≪", "≅", "⋃", "∮", "⨁", "ℓ", "𝖠"],
)
def test_keeps_math_characters(font: TTFont, char: str) -> None:
    assert ord(char) in font.getBestCmap(), f"U+{ord(char):04X} {char!r}"


def test_keeps_greek(font: TTFont) -> None:
    cmap = font.getBestCmap()
    lower = [cp for cp in range(ord("α"), ord("ω") + 1)]
    upper = [cp for cp in range(ord("Α"), ord("Ω") + 1) if cp != 0x03A2]  # no final capital
    missing = [chr(cp) for cp in lower + upper + [ord("ϵ"), ord("ϕ"), ord("ϑ")] if cp not in cmap]
    assert not missing


def test_keeps_every_source_character_in_the_ranges(
    font: TTFont, source: TTFont, donor: TTFont
) -> None:
    wanted = {
        cp
        for cp in {*source.getBestCmap(), *donor.getBestCmap()}
        if any(lo <= cp <= hi for lo, hi in fonts.UNICODE_RANGES)
    }
    assert wanted - set(font.getBestCmap()) == set()
    # The italic math letters MathML substitutes for <mi>x</mi> are among them.
    assert sum(1 for cp in wanted if 0x1D400 <= cp <= 0x1D7FF) > 50


def test_brackets_stretch(font: TTFont) -> None:
    constructions = _constructions(font)
    glyf = font["glyf"]
    for char in "[]()":
        variants, parts = constructions["V", ord(char)]
        assert parts, f"no glyph assembly for {char!r}"
        for glyph in parts:
            assert glyf[glyph].numberOfContours > 0, f"{glyph} of {char!r} has no outline"


def test_every_math_construction_survives(
    font: TTFont, source: TTFont, donor: TTFont
) -> None:
    ours = _constructions(font)
    theirs = _constructions(source)
    serif_cmap = source.getBestCmap()
    # Characters copied from Sans bring their size variants (big ⋃, ∮, ⨁ ...) with them.
    theirs.update({k: v for k, v in _constructions(donor).items() if k[1] not in serif_cmap})
    assert ("V", ord("⋃")) in ours
    brackets = {("V", ord(c)) for c in fonts.fontsizes.BRACKETS} | {
        ("H", ord(c)) for c in fonts.fontsizes.ACCENTS}
    assert ours.keys() - theirs.keys() <= brackets  # ⟨ ⟩ ∥ ^ ~ gain constructions (below)
    assert theirs.keys() <= ours.keys()
    for key, (variants, parts) in theirs.items():
        got_variants, got_parts = ours[key]
        # Glyph names may differ (the subset drops names); compare shape and measurements.
        if key not in brackets:
            assert [m for _, m in got_variants] == [m for _, m in variants], key
        assert len(got_parts) == len(parts), key
        for glyph in [g for g, _ in got_variants] + list(got_parts):
            assert font["glyf"][glyph].numberOfContours != 0, (key, glyph)


def test_timestamps_are_pinned(font: TTFont, source: TTFont) -> None:
    assert font["head"].modified == source["head"].created
    assert "FFTM" not in font


def test_much_smaller_than_source(data: bytes) -> None:
    source_size = fonts.source_font_path().stat().st_size
    print(f"math font subset: {len(data)} bytes (source {source_size} bytes)")
    assert len(data) < source_size / 4


def test_cached_and_identical_within_a_process(data: bytes) -> None:
    assert fonts.math_font_assets()[fonts.FONT_PATH] is data
    assert fonts._subset_woff.__wrapped__() == data


def test_identical_across_processes(data: bytes) -> None:
    code = (
        "import hashlib, sys; from engine.fonts import FONT_PATH, math_font_assets; "
        "sys.stdout.write(hashlib.sha256(math_font_assets()[FONT_PATH]).hexdigest())"
    )
    # a hash seed other than this process's (random unless set): set ordering must not leak
    # into the bytes
    seed = "2" if os.environ.get("PYTHONHASHSEED") == "1" else "1"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={"PYTHONHASHSEED": seed, "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout == hashlib.sha256(data).hexdigest()


def test_math_constants_are_repaired(font: TTFont) -> None:
    constants = font["MATH"].table.MathConstants
    for name, value in fonts.MATH_CONSTANTS.items():
        assert getattr(constants, name).Value == value, name
    # superscripts start below the x-height, not at it
    assert constants.SuperscriptBottomMin.Value < constants.AccentBaseHeight.Value


def test_style_css_loads_this_font() -> None:
    css = (ROOT / "themes/default/assets/style.css").read_text(encoding="utf-8")
    relative = fonts.FONT_PATH.removeprefix("assets/")  # style.css lives in assets/
    assert f'font-family: "{fonts.FONT_FAMILY}";' in css
    assert f'url("{relative}")' in css


def test_shipped_font_is_what_this_module_makes(data: bytes) -> None:
    # the theme ships the subset; regenerate with `python -m engine.fonts` after a change
    assert fonts.SHIPPED.read_bytes() == data


@pytest.fixture(scope="module")
def alphanumerics() -> TTFont:
    return fonts.open_font(fonts.math_font_assets()[fonts.ALPHANUMERICS_PATH])


def test_every_math_alphabet_letter_has_a_glyph(font: TTFont, alphanumerics: TTFont) -> None:
    # \mathbf ... \mathtt, \boldsymbol as engine/alphabets.py writes them: the two faces of
    # the family cover all but the characters STIXGeneral lacks too (bold digamma and so on)
    from engine import alphabets
    have = set(font.getBestCmap()) | set(alphanumerics.getBestCmap())
    wanted = {ord(ch) for ch in alphabets.table().values()}
    missing = sorted(chr(cp) for cp in wanted - have)
    assert len(wanted) > 1000 and len(missing) <= 2, missing
    for sample in "𝐱𝔼𝒩𝔤𝖠𝚃𝜽ℝℒℎ𝓛𝕜𝟙":
        assert ord(sample) in have, sample


def test_alphanumerics_face_holds_only_what_dejavu_lacks(font: TTFont,
                                                          alphanumerics: TTFont) -> None:
    ours = set(alphanumerics.getBestCmap())
    assert len(ours) > 800
    assert not ours & set(font.getBestCmap())
    assert alphanumerics["head"].modified == alphanumerics["head"].created


def test_shipped_alphanumerics_are_what_this_module_makes() -> None:
    shipped = fonts.THEME / fonts.ALPHANUMERICS_PATH
    assert shipped.read_bytes() == fonts.math_font_assets()[fonts.ALPHANUMERICS_PATH]
    css = (ROOT / "themes/default/assets/style.css").read_text(encoding="utf-8")
    assert f'url("{fonts.ALPHANUMERICS_PATH.removeprefix("assets/")}")' in css


@pytest.mark.parametrize("char", fonts.fontsizes.BRACKETS)
def test_brackets_have_sizes_between_the_glyph_and_the_assembly(font: TTFont, char: str) -> None:
    from fontTools.pens.boundsPen import BoundsPen
    variants, _ = _constructions(font)["V", ord(char)]
    heights = [m for _, m in variants]
    em = font["head"].unitsPerEm
    assert len(variants) >= 5 and heights == sorted(heights)
    assert heights[-1] >= 2.3 * em and heights[1] <= 1.2 * em
    axis = font["MATH"].table.MathConstants.AxisHeight.Value
    glyphs = font.getGlyphSet()
    middles = []
    for glyph, advance in variants:
        pen = BoundsPen(glyphs)
        glyphs[glyph].draw(pen)
        assert abs((pen.bounds[3] - pen.bounds[1]) - advance) <= 2, (glyph, pen.bounds, advance)
        middles.append((pen.bounds[1] + pen.bounds[3]) / 2 - axis)
    # stretched about the axis: the middle stays where the plain glyph has it
    assert max(middles) - min(middles) < 0.05 * em, middles


def test_wide_accents_have_widths(font: TTFont) -> None:
    em = font["head"].unitsPerEm
    constructions = _constructions(font)
    for char in "^~":
        variants, _ = constructions["H", ord(char)]
        widths = [m for _, m in variants]
        assert len(widths) >= 6 and widths == sorted(widths) and widths[-1] >= 5 * em
        for glyph, width in variants:
            assert font["hmtx"][glyph][0] == width

"""The math font the default theme serves with every site.

Browsers need a font with an OpenType MATH table to stretch brackets, place limits and size
radicals in MathML. matplotlib (already a dependency) ships ``DejaVuSerif.ttf``, which has
one; of its siblings only ``DejaVuSans.ttf`` does, the italic and bold cuts do not. Italic
math still works: MathML maps ``<mi>x</mi>`` to the Mathematical Alphanumeric Symbols block,
which the regular cut covers (italic and double-struck letters) and which this subset keeps.

DejaVu Serif lacks many operators that DejaVu Sans has (``⋆``, ``⋯``, ``∅``, ``≪``, ``⋃``,
``∮``, ``⨁``, sans-serif math letters...), so characters of the kept blocks that Serif lacks
are copied from Sans, outlines and MATH size variants and assemblies both (DejaVu's operators
are drawn alike in both families and share an em of 2048 units). Otherwise a page would mix
in whatever system font has ``⋆``.

``math_font_assets()`` subsets that font to the Unicode blocks mathematics uses, keeps the
MATH, GSUB and GPOS tables with every layout feature (``ssty`` gives script-size primes, and
the subsetter keeps the size variants and assembly parts MATH refers to), drops TrueType
hinting and writes WOFF (zlib; no brotli dependency). The bytes are the same on every call
and every run: the ``head`` timestamps are pinned and the FontForge timestamp table dropped.
"""

from __future__ import annotations

import copy
import functools
import io
from pathlib import Path

import matplotlib
from fontTools import subset
from fontTools.ttLib import TTFont

from . import fontsizes

__all__ = ["FONT_FAMILY", "FONT_PATH", "math_font_assets", "open_font", "source_font_path"]

#: The family name style.css declares with @font-face and uses for ``math``.
FONT_FAMILY = "DejaVu Serif Math"

#: Where the subset is written, relative to the site root (style.css says ``fonts/...``).
FONT_PATH = "assets/fonts/dejavu-serif-math.woff"

#: The math letters DejaVu lacks, from STIXGeneral (style.css: the same family, second face).
ALPHANUMERICS_PATH = "assets/fonts/stix-math-alphanumerics.woff"

# Inclusive code point ranges kept in the subset.
UNICODE_RANGES: tuple[tuple[int, int], ...] = (
    (0x0020, 0x007E),  # Basic Latin
    (0x00A0, 0x00FF),  # Latin-1 Supplement
    (0x0131, 0x0131),  # dotless i
    (0x0237, 0x0237),  # dotless j
    (0x02C6, 0x02DD),  # the spacing accents KaTeX emits (ˆ ˇ ˘ ˙ ˜ ˝)
    (0x0300, 0x030C),  # combining accents
    (0x0338, 0x0338),  # combining long solidus: KaTeX's \not
    (0x0391, 0x03C9),  # Greek letters (no tonos, archaic or Coptic letters)
    (0x03D0, 0x03D6),  # ϑ ϕ ϖ ...
    (0x03F0, 0x03F6),  # ϰ ϱ ϵ ϶
    (0x2000, 0x206F),  # General Punctuation: primes, invisible times/function application
    (0x20D0, 0x20FF),  # Combining Diacritical Marks for Symbols: \vec
    (0x2100, 0x214F),  # Letterlike Symbols: ℝ ℓ ℏ ℵ
    (0x2190, 0x21FF),  # Arrows
    (0x2200, 0x22FF),  # Mathematical Operators
    (0x2300, 0x23FF),  # Miscellaneous Technical: ceilings, floors, bracket pieces
    (0x25A0, 0x25FF),  # Geometric Shapes: □ △ ◦
    (0x27C0, 0x27EF),  # Miscellaneous Mathematical Symbols-A: ⟨ ⟩ ⟦ ⟧
    (0x27F0, 0x27FF),  # Supplemental Arrows-A: ⟶ ⟹
    (0x2980, 0x29FF),  # Miscellaneous Mathematical Symbols-B
    (0x2A00, 0x2AFF),  # Supplemental Mathematical Operators
    (0x1D400, 0x1D7FF),  # Mathematical Alphanumeric Symbols
)

# DejaVu Serif's MathConstants leave most script, limit and fraction shifts at 0 and put
# SuperscriptBottomMin/SubscriptTopMax at the x-height, so superscripts and primes float a
# line too high and fractions sit cramped. These replace them with the values of DejaVu Math
# TeX Gyre (a math font drawn from DejaVu Serif), scaled from its 1000 to our 2048 units.
# Rule thicknesses, axis and accent heights, radical and operator sizes stay DejaVu's own:
# they must match its glyphs.
MATH_CONSTANTS: dict[str, int] = {
    "SubscriptShiftDown": 567,
    "SubscriptTopMax": 676,
    "SubscriptBaselineDropMin": 283,
    "SuperscriptShiftUp": 780,
    "SuperscriptShiftUpCramped": 639,
    "SuperscriptBottomMin": 451,
    "SuperscriptBaselineDropMax": 567,
    "SuperscriptBottomMaxWithSubscript": 686,
    "UpperLimitGapMin": 197,
    "UpperLimitBaselineRiseMin": 197,
    "LowerLimitGapMin": 197,
    "LowerLimitBaselineDropMin": 1047,
    "StackTopShiftUp": 825,
    "StackTopDisplayStyleShiftUp": 1300,
    "StackBottomShiftDown": 549,
    "StackBottomDisplayStyleShiftDown": 1305,
    "StretchStackTopShiftUp": 197,
    "StretchStackBottomShiftDown": 1047,
    "StretchStackGapAboveMin": 197,
    "StretchStackGapBelowMin": 197,
    "FractionNumeratorShiftUp": 825,
    "FractionNumeratorDisplayStyleShiftUp": 1300,
    "FractionDenominatorShiftDown": 549,
    "FractionDenominatorDisplayStyleShiftDown": 1305,
    "SkewedFractionHorizontalGap": 614,
    "SkewedFractionVerticalGap": 164,
}

# `head.created` and `head.modified` are pinned to the source font's `created` so the output
# never depends on the clock (fontTools would otherwise stamp `modified` with "now").
_DROP_TABLES = ("FFTM", "kern")  # FontForge build stamp; legacy kern (GPOS has kerning)


def source_font_path(name: str = "DejaVuSerif.ttf") -> Path:
    """Return the path of one of matplotlib's bundled DejaVu fonts (Serif by default)."""
    return Path(matplotlib.get_data_path()) / "fonts" / "ttf" / name


DONOR_FONT = "DejaVuSans.ttf"
_DONOR_SUFFIX = ".sans"


def _copy_glyph(font: TTFont, donor: TTFont, name: str, copied: dict[str, str]) -> str:
    """Copy glyph `name` (and its components) from `donor` into `font`; return its new name."""
    if name in copied:
        return copied[name]
    new = name + _DONOR_SUFFIX
    if new in font["glyf"].glyphs:
        raise ValueError(f"glyph name clash while merging {DONOR_FONT}: {new!r}")
    copied[name] = new
    glyph = copy.deepcopy(donor["glyf"][name])
    if glyph.isComposite():
        for component in glyph.components:
            component.glyphName = _copy_glyph(font, donor, component.glyphName, copied)
    font["glyf"][new] = glyph  # appends `new` to the glyph order
    font["hmtx"][new] = donor["hmtx"][name]
    return new


def _merge_constructions(font: TTFont, donor: TTFont, copied: dict[str, str]) -> None:
    """Give copied glyphs the donor's MATH size variants and assemblies."""
    ours = font["MATH"].table.MathVariants
    theirs = donor["MATH"].table.MathVariants
    for direction in ("Vert", "Horiz"):
        coverage = getattr(ours, f"{direction}GlyphCoverage")
        constructions = getattr(ours, f"{direction}GlyphConstruction")
        their_coverage = getattr(theirs, f"{direction}GlyphCoverage")
        their_constructions = getattr(theirs, f"{direction}GlyphConstruction")
        for glyph, construction in zip(their_coverage.glyphs, their_constructions):
            if glyph not in copied:
                continue
            construction = copy.deepcopy(construction)
            for record in construction.MathGlyphVariantRecord:
                record.VariantGlyph = _copy_glyph(font, donor, record.VariantGlyph, copied)
            if construction.GlyphAssembly:
                for part in construction.GlyphAssembly.PartRecords:
                    part.glyph = _copy_glyph(font, donor, part.glyph, copied)
            coverage.glyphs.append(copied[glyph])
            constructions.append(construction)
        # Coverage tables must be sorted by glyph id.
        pairs = sorted(zip(coverage.glyphs, constructions), key=lambda p: font.getGlyphID(p[0]))
        coverage.glyphs = [g for g, _ in pairs]
        constructions[:] = [c for _, c in pairs]
        setattr(ours, f"{direction}GlyphCount", len(constructions))


def _fill_from_donor(font: TTFont, donor: TTFont, unicodes: list[int]) -> None:
    """Copy the characters of `unicodes` that `font` lacks and `donor` has."""
    if font["head"].unitsPerEm != donor["head"].unitsPerEm:
        raise ValueError(f"{DONOR_FONT} has a different unitsPerEm")
    have, theirs = font.getBestCmap(), donor.getBestCmap()
    copied: dict[str, str] = {}
    added = {cp: _copy_glyph(font, donor, theirs[cp], copied)
             for cp in unicodes if cp not in have and cp in theirs}
    _merge_constructions(font, donor, copied)
    font.setGlyphOrder(list(font.getGlyphOrder()))  # refresh the cached name -> id map
    for table in font["cmap"].tables:
        if table.isUnicode():
            limit = 0xFFFF if table.format in (4, 6) else 0x10FFFF
            table.cmap.update({cp: g for cp, g in added.items() if cp <= limit})


def _options() -> subset.Options:
    options = subset.Options()
    options.flavor = "woff"
    options.with_zopfli = False
    options.layout_features = ["*"]  # keep ssty, salt, case... as well as kern/mark/liga
    options.drop_tables = [*options.drop_tables, *_DROP_TABLES]
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6, 13, 14]  # keep the copyright and licence
    options.name_languages = [0x0409]
    options.hinting = False  # TrueType instructions are bulky; browsers rarely use them
    options.notdef_outline = True
    options.glyph_names = False
    options.recalc_timestamp = False
    return options


@functools.cache
def _subset_woff() -> bytes:
    options = _options()
    font = subset.load_font(str(source_font_path()), options, lazy=False)
    font.recalcTimestamp = False
    donor = subset.load_font(str(source_font_path(DONOR_FONT)), options, lazy=False)
    unicodes = [cp for lo, hi in UNICODE_RANGES for cp in range(lo, hi + 1)]
    _fill_from_donor(font, donor, unicodes)
    constants = font["MATH"].table.MathConstants
    for name, value in MATH_CONSTANTS.items():
        getattr(constants, name).Value = value
    # DejaVu has no \overbrace and \underbrace: STIX's, from its 1000-unit em to ours
    fontsizes.copy_scaled(font, subset.load_font(str(source_font_path(ALPHANUMERIC_FONT)),
                                                 options, lazy=False), "⏞⏟", 2048 / 1000)
    fontsizes.add_size_variants(font)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=unicodes)
    subsetter.subset(font)

    head = font["head"]
    head.modified = head.created
    buf = io.BytesIO()
    font.flavor = "woff"
    font.save(buf, reorderTables=True)
    return buf.getvalue()


# DejaVu has 170 of the 1,024 Mathematical Alphanumeric Symbols (𝐱 𝔼 𝖠...), yet a page needs
# the others whenever a post says \mathcal, \mathfrak, \mathtt, \boldsymbol...; matplotlib's
# STIXGeneral has 994. They go in a second, small font of the same family that browsers fetch
# only for a page that shows one of them (style.css sizes them to DejaVu's cap height).
ALPHANUMERIC_FONT = "STIXGeneral.ttf"
ALPHANUMERIC_RANGES = ((0x1D400, 0x1D7FF), (0x2100, 0x214F))


@functools.cache
def _alphanumerics_woff() -> bytes:
    have = open_font(_subset_woff()).getBestCmap()
    options = _options()
    options.layout_features = []  # letters only: no kerning or ligatures to keep
    font = subset.load_font(str(source_font_path(ALPHANUMERIC_FONT)), options, lazy=False)
    font.recalcTimestamp = False
    theirs = font.getBestCmap()
    unicodes = [cp for lo, hi in ALPHANUMERIC_RANGES for cp in range(lo, hi + 1)
                if cp in theirs and cp not in have]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=unicodes)
    subsetter.subset(font)
    font["head"].modified = font["head"].created
    buf = io.BytesIO()
    font.flavor = "woff"
    font.save(buf, reorderTables=True)
    return buf.getvalue()


def math_font_assets() -> dict[str, bytes]:
    """Return the math font subsets as ``{site-relative path: WOFF bytes}``.

    The engine writes each entry under ``site/``; the default theme's style.css loads them
    with ``url("fonts/dejavu-serif-math.woff")`` and the alphanumerics' face after it. The
    bytes are deterministic.
    """
    return {FONT_PATH: _subset_woff(), ALPHANUMERICS_PATH: _alphanumerics_woff()}


def open_font(data: bytes) -> TTFont:
    """Open font bytes (e.g. the subset) with fontTools, for tests and checks."""
    return TTFont(io.BytesIO(data), recalcTimestamp=False)


THEME = Path(__file__).resolve().parent.parent / "themes" / "default"
SHIPPED = THEME / FONT_PATH


if __name__ == "__main__":
    # The default theme ships the subset, so a build never spends the second subsetting
    # takes; `python -m engine.fonts` regenerates it and tests/test_fonts.py checks that the
    # shipped file is exactly what this module makes from the pinned matplotlib.
    for rel, data in math_font_assets().items():
        target = THEME / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        print(f"wrote {target} ({len(data)} bytes)")

"""Bracket sizes between DejaVu's plain glyph and its smallest assembly; wide accents.

DejaVu's MATH table builds `(`, `[`, `{`, `|` only from assembly parts, whose smallest
assembly is about 2.4 em, and has nothing at all for `⟨ ⟩ ∥`. So `\\left( \\frac{a}{b}
\\right)` in a line of text got brackets three lines tall. TeX fonts have size variants in
between; these are made here: each bracket's own outline stretched upright about its middle
(vertical strokes keep their width; Chromium centres a stretched bracket on the math axis),
listed as MATH size variants before the assembly.
"""

from __future__ import annotations

from fontTools.pens.boundsPen import BoundsPen
from fontTools.pens.transformPen import TransformPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont
from fontTools.ttLib.tables import otTables as ot

BRACKETS = "()[]{}|‖∥⟨⟩⌈⌉⌊⌋"
#: total heights of the variants, in em: up to where the assemblies take over
HEIGHTS = (1.15, 1.4, 1.7, 2.0, 2.35)
#: \widehat, \widetilde, \overbrace, \underbrace: DejaVu has one width of each; these are
#: stretched across to WIDTHS (em)
ACCENTS = "^~ˆ˜⏞⏟"
WIDTHS = (0.8, 1.1, 1.5, 2.0, 2.7, 3.5, 4.5, 6.0)


def _stretched(font: TTFont, name: str, factor: float, middle: float,
               wide: bool = False) -> tuple[str, int]:
    """Add `name` stretched by `factor` about `middle` (upright, or across if `wide`);
    return the new glyph and its height (its width if `wide`)."""
    glyph_set = font.getGlyphSet()
    new = f"{name}.{'h' if wide else 'v'}{round(factor * 100)}"
    pen = TTGlyphPen(glyph_set)
    shift = round(middle * (1 - factor))
    matrix = (factor, 0, 0, 1, shift, 0) if wide else (1, 0, 0, factor, 0, shift)
    glyph_set[name].draw(TransformPen(pen, matrix))
    glyph = pen.glyph()
    font["glyf"][new] = glyph
    glyph.recalcBounds(font["glyf"])
    advance = font["hmtx"][name][0]
    if wide:  # `middle` is then the left edge of the ink: keep both side bearings
        advance = glyph.xMax + (font["hmtx"][name][0] - _ink_right(font, name))
    font["hmtx"][new] = (advance, glyph.xMin)
    return new, advance if wide else (glyph.yMax - glyph.yMin)


def _ink_right(font: TTFont, name: str) -> float:
    bounds = BoundsPen(font.getGlyphSet())
    font.getGlyphSet()[name].draw(bounds)
    return bounds.bounds[2]


def copy_scaled(font: TTFont, donor: TTFont, chars: str, scale: float) -> None:
    """Copy `chars` that `font` lacks from `donor`, outlines scaled by `scale`."""
    have, theirs = font.getBestCmap(), donor.getBestCmap()
    donor_glyphs = donor.getGlyphSet()
    for char in chars:
        cp = ord(char)
        if cp in have or cp not in theirs:
            continue
        name = theirs[cp]
        bounds = BoundsPen(donor_glyphs)
        donor_glyphs[name].draw(bounds)
        pen = TTGlyphPen(None)  # the ink from x = 0 to the advance: STIX's may hang left
        donor_glyphs[name].draw(TransformPen(pen, (scale, 0, 0, scale,
                                                   -round(bounds.bounds[0] * scale), 0)))
        new = f"{name}.donor"
        glyph = pen.glyph()
        font["glyf"][new] = glyph
        glyph.recalcBounds(font["glyf"])
        font["hmtx"][new] = (glyph.xMax, glyph.xMin)
        for table in font["cmap"].tables:
            if table.isUnicode() and (cp <= 0xFFFF or table.format not in (4, 6)):
                table.cmap[cp] = new
    font.setGlyphOrder(list(font.getGlyphOrder()))


def add_size_variants(font: TTFont) -> None:
    """Give each of BRACKETS size variants of HEIGHTS, and each of ACCENTS width variants of
    WIDTHS (before subsetting: new glyphs are kept because the MATH table refers to them)."""
    _add(font, BRACKETS, HEIGHTS, wide=False)
    _add(font, ACCENTS, WIDTHS, wide=True)


def _add(font: TTFont, chars: str, sizes: tuple[float, ...], wide: bool) -> None:
    em = font["head"].unitsPerEm
    variants = font["MATH"].table.MathVariants
    kind = "Horiz" if wide else "Vert"
    coverage = getattr(variants, f"{kind}GlyphCoverage")
    constructions = getattr(variants, f"{kind}GlyphConstruction")
    by_glyph = dict(zip(coverage.glyphs, constructions))
    cmap = font.getBestCmap()
    for char in chars:
        name = cmap.get(ord(char))
        if name is None:
            continue
        bounds = BoundsPen(font.getGlyphSet())
        font.getGlyphSet()[name].draw(bounds)
        lo, hi = (bounds.bounds[0], bounds.bounds[2]) if wide else (bounds.bounds[1], bounds.bounds[3])
        # brackets stretch about their middle (on the axis, give or take); accents from
        # their left edge, keeping both side bearings
        size, middle = hi - lo, lo if wide else (lo + hi) / 2
        records = [(name, font["hmtx"][name][0] if wide else size)] + [_stretched(font, name, h * em / size, middle, wide)
                                    for h in sizes if h * em > size * 1.05]
        construction = by_glyph.get(name)
        if construction is None:
            construction = ot.MathGlyphConstruction()
            construction.GlyphAssembly = None
            by_glyph[name] = construction
        construction.MathGlyphVariantRecord = []
        for glyph, advance in records:
            record = ot.MathGlyphVariantRecord()
            record.VariantGlyph, record.AdvanceMeasurement = glyph, advance
            construction.MathGlyphVariantRecord.append(record)
        construction.VariantCount = len(records)
    font.setGlyphOrder(list(font.getGlyphOrder()))  # refresh the name -> id map
    pairs = sorted(by_glyph.items(), key=lambda p: font.getGlyphID(p[0]))
    coverage.glyphs = [g for g, _ in pairs]
    constructions[:] = [c for _, c in pairs]
    setattr(variants, f"{kind}GlyphCount", len(pairs))

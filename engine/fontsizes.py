"""Bracket sizes between DejaVu's plain glyph and its smallest assembly.

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


def _stretched(font: TTFont, name: str, factor: float, middle: float) -> tuple[str, int]:
    """Add `name` stretched by `factor` about `middle`; return the new glyph and its height."""
    glyph_set = font.getGlyphSet()
    new = f"{name}.v{round(factor * 100)}"
    pen = TTGlyphPen(glyph_set)
    glyph_set[name].draw(TransformPen(pen, (1, 0, 0, factor, 0, round(middle * (1 - factor)))))
    glyph = pen.glyph()
    font["glyf"][new] = glyph
    glyph.recalcBounds(font["glyf"])
    font["hmtx"][new] = (font["hmtx"][name][0], glyph.xMin)
    return new, glyph.yMax - glyph.yMin


def add_size_variants(font: TTFont) -> None:
    """Give each of BRACKETS size variants of HEIGHTS (before subsetting: new glyphs are
    kept because the MATH table refers to them)."""
    em = font["head"].unitsPerEm
    variants = font["MATH"].table.MathVariants
    coverage, constructions = variants.VertGlyphCoverage, variants.VertGlyphConstruction
    by_glyph = dict(zip(coverage.glyphs, constructions))
    cmap = font.getBestCmap()
    for char in BRACKETS:
        name = cmap.get(ord(char))
        if name is None:
            continue
        bounds = BoundsPen(font.getGlyphSet())
        font.getGlyphSet()[name].draw(bounds)
        height = bounds.bounds[3] - bounds.bounds[1]
        middle = (bounds.bounds[1] + bounds.bounds[3]) / 2  # on the axis, give or take
        records = [(name, height)] + [_stretched(font, name, h * em / height, middle)
                                      for h in HEIGHTS if h * em > height * 1.05]
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
    variants.VertGlyphCount = len(pairs)

"""Math alphabets as characters: `mathvariant` -> Unicode Mathematical Alphanumeric Symbols.

MathML Core (what Chromium implements) ignores `mathvariant` except `normal` on a one-letter
`<mi>`, so `\\mathbf{x}` must reach the page as `𝐱` (U+1D431), as Temml and MathJax 4 do.
The table is built from the Unicode names of U+1D400..U+1D7FF plus the Letterlike Symbols that
fill its holes (ℝ, ℬ, ℎ, ...), so no character is typed by hand twice.
"""

from __future__ import annotations

import functools
import unicodedata

# MathML's mathvariant values, by the style word in the characters' Unicode names
VARIANTS = {
    "BOLD": "bold", "ITALIC": "italic", "BOLD ITALIC": "bold-italic", "SCRIPT": "script",
    "BOLD SCRIPT": "bold-script", "FRAKTUR": "fraktur", "BOLD FRAKTUR": "bold-fraktur",
    "DOUBLE-STRUCK": "double-struck", "SANS-SERIF": "sans-serif",
    "SANS-SERIF BOLD": "bold-sans-serif", "SANS-SERIF ITALIC": "sans-serif-italic",
    "SANS-SERIF BOLD ITALIC": "sans-serif-bold-italic", "MONOSPACE": "monospace",
}
_STYLES = sorted(VARIANTS, key=len, reverse=True)  # "BOLD ITALIC" before "BOLD"

# The holes of the block: these letters were encoded earlier, among the Letterlike Symbols.
_HOLES = {
    ("italic", "h"): "ℎ",
    **{("script", k): v for k, v in zip("BEFHILMRego", "ℬℰℱℋℐℒℳℛℯℊℴ")},
    **{("fraktur", k): v for k, v in zip("CHIRZ", "ℭℌℑℜℨ")},
    **{("double-struck", k): v for k, v in zip("CHNPQRZ", "ℂℍℕℙℚℝℤ")},
}

_SYMBOLS = {
    "NABLA": "∇", "PARTIAL DIFFERENTIAL": "∂", "EPSILON SYMBOL": "ϵ", "THETA SYMBOL": "ϑ",
    "CAPITAL THETA SYMBOL": "ϴ", "KAPPA SYMBOL": "ϰ", "PHI SYMBOL": "ϕ", "RHO SYMBOL": "ϱ",
    "PI SYMBOL": "ϖ", "SMALL DOTLESS I": "ı", "SMALL DOTLESS J": "ȷ",
}
_DIGITS = "ZERO ONE TWO THREE FOUR FIVE SIX SEVEN EIGHT NINE".split()


def _plain(rest: str) -> str | None:
    """The ordinary character a name's tail ("CAPITAL A", "SMALL ALPHA") stands for."""
    if rest in _SYMBOLS:
        return _SYMBOLS[rest]
    case, _, letter = rest.partition(" ")
    if case == "DIGIT":
        return str(_DIGITS.index(letter))
    if case not in ("CAPITAL", "SMALL") or not letter:
        return None
    if len(letter) == 1:
        return letter if case == "CAPITAL" else letter.lower()
    try:
        return unicodedata.lookup(f"GREEK {case} LETTER {letter}")
    except KeyError:
        return None


@functools.cache
def table() -> dict[tuple[str, str], str]:
    """{(mathvariant, plain character): styled character}."""
    out: dict[tuple[str, str], str] = {}
    for cp in range(0x1D400, 0x1D800):
        name = unicodedata.name(chr(cp), "")
        if not name.startswith("MATHEMATICAL "):
            continue
        rest = name.removeprefix("MATHEMATICAL ")
        style = next((s for s in _STYLES if rest.startswith(s + " ")), None)
        if style is None:
            continue
        plain = _plain(rest[len(style) + 1:])
        if plain is not None:
            out[VARIANTS[style], plain] = chr(cp)
    out.update(_HOLES)
    return out


def styled(text: str, variant: str) -> str | None:
    """`text` in `variant`, or None when a character has no styled form (spaces are kept)."""
    t = table()
    out = []
    for ch in text:
        if ch.isspace():
            out.append(ch)
            continue
        mapped = t.get((variant, ch))
        if mapped is None:
            return None
        out.append(mapped)
    return "".join(out)

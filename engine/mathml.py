"""KaTeX's MathML, made right for MathML Core (Chromium) and still right elsewhere.

KaTeX 0.16 writes MathML for browsers that implemented MathML 3. MathML Core differs:

- it ignores `mathvariant` (but `normal` on a one-letter `<mi>`): alphabets become Unicode
  Mathematical Alphanumeric characters, as Temml does; what has no such character keeps
  its attribute, and bold gets a CSS weight, with a note for a warning;
- a token element (`<mi>`, `<mo>`) holding elements is shown as flat text: KaTeX wraps
  `\\underset`, `\\overset`, `\\stackrel` and `\\boldsymbol{...}` of several atoms that way
  (KaTeX issue #3978), so such tokens become `<mrow>`;
- a minus (or plus) where TeX makes it unary (first, or after a relation, an opening bracket,
  a comma or another operator) gets `form="prefix"`, which Core spaces as TeX does;
- `\\big`...`\\Bigg` ask for a stretchy bracket of 1.2em...3em: Core ignores the size and
  DejaVu's smallest assembly is 3.5em, so they become the plain glyph stretched upright.

The tree is re-serialised the way KaTeX writes it, so an untouched formula keeps its bytes.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from . import alphabets

_NS = ' xmlns="http://www.w3.org/1998/Math/MathML"'
_TOKENS = {"mi", "mo", "mn", "mtext", "ms"}
_VOID = {"mspace", "none", "mprescripts", "mglyph"}
_SIGNS = {"−", "+", "±", "∓", "-"}
# after one of these an operator is still binary (TeX: a closing atom or an ordinary)
_CLOSERS = set(")]}|‖⟩⌉⌋⟧!′″‴") | {"∥"}
_ARITY = {"msub": 2, "msup": 2, "msubsup": 3, "munder": 2, "mover": 2, "munderover": 3,
          "mfrac": 2, "mroot": 2}
_SCRIPTED = {"msub", "msup", "msubsup", "munder", "mover", "munderover"}
_FENCES = {"∣": "|", "∥": "‖"}
_OPENERS = set("([{⟨⌈⌊|‖⟦")
# \big...\Bigg ask for brackets 1.2, 1.8, 2.4 and 3 em tall. DejaVu has no size variant
# between its plain bracket (0.916 em from top to bottom) and its smallest assembly (about
# 3.5 em), and Core ignores `minsize`, so each is its plain glyph stretched upright (strokes
# keep their width, as TeX's larger cuts do) about its middle, which sits on the math axis,
# in a box of TeX's size so lines and rows make room for it.
_GLYPH = 0.916
_MIDDLE = 0.302
_BIG = {"1.2em": 1.2, "1.8em": 1.8, "2.4em": 2.4, "3em": 3.0}


def fix(mathml: str, *, numbers_shown: bool = False) -> tuple[str, tuple[str, ...]]:
    """Return the fixed MathML and notes on what could not be shown as TeX would.

    `numbers_shown`: the post's own site numbered `equation`, `align`... (KaTeX does; MathJax
    by default does not), so dropping the numbers is worth a note."""
    if _NS not in mathml[:80]:
        return mathml, ()
    try:
        root = ET.fromstring(mathml.replace(_NS, "", 1))
    except ET.ParseError as exc:  # never seen from KaTeX; say so rather than guess
        return mathml, (f"the MathML could not be checked for MathML Core ({exc}); "
                        "math alphabets and spacing may show as plain",)
    notes: list[str] = []
    if _drop_equation_numbers(root) and numbers_shown:
        notes.append("equation numbers are not shown (KaTeX leaves them to its own CSS); "
                     "use the starred environment, or `\\tag{1}` to number by hand")
    _walk(root, notes)
    return _serialise(root, top=True), tuple(dict.fromkeys(notes))


def _drop_equation_numbers(root: ET.Element) -> bool:
    # KaTeX pads numbered rows with glue cells and an empty number cell that only its CSS
    # fills: in Core they shift the columns of those rows (and rows with \nonumber lack them)
    dropped = False
    for row in root.iter("mtr"):
        for cell in list(row):
            if cell.get("class") in ("mtr-glue", "mml-eqn-num"):
                row.remove(cell)
                dropped = True
    return dropped


def _walk(el: ET.Element, notes: list[str]) -> None:
    if el.tag in _TOKENS and len(el):
        _token_to_row(el)
    if len(el) > _ARITY.get(el.tag, 99):
        _group_function_names(el)
    if el.tag == "annotation":
        return
    if el.tag in _TOKENS:
        _alphabet(el, notes)
        if el.tag == "mo" and (el.get("fence") == "true" or el.get("stretchy") == "true"):
            # KaTeX writes \left| and \left\| as ∣ and ∥, which Core's dictionary does not
            # stretch and DejaVu cannot; | and ‖ are the stretchy fences
            el.text = _FENCES.get(el.text or "", el.text)
        return
    for i, child in enumerate(list(el)):
        if child.tag == "mo":
            _big(el, i, child)
        elif child.tag in ("mover", "munder") and len(child) == 2:
            _rule(el, i, child)
    children = list(el)
    for i, child in enumerate(children):
        if child.tag == "mo" and child.text == "\u2061" and i + 1 < len(children) \
                and not _is_opening(children[i + 1]):
            child.set("rspace", "0.1667em")  # TeX's thin space in `\log x`, none in `\log(x)`
        elif child.tag in _SCRIPTED and len(child) and _ends_function(child[0]) \
                and i + 1 < len(children) and not _is_opening(children[i + 1]):
            # `\lim_{n} a_n`: the name's U+2061 is inside the script's base
            el.insert(list(el).index(child) + 1, ET.Element("mspace", {"width": "0.1667em"}))
        if child.tag == "mo" and (child.text or "") in _SIGNS and i + 1 < len(children):
            before = _previous(children, i)  # first in a row: Core makes it prefix itself
            if before is not None and _opens(before):
                child.set("form", "prefix")
        _walk(child, notes)


def _group_function_names(el: ET.Element) -> None:
    # KaTeX writes `f_{\max}` as <msub><mi>f</mi><mi>max</mi><mo>&#x2061;</mo></msub>: three
    # children where a script takes two. Each name goes in one row with its U+2061.
    children = list(el)
    for i in range(len(children) - 1, 0, -1):
        if children[i].tag == "mo" and children[i].text == "\u2061":
            row = ET.Element("mrow")
            row.extend(children[i - 1:i + 1])
            children[i - 1:i + 1] = [row]
    if len(children) != len(el):
        for child in list(el):
            el.remove(child)
        el.extend(children)


def _token_to_row(el: ET.Element) -> None:
    # <mi><munder>...</munder></mi>: keep the children, drop the token's text attributes
    el.tag = "mrow"
    for name in ("mathvariant", "stretchy", "lspace", "rspace", "fence", "separator"):
        el.attrib.pop(name, None)
    if el.text and el.text.strip():
        holder = ET.Element("mtext")
        holder.text, el.text = el.text, None
        el.insert(0, holder)


def _previous(children: list[ET.Element], i: int) -> ET.Element | None:
    for el in reversed(children[:i]):
        if el.tag != "mspace":
            return el
    return None


def _opens(el: ET.Element) -> bool:
    """Whether a sign after `el` is unary: `el` is an operator but not a closing one."""
    while el.tag in ("mstyle", "mrow", "mpadded") and len(el) == 1:
        el = el[0]
    if el.tag in ("munder", "mover", "munderover", "msub", "msup", "msubsup") and len(el):
        base = el[0]
        return base.tag == "mo" and (base.text or "") not in _CLOSERS and bool(
            base.get("movablelimits") or (base.text or "") in "∑∏∫∮⋃⋂⨁⨂")
    if el.tag != "mo":
        return False
    text = el.text or ""
    return text not in _CLOSERS and not (text and text[-1] in _CLOSERS) and text != "\u2061"


def _ends_function(el: ET.Element) -> bool:
    return el.tag == "mrow" and len(el) > 0 and el[-1].tag == "mo" and el[-1].text == "\u2061"


def _rule(parent: ET.Element, i: int, el: ET.Element) -> None:
    """`\\overline`, `\\underline`: a stretchy U+203E that DejaVu draws one letter wide, so the
    rule is the row's CSS border (style.css, .tex-overline and .tex-underline)."""
    mark = el[1]
    if mark.tag != "mo" or mark.get("stretchy") != "true" or mark.text != "‾":
        return
    row = ET.Element("mrow", {"class": "tex-overline" if el.tag == "mover" else "tex-underline"})
    row.append(el[0])
    parent.remove(el)
    parent.insert(i, row)


def _is_opening(el: ET.Element) -> bool:
    while el.tag in ("mrow", "mstyle", "mpadded") and len(el):
        el = el[0]
    return el.tag == "mo" and (el.text or "") in _OPENERS


def _alphabet(el: ET.Element, notes: list[str]) -> None:
    variant = el.get("mathvariant")
    text = el.text or ""
    if not variant or not text:
        return
    if variant == "normal":
        if el.tag == "mi" and len(text) > 1 or el.tag != "mi":
            del el.attrib["mathvariant"]  # already the default there
        return
    if variant == "italic" and el.tag == "mi" and len(text) == 1:
        return  # Core's own default for a one-letter <mi>
    mapped = alphabets.styled(text, variant)
    if mapped is not None:
        el.text = mapped
        del el.attrib["mathvariant"]  # Core's auto-italic maps plain letters only
        return
    if el.tag == "mtext" and variant in ("bold", "italic", "bold-italic"):
        # text mode: CSS says it to every browser (digits and accents included)
        style = {"bold": "font-weight:bold", "italic": "font-style:italic",
                 "bold-italic": "font-weight:bold;font-style:italic"}[variant]
        el.set("style", style)
        return
    if "bold" in variant:
        el.set("style", "font-weight:bold")
    notes.append(f"`{text}` has no {variant} character in Unicode; "
                 + ("it is drawn in synthetic bold" if "bold" in variant else "it is shown plain"))


def _big(parent: ET.Element, i: int, el: ET.Element) -> None:
    size = el.get("minsize")
    if el.get("stretchy") != "true" or size not in _BIG or el.get("maxsize") != size:
        return
    for name in ("minsize", "maxsize"):
        del el.attrib[name]
    target = _BIG[size]
    el.set("stretchy", "false")
    el.set("class", "tex-big")
    el.set("style", f"transform:scaleY({target / _GLYPH:.3f})")
    box = ET.Element("mpadded", {"height": f"{target / 2 + _MIDDLE:.3f}em",
                                 "depth": f"{target / 2 - _MIDDLE:.3f}em"})
    parent.remove(el)
    box.append(el)
    parent.insert(i, box)


def _escape(text: str) -> str:
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;").replace("'", "&#x27;"))


def _serialise(el: ET.Element, top: bool = False) -> str:
    attrs = "".join(f' {k}="{_escape(v)}"' for k, v in el.attrib.items())
    if top:
        attrs = _NS + attrs
    inner = _escape(el.text or "") + "".join(_serialise(c) + _escape(c.tail or "") for c in el)
    if not inner and el.tag in _VOID:
        return f"<{el.tag}{attrs}/>"
    return f"<{el.tag}{attrs}>{inner}</{el.tag}>"


def is_math(html: str) -> bool:
    return bool(re.match(r"<math\b", html))

r"""Macros that live from the formula defining them to the end of the post, as in MathJax.

KaTeX forgets a `\newcommand` at the end of its formula and refuses to redefine one of its
own macros (`\R`, `\N`...); MathJax keeps every definition for the rest of the page and lets
an author redefine anything. So each definition (`\newcommand`, `\renewcommand`,
`\providecommand`, `\def`, `\gdef`, `\DeclareMathOperator`) is read out of the formula,
written as a `\def`, and put before every later formula of the post. Site and frontmatter
macros (`{"\\R": "\\mathbb{R}"}`) start the book.
"""

from __future__ import annotations

import re

from .texfix import group_end

_DEFINER = re.compile(
    r"\\(newcommand|renewcommand|providecommand|DeclareMathOperator|g?def)(\*?)\s*")
_NAME = re.compile(r"\\([A-Za-z]+|.)")


class MacroError(ValueError):
    """A definition KaTeX cannot take; `offset` is where it starts in the formula."""

    def __init__(self, message: str, offset: int):
        super().__init__(message)
        self.offset = offset


def _name_at(tex: str, i: int) -> tuple[str, int] | None:
    """`\\name` or `{\\name}` at `i`: the name and the index after it."""
    while i < len(tex) and tex[i].isspace():
        i += 1
    braced = tex.startswith("{", i)
    m = _NAME.match(tex, i + braced)
    if not m:
        return None
    end = m.end()
    if braced:
        while end < len(tex) and tex[end].isspace():
            end += 1
        if not tex.startswith("}", end):
            return None
        end += 1
    return m.group(0), end


def _body(tex: str, i: int) -> tuple[str, int] | None:
    while i < len(tex) and tex[i].isspace():
        i += 1
    if not tex.startswith("{", i):
        return None
    end = group_end(tex, i)
    return (tex[i + 1:end - 1], end) if end > 0 else None


def _definition(tex: str, m: re.Match) -> tuple[str, str, int] | None:
    """(name, `\\def` text, end) for the definition `m` starts, or None if it is not one."""
    kind, star = m.group(1), m.group(2)
    named = _name_at(tex, m.end())
    if named is None:
        return None
    name, i = named
    if kind in ("def", "gdef"):
        params = re.match(r"(?:#\d)*", tex[i:]).group(0)
        body = _body(tex, i + len(params))
        return (name, f"\\def{name}{params}{{{body[0]}}}", body[1]) if body else None
    if kind == "DeclareMathOperator":
        body = _body(tex, i)
        if body is None:
            return None
        return name, f"\\def{name}{{\\operatorname{star}{{{body[0]}}}}}", body[1]
    params = ""
    arity = re.match(r"\s*\[\s*(\d)\s*\]", tex[i:])
    if arity:
        params = "".join(f"#{n}" for n in range(1, int(arity.group(1)) + 1))
        i += arity.end()
        if re.match(r"\s*\[", tex[i:]):
            raise MacroError(f"`\\{kind}{{{name}}}` has an optional argument, which KaTeX "
                             "cannot define; give it only required arguments (and write the "
                             "default where the macro is used)", m.start())
    body = _body(tex, i)
    return (name, f"\\def{name}{params}{{{body[0]}}}", body[1]) if body else None


class MacroBook:
    """The definitions met so far in one post, in order; `prefix` goes before each formula."""

    def __init__(self, initial: dict[str, str] | None = None):
        self.defs: dict[str, str] = {}
        for name, body in sorted((initial or {}).items()):
            name = name if name.startswith("\\") else "\\" + name
            arity = body.count("#") and max(int(d) for d in re.findall(r"#(\d)", body))
            self.defs[name] = f"\\def{name}{''.join(f'#{n}' for n in range(1, arity + 1))}{{{body}}}"

    @property
    def prefix(self) -> str:
        return "".join(self.defs.values())

    def take(self, tex: str) -> str:
        """Learn the definitions in `tex`; return `tex` with each written as a `\\def`.

        Raises MacroError for a definition KaTeX cannot take."""
        out, pos = [], 0
        for m in _DEFINER.finditer(tex):
            if m.start() < pos or (m.start() and tex[m.start() - 1] == "\\"):
                continue
            found = _definition(tex, m)
            if found is None:
                continue
            name, text, end = found
            if m.group(1) == "providecommand" and name in self.defs:
                text = ""
            else:
                self.defs.pop(name, None)  # keep definition order: a redefinition moves last
                self.defs[name] = text
            out.append(tex[pos:m.start()] + text)
            pos = end
        return "".join(out) + tex[pos:] if out else tex

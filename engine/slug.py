"""The one slug function: every URL segment the site derives from a name comes from here.

python-slugify transliterates (`Привет мир` -> `privet-mir`, `你好` -> `ni-hao`), so two
non-Latin titles do not both become `post/`; `+` and `#` are spelled out so `C`, `C++` and
`C#` get three URLs.
"""

from __future__ import annotations

from slugify import slugify as _slugify

_REPLACEMENTS = [["'", ""], ["\u2019", ""], ["++", "pp"], ["+", "plus"], ["#", "sharp"], ["&", "and"]]


def slug(text: str, fallback: str = "") -> str:
    """A lowercase ASCII URL segment for `text`; `fallback` when nothing is left.

    >>> slug("Convolutional Neural Networks don't actually perform convolution.")
    'convolutional-neural-networks-dont-actually-perform-convolution'
    >>> [slug(t) for t in ("C", "C++", "c#", "NumPy")]
    ['c', 'cpp', 'csharp', 'numpy']
    >>> slug("Привет мир"), slug("...", "post")
    ('privet-mir', 'post')
    """
    return _slugify(str(text), replacements=_REPLACEMENTS) or fallback

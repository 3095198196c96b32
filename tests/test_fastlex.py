"""engine/fastlex.py gives Pygments' tokens, token for token, whatever the text."""

from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st
from pygments.lexers import get_lexer_by_name

from engine import fastlex

ROOT = Path(__file__).resolve().parent.parent
# languages technical blogs use, with files of this project to read as each
REAL = {"python": sorted((ROOT / "engine").glob("*.py")), "bash": [ROOT / ".ci" / "run"],
        "javascript": [ROOT / "engine" / "livereload.js"],
        "html+jinja": sorted((ROOT / "themes" / "default" / "templates").glob("*.html")),
        "css": sorted((ROOT / "themes" / "default" / "assets").glob("*.css")),
        "toml": [ROOT / "engine" / "starter" / "site.toml"],
        "yaml": [ROOT / "engine" / "starter" / "pages.yml"],
        "markdown": [ROOT / "README.md"]}
LANGS = ["python", "pycon", "bash", "console", "javascript", "typescript", "json", "yaml",
         "toml", "c", "cpp", "rust", "go", "java", "html", "css", "sql", "latex", "diff", "r",
         "julia", "matlab", "ruby", "haskell", "make", "docker", "ini", "ocaml", "lua", "php"]


def _both(lang: str, text: str):
    plain = get_lexer_by_name(lang, stripnl=False, ensurenl=True)
    fast = fastlex.accelerate(get_lexer_by_name(lang, stripnl=False, ensurenl=True))
    return list(fast.get_tokens(text)), list(plain.get_tokens(text))


@pytest.mark.parametrize("lang", sorted(REAL))
def test_real_code_lexes_as_pygments_lexes_it(lang):
    for path in REAL[lang]:
        fast, plain = _both(lang, path.read_text(encoding="utf-8"))
        assert fast == plain, path


CODEISH = st.lists(st.sampled_from(list("abcxyz019 _\n\t\"'`$#%&()[]{}<>=+-*/\\|:;,.!?@^~")
                                  + ["def ", "if ", "for ", "\"\"\"", "'''", "//", "/*", "*/",
                                     "<<EOF\n", "\nEOF\n", "f\"", "r'", "{{", "}}", "${",
                                     "0x1F", "1e-3", "import ", "class ", "--", "#!"]),
                   max_size=80).map("".join)


@settings(max_examples=300, deadline=None)
@given(lang=st.sampled_from(LANGS), text=CODEISH)
def test_random_text_lexes_as_pygments_lexes_it(lang, text):
    fast, plain = _both(lang, text)
    assert fast == plain


def test_python_rules_are_joined():
    """The point of the module: Python's busiest state is tried with few calls."""
    lexer = fastlex.accelerate(get_lexer_by_name("python"))
    root = fastlex._steps(lexer)["root"]
    assert len(root) < len(lexer._tokens["root"]) // 4
    assert lexer.get_tokens_unprocessed.__name__ == "<lambda>"  # the joined loop is in use

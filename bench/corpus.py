"""Deterministic corpus of technical blog posts for the build benchmarks.

    python bench/corpus.py N DIR [--seed S]

writes a complete site root:

    DIR/site.toml
    DIR/content/posts/post-0001/index.md ... post-NNNN/index.md

Each post is about 1500 words of technical Markdown: YAML frontmatter (`title`, `date`,
`tags`, `description`), `##`/`###` headings, bullet and numbered lists, one GFM table, two
fenced code blocks (python, bash), ten inline formulas `$...$`, four display formulas
`$$...$$` (modern KaTeX syntax: single `\\\\` row breaks), three footnotes, links, emphasis and
inline code.

Only `random.Random` instances are used, seeded from `(seed, post number)`, so the same
`(n, seed)` gives byte-identical files and post k is the same whatever n is. Formulas are drawn
from templates with random numbers and variable names, so most are distinct across posts; a
realistic share (the classics) repeats.

API: `generate(root, n, *, seed=0)`, `edit_one(root, index)`, `post_path(root, index)`.
"""
from __future__ import annotations

import argparse
import datetime as _dt
import random
import re
import shutil
from pathlib import Path

__all__ = ["generate", "edit_one", "post_path", "render_post", "SITE_TOML", "WORDS_TARGET"]

SITE_TOML = 'title = "Bench"\nbase_url = ""\n'
WORDS_TARGET = 1500
MARKER = ".bench-corpus"  # written at the root; generate() only wipes content/ it made itself
BASE_DATE = _dt.datetime(2015, 1, 5, 8, 0, tzinfo=_dt.timezone.utc)
EDIT_RE = re.compile(r"^Revision note (\d+): the figures below were checked again\. ")

TAGS = ["python", "math", "deep-learning", "signal-processing", "numpy", "performance",
        "tutorial", "linear-algebra"]

# --- vocabulary for prose ------------------------------------------------------------------
NOUNS = ["kernel", "tensor", "stride", "gradient", "feature map", "batch", "matrix", "vector",
         "filter", "layer", "activation", "buffer", "cache", "pipeline", "benchmark", "input",
         "output", "weight", "bias term", "loss", "optimizer", "dataset", "parser", "renderer",
         "template", "index", "window", "signal", "spectrum", "sample", "estimator", "operator",
         "channel", "padding scheme", "dilation factor", "convolution", "correlation",
         "projection", "embedding", "baseline"]
ADJS = ["sparse", "dense", "naive", "vectorised", "numerically stable", "strided", "cached",
        "deterministic", "asymmetric", "separable", "linear", "non-linear", "quadratic",
        "well-conditioned", "noisy", "contiguous", "batched", "lazy", "incremental", "exact"]
VERBS = ["computes", "dominates", "reuses", "transforms", "bounds", "approximates", "reduces",
         "stores", "aligns", "shifts", "normalises", "accumulates", "flips", "pads", "samples",
         "allocates", "propagates", "smooths", "preserves", "doubles"]
ADVS = ["quickly", "carefully", "in practice", "in theory", "on average", "at worst",
        "for small inputs", "for large batches", "without copying", "in place"]
CONNECT = ["However,", "In practice,", "As a result,", "For example,", "Note that", "Similarly,",
           "In other words,", "By contrast,", "Put differently,", "At this point,"]
IDENTS = ["conv2d", "pool2d", "output_size", "np.einsum", "sliding_window_view", "stride",
          "dilation", "padding", "groups", "im2col", "np.pad", "scipy.signal.convolve2d",
          "torch.nn.Conv2d", "functools.lru_cache", "reshape", "transpose"]
LINKS = [("the NumPy documentation", "https://numpy.org/doc/stable/"),
         ("the convolution arithmetic guide", "https://arxiv.org/abs/1603.07285"),
         ("Wikipedia", "https://en.wikipedia.org/wiki/Convolution"),
         ("the PyTorch reference", "https://pytorch.org/docs/stable/nn.html"),
         ("KaTeX", "https://katex.org/"),
         ("the CommonMark spec", "https://spec.commonmark.org/"),
         ("SciPy", "https://docs.scipy.org/doc/scipy/"),
         ("a classic blog post", "https://example.org/blog/im2col")]
TOPICS = ["Strided Convolutions", "Transposed Convolutions", "Pooling Layers", "Dilated Kernels",
          "Cross-Correlation", "Padding Arithmetic", "Separable Filters", "Batch Normalisation",
          "Softmax Stability", "Matrix Calculus", "Fourier Transforms", "Im2col Tricks",
          "Gradient Checking", "Sparse Matrices", "Cache-Friendly Loops", "Einsum Recipes"]
TITLE_FORMS = ["{t}, Part {k}", "Notes on {t} ({k})", "{t} Explained, Step {k}",
               "A Closer Look at {t} #{k}", "{t} in NumPy, Episode {k}"]
GREEK = ["alpha", "beta", "gamma", "delta", "lambda", "mu", "sigma", "theta", "eta", "omega"]
LETTERS = ["x", "y", "z", "u", "v", "w", "a", "b"]
MATS = ["A", "B", "K", "W", "M", "X"]

# --- formulas ------------------------------------------------------------------------------
# Each template takes the post's RNG and returns TeX. Classic formulas repeat across posts.
CLASSIC_INLINE = [r"O(n \log n)", r"e^{i\pi} + 1 = 0", r"\mathbb{R}^{n}", r"p(y \mid x)",
                  r"\nabla_\theta \mathcal{L}", r"a^2 + b^2 = c^2"]
CLASSIC_DISPLAY = [
    r"\sigma(\mathbf{z})_i = \frac{e^{z_i}}{\sum_{j=1}^{K} e^{z_j}}",
    r"(f * g)[n] = \sum_{m=-\infty}^{\infty} f[m]\, g[n-m]",
    r"o = \left\lfloor \frac{i + 2p - k}{s} \right\rfloor + 1",
]


def _g(rng):  # a Greek letter command
    return "\\" + rng.choice(GREEK)


def _inline_templates():
    return [
        lambda r: f"{r.choice(LETTERS)}_{{{r.randint(1, 9)}}} = {r.randint(2, 99)}",
        lambda r: f"{_g(r)} = {r.randint(1, 9)}.{r.randint(0, 99):02d}",
        lambda r: f"\\frac{{{r.randint(1, 9)}}}{{{r.randint(2, 12)}}}",
        lambda r: (f"{r.choice(MATS)} \\in \\mathbb{{R}}^"
                   f"{{{r.randint(2, 64)} \\times {r.randint(2, 64)}}}"),
        lambda r: f"\\sum_{{i=1}}^{{{r.randint(3, 20)}}} {r.choice(LETTERS)}_i",
        lambda r: f"k = {r.randint(2, 7)}",
        lambda r: f"\\lVert {r.choice(LETTERS)} \\rVert_{r.randint(1, 3)}",
        lambda r: (f"{r.choice(LETTERS)}^{{{r.randint(2, 5)}}} - "
                   f"{r.randint(1, 9)}{r.choice(LETTERS)}"),
        lambda r: f"\\sqrt{{{r.choice(LETTERS)}^2 + {r.randint(1, 16)}}}",
        lambda r: f"{_g(r)}_{{t+{r.randint(1, 4)}}}",
        lambda r: f"\\binom{{{r.randint(5, 20)}}}{{{r.randint(1, 4)}}}",
        lambda r: f"s = {r.randint(1, 4)}, \\; p = {r.randint(0, 3)}",
    ]


def _bmatrix(r, rows, cols, lo=0, hi=9):
    body = " \\\\\n  ".join(" & ".join(str(r.randint(lo, hi)) for _ in range(cols))
                            for _ in range(rows))
    return "\\begin{bmatrix}\n  " + body + "\n\\end{bmatrix}"


def _display_templates():
    return [
        lambda r: f"{r.choice(MATS)} = {_bmatrix(r, r.randint(2, 4), r.randint(2, 4))}",
        lambda r: (f"\\sum_{{k=0}}^{{{r.randint(3, 12)}}} \\binom{{n}}{{k}} "
                   f"{r.choice(LETTERS)}^{{k}}"
                   f" = (1 + {r.choice(LETTERS)})^{{n}}"),
        lambda r: (f"\\int_{{0}}^{{\\infty}} e^{{-{_g(r)} t}}\\, dt = "
                   f"\\frac{{1}}{{{r.randint(2, 9)}}}"),
        lambda r: (f"C[x, y] = \\sum_{{j=-{r.randint(1, 3)}}}^{{{r.randint(1, 3)}}} "
                   f"\\sum_{{i=-{r.randint(1, 3)}}}^{{{r.randint(1, 3)}}} "
                   "I[x+i, y+j]\\, K[-i, -j]"),
        lambda r: ("\\begin{aligned}\n"
                   f"  {r.choice(LETTERS)}_{{t+1}} &= {r.choice(LETTERS)}_t - {_g(r)} \\nabla f"
                   f"({r.choice(LETTERS)}_t) \\\\\n"
                   f"  &= {r.choice(LETTERS)}_t - {r.randint(1, 9)} "
                   f"\\cdot 10^{{-{r.randint(1, 5)}}}"
                   " \\, g_t\n\\end{aligned}"),
        lambda r: (f"f({r.choice(LETTERS)}) = \\begin{{cases}} {r.randint(0, 9)} & "
                   f"\\text{{if }} x < {r.randint(0, 5)} \\\\ x^{{{r.randint(2, 4)}}} & "
                   "\\text{otherwise} \\end{cases}"),
        lambda r: (f"{_bmatrix(r, 2, 2)}\n{_bmatrix(r, 2, 1)}\n= {_bmatrix(r, 2, 1, 0, 99)}"),
        lambda r: (f"\\mathbb{{E}}[{r.choice(LETTERS).upper()}] = \\frac{{1}}{{{r.randint(2, 50)}}}"
                   f" \\sum_{{i=1}}^{{{r.randint(2, 50)}}} {r.choice(LETTERS)}_i"),
        lambda r: (f"\\hat{{{_g(r)}}} = \\arg\\min_{{{_g(r)}}} \\sum_{{i=1}}^{{N}} "
                   f"\\left( y_i - {_g(r)}^\\top x_i \\right)^{r.randint(2, 4)} + "
                   f"{r.randint(1, 9)} \\lVert {_g(r)} \\rVert_2^2"),
    ]


INLINE_T = _inline_templates()
DISPLAY_T = _display_templates()


def _inline(r):
    if r.random() < 0.2:
        return r.choice(CLASSIC_INLINE)
    return r.choice(INLINE_T)(r)


def _display(r):
    if r.random() < 0.15:
        return r.choice(CLASSIC_DISPLAY)
    return r.choice(DISPLAY_T)(r)


# --- prose -----------------------------------------------------------------------------------
def _decorate(r, word):
    x = r.random()
    if x < 0.06:
        return f"*{word}*"
    if x < 0.09:
        return f"**{word}**"
    return word


def _a(word):
    """The indefinite article for `word`."""
    return "an" if word.lstrip("*")[:1] in "aeiou" else "a"


def _sentence(r):
    """One plain prose sentence, sometimes with emphasis, inline code or a link."""
    n1, n2 = r.choice(NOUNS), r.choice(NOUNS)
    adj, verb = r.choice(ADJS), r.choice(VERBS)
    form = r.randint(0, 5)
    if form == 0:
        s = f"The {_decorate(r, adj)} {n1} {verb} the {n2} {r.choice(ADVS)}"
    elif form == 1:
        s = (f"{r.choice(CONNECT)} {_a(adj)} {adj} {n1} {verb} every {n2} once, "
             f"which keeps the {r.choice(NOUNS)} {_decorate(r, r.choice(ADJS))}")
    elif form == 2:
        s = (f"When the {n1} is {adj}, `{r.choice(IDENTS)}` {verb} the {n2} and the "
             f"{r.choice(NOUNS)} follows")
    elif form == 3:
        text, url = r.choice(LINKS)
        s = f"As [{text}]({url}) explains, the {n1} {verb} {_a(adj)} {adj} {n2}"
    elif form == 4:
        s = (f"We measured how the {n1} {verb} the {n2} with {r.randint(2, 512)} samples "
             f"and {r.choice(ADVS)} it took {r.randint(2, 900)} ms")
    else:
        s = (f"{r.choice(CONNECT)} the {n1} and the {n2} share one "
             f"{_decorate(r, r.choice(NOUNS))}, "
             f"so the {adj} case is the common one")
    return s[0].upper() + s[1:] + "."


def _art(word):
    return f"{_a(word)} {word}"


def _math_sentence(r, tex):
    n1 = r.choice(NOUNS)
    forms = [f"Here the {n1} satisfies ${tex}$ for every {r.choice(NOUNS)}.",
             f"With ${tex}$ the {n1} {r.choice(VERBS)} the {r.choice(NOUNS)}.",
             f"We take ${tex}$, which is the usual choice for {_art(r.choice(ADJS))} {n1}.",
             f"Setting ${tex}$ keeps the {n1} {r.choice(ADJS)}."]
    return r.choice(forms)


class _Para:
    """A paragraph as a list of sentences, so padding can append to it."""

    def __init__(self, r, n_sent, tex=(), footnote=None):
        self.sents = [_sentence(r) for _ in range(n_sent)]
        for t in tex:
            self.sents.insert(r.randint(0, len(self.sents)), _math_sentence(r, t))
        if footnote is not None:
            i = r.randint(0, len(self.sents) - 1)
            self.sents[i] = self.sents[i][:-1] + f"[^{footnote}]."

    def text(self):
        return " ".join(self.sents)


def _bullets(r):
    items = [f"- {_decorate(r, r.choice(ADJS)).capitalize()} {r.choice(NOUNS)}: "
             f"{_sentence(r)}" for _ in range(r.randint(3, 5))]
    items.append(f"- Use `{r.choice(IDENTS)}` only when the {r.choice(NOUNS)} is "
                 f"~~{r.choice(ADJS)}~~ {r.choice(ADJS)}.")
    return "\n".join(items)


def _numbered(r):
    return "\n".join(f"{i}. {_sentence(r)}" for i in range(1, r.randint(4, 6) + 1))


def _table(r):
    cols = ["Method", "Input", "Kernel", "Time (ms)", "Memory (MiB)"]
    lines = ["| " + " | ".join(cols) + " |", "|:--|--:|--:|--:|--:|"]
    for _ in range(r.randint(4, 7)):
        size = r.choice([32, 64, 128, 256, 512])
        k = r.choice([1, 3, 5, 7])
        lines.append(f"| `{r.choice(IDENTS)}` | {size}x{size} | {k}x{k} | "
                     f"{r.randint(1, 999)}.{r.randint(0, 9)} | {r.randint(1, 300)} |")
    return "\n".join(lines)


def _python(r):
    name = r.choice(["corr2d", "conv_out", "pool_max", "pad_same", "tile_sum"])
    a, b = r.randint(2, 9), r.randint(2, 9)
    return f'''```python
import numpy as np


def {name}(x, k, stride={r.randint(1, 3)}):
    """Slide `k` over `x` and accumulate the products ({r.choice(ADJS)} version)."""
    h = (x.shape[0] - k.shape[0]) // stride + 1
    w = (x.shape[1] - k.shape[1]) // stride + 1
    out = np.zeros((h, w), dtype=x.dtype)
    for i in range(h):
        for j in range(w):
            window = x[i * stride:i * stride + k.shape[0], j * stride:j * stride + k.shape[1]]
            out[i, j] = np.sum(window * k)
    return out


x = np.arange({a * a}).reshape({a}, {a})
k = np.ones(({min(a, b)}, {min(a, b)}), dtype=x.dtype)
print({name}(x, k))
```'''


def _bash(r):
    return f'''```bash
python -m venv .venv && . .venv/bin/activate
pip install numpy=={r.randint(1, 2)}.{r.randint(0, 26)} scipy
for n in {" ".join(str(r.choice([16, 32, 64, 128, 256])) for _ in range(3))}; do
  python bench.py --size "$n" --repeat {r.randint(3, 20)} >> "results-$n.txt"
done
grep -c "ok" results-*.txt
```'''


def _words(text):
    return len(text.split())


def render_post(index: int, seed: int = 0) -> str:
    """The full text of post `index` (1-based) for `seed`; independent of the corpus size."""
    r = random.Random(f"bench-corpus:{seed}:{index}")
    topic = r.choice(TOPICS)
    title = r.choice(TITLE_FORMS).format(t=topic, k=index)
    # one post every 8 hours: 10,000 posts end in 2024, so none is dated in the future
    date = BASE_DATE + _dt.timedelta(hours=8 * index, minutes=r.randint(0, 419))
    tags = r.sample(TAGS, r.randint(1, 3))
    adj = r.choice(ADJS)
    desc = (f"{_a(adj).capitalize()} {adj} look at {topic.lower()} "
            "with formulas, code and measurements.")

    inl = [_inline(r) for _ in range(10)]
    disp = [_display(r) for _ in range(4)]
    # Paragraphs carrying the ten inline formulas (2+2+2+2+1+1) and the three footnote refs.
    p_intro = _Para(r, 3, inl[0:2], footnote=1)
    p_back = _Para(r, 4, inl[2:4])
    p_back2 = _Para(r, 3)
    p_method = _Para(r, 4, inl[4:6], footnote=2)
    p_method2 = _Para(r, 3)
    p_cx = _Para(r, 3, inl[6:8])
    p_exp = _Para(r, 4)
    p_exp2 = _Para(r, 3, inl[8:9], footnote=3)
    p_conc = _Para(r, 3, inl[9:10])
    paras = [p_intro, p_back, p_back2, p_method, p_method2, p_cx, p_exp, p_exp2, p_conc]

    def dm(tex):
        return f"$$\n{tex}\n$$"

    bullets, numbered, table = _bullets(r), _numbered(r), _table(r)
    py, sh = _python(r), _bash(r)
    notes = [f"[^{i}]: {_sentence(r)} See [{t}]({u})." for i, (t, u) in
             enumerate((r.choice(LINKS) for _ in range(3)), start=1)]

    def blocks():
        return [p_intro.text(), "## Background", p_back.text(), dm(disp[0]), p_back2.text(),
                "### Notation", bullets, "## Method", p_method.text(), dm(disp[1]), numbered,
                py, p_method2.text(), "### Complexity", p_cx.text(), dm(disp[2]), table,
                "## Experiments", p_exp.text(), sh, p_exp2.text(), dm(disp[3]),
                "## Conclusion", p_conc.text(), "\n".join(notes)]

    # Pad the prose up to the post's word target by appending sentences to paragraphs.
    target = WORDS_TARGET + r.randint(-100, 100)
    count = sum(_words(b) for b in blocks())
    while count < target:
        s = _sentence(r)
        r.choice(paras).sents.append(s)
        count += _words(s)

    front = (f'---\ntitle: "{title}"\ndate: "{date.strftime("%Y-%m-%dT%H:%M:%SZ")}"\n'
             f"tags: [{', '.join(tags)}]\ndescription: \"{desc}\"\n---\n\n")
    return front + "\n\n".join(blocks()) + "\n"


def post_path(root: Path, index: int) -> Path:
    """Path of post `index` (1-based, as in the folder name post-0001)."""
    return Path(root) / "content" / "posts" / f"post-{index:04d}" / "index.md"


def generate(root: Path, n: int, *, seed: int = 0) -> None:
    """Write a complete site root with `n` posts; byte-identical for the same (n, seed).

    An existing `root/content` is replaced only if this module created it (marker file);
    otherwise a FileExistsError is raised so a mistyped DIR never wipes a real site.
    """
    root = Path(root)
    if n < 1:
        raise ValueError(f"`n` must be at least 1, got {n!r}")
    content = root / "content"
    if content.exists():
        if not (root / MARKER).exists():
            raise FileExistsError(f"{content} exists and was not made by bench/corpus.py")
        shutil.rmtree(content)
    root.mkdir(parents=True, exist_ok=True)
    (root / MARKER).write_text("generated by bench/corpus.py; content/ may be replaced\n")
    (root / "site.toml").write_text(SITE_TOML, encoding="utf-8")
    for i in range(1, n + 1):
        p = post_path(root, i)
        p.parent.mkdir(parents=True)
        with open(p, "w", encoding="utf-8", newline="\n") as f:
            f.write(render_post(i, seed))


def edit_one(root: Path, index: int = 1) -> Path:
    """Change one sentence of post `index`'s prose (its first paragraph); return the path.

    Deterministic and always a change: the first call prefixes the intro paragraph with
    "Revision note 1: ...", later calls bump the number. Formulas, code and the frontmatter
    are untouched.
    """
    p = post_path(root, index)
    text = p.read_text(encoding="utf-8")
    end = text.index("\n---\n", 4) + len("\n---\n\n")  # first body line: the intro paragraph
    body = text[end:]
    m = EDIT_RE.match(body)
    k = int(m.group(1)) + 1 if m else 1
    if m:
        body = body[m.end():]
    new = f"Revision note {k}: the figures below were checked again. " + body
    with open(p, "w", encoding="utf-8", newline="\n") as f:
        f.write(text[:end] + new)
    return p


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", type=int, help="number of posts")
    ap.add_argument("dir", type=Path, help="site root to write")
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args(argv)
    generate(a.dir, a.n, seed=a.seed)
    print(f"wrote {a.n} posts to {a.dir / 'content' / 'posts'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

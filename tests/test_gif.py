"""GIF and poster encoding: decoded frames, timing, loop, palette, determinism."""

from __future__ import annotations

import hashlib
import io
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from plugins.conv.core import steps
from plugins.conv.frames import render
from plugins.conv.gif import encode_gif, poster_png

ROOT = Path(__file__).resolve().parents[1]
SEED_X = [[1, 2, 2, 1, 0], [3, 3, 3, 3, 0], [3, 0, 0, 2, 2], [0, 3, 0, 3, 3], [2, 2, 2, 3, 2]]
SEED_K = [[0, 1, 2], [3, 4, 5], [6, 7, 8]]


@pytest.fixture(scope="module")
def seed():
    out = {}
    for op in ("correlate", "convolve"):
        fr = render(steps(SEED_X, SEED_K, op=op))
        out[op] = (fr, encode_gif(fr))
    return out


def decode(data: bytes):
    im = Image.open(io.BytesIO(data))
    frames, durations, palettes = [], [], []
    for i in range(im.n_frames):
        im.seek(i)
        durations.append(im.info["duration"])
        palettes.append(im.getpalette() if i == 0 else None)
        frames.append(np.asarray(im.convert("RGB")))
    return im, frames, durations


def test_decoded_gif_matches_the_frames(seed):
    fr, data = seed["correlate"]
    im, decoded, durations = decode(data)
    assert data[:6] == b"GIF89a"
    assert im.n_frames == 9 and im.size == fr.size
    assert durations == [1000] * 9
    assert im.info["loop"] == 0
    for i, rgb in enumerate(decoded):
        assert np.array_equal(rgb, fr.rgb(i)), f"frame {i} differs after decoding"
    # one global palette: no frame carries a local colour table
    assert im.global_palette is not None
    assert local_colour_tables(data) == [False] * 9
    assert len(data) / 9 < 13_000   # no larger per frame than the classic GIFs


def local_colour_tables(data: bytes) -> list[bool]:
    """For each image of a GIF, whether its descriptor declares a local colour table."""
    pos = 13 + (3 << ((data[10] & 7) + 1) if data[10] & 0x80 else 0)
    flags = []
    while data[pos] != 0x3B:  # the trailer
        if data[pos] == 0x21:  # an extension: label, then sub-blocks
            pos += 2
        else:  # 0x2C, an image descriptor
            packed = data[pos + 9]
            flags.append(bool(packed & 0x80))
            pos += 10 + (3 << ((packed & 7) + 1) if packed & 0x80 else 0) + 1  # + LZW size
        while data[pos]:
            pos += data[pos] + 1
        pos += 1
    return flags


def test_frame_timing_is_configurable_and_validated(seed):
    fr, _ = seed["correlate"]
    _, _, durations = decode(encode_gif(fr, frame_ms=400))
    assert durations == [400] * 9
    for bad in (0, 5, -1, 1.5, "1000", True):
        with pytest.raises(ValueError, match="`frame_ms`"):
            encode_gif(fr, frame_ms=bad)


def test_kernel_colour_in_decoded_gifs(seed):
    from plugins.conv._numerical import layout

    lay = layout(steps(SEED_X, SEED_K, op="correlate"))
    x, y = lay.in_xy(0, 0)
    a = decode(seed["correlate"][1])[1][0][y + 6, x + 6]
    b = decode(seed["convolve"][1])[1][0][y + 6, x + 6]
    assert tuple(a) != tuple(b)
    assert b[0] > 150 > b[2] and a[2] > 150 > a[0]


def test_same_bytes_twice_and_in_a_fresh_process(seed):
    fr, data = seed["correlate"]
    assert encode_gif(fr) == data
    assert encode_gif(render(steps(SEED_X, SEED_K, op="correlate"))) == data
    code = (
        "import hashlib, sys; sys.path.insert(0, %r)\n"
        "from plugins.conv.core import steps\n"
        "from plugins.conv.frames import render\n"
        "from plugins.conv.gif import encode_gif\n"
        "print(hashlib.sha256(encode_gif(render(steps(%r, %r, op='correlate')))).hexdigest())"
    ) % (str(ROOT), SEED_X, SEED_K)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == hashlib.sha256(data).hexdigest()


def test_rgb_frames_are_given_one_palette():
    rng = np.random.default_rng(0)
    frames = [rng.integers(0, 256, (20, 30, 3), dtype=np.uint8) for _ in range(3)]
    data = encode_gif(frames, frame_ms=100)
    im, decoded, durations = decode(data)
    assert im.n_frames == 3 and im.size == (30, 20) and durations == [100] * 3
    assert encode_gif(frames, frame_ms=100) == data
    with pytest.raises(ValueError):
        encode_gif([frames[0], frames[1][:10]])


def test_poster_is_the_last_frame_and_deterministic(seed):
    fr, _ = seed["convolve"]
    png = poster_png(fr)
    assert png == poster_png(render(steps(SEED_X, SEED_K, op="convolve")))  # a fresh drawing
    im = Image.open(io.BytesIO(png))
    assert im.format == "PNG" and im.size == fr.size
    assert np.array_equal(np.asarray(im.convert("RGB")), fr.rgb(len(fr) - 1))
    assert not set(im.info) & {"date", "time", "Creation Time", "modify", "Software"}
    assert np.array_equal(np.asarray(Image.open(io.BytesIO(poster_png(fr.rgb(8)))).convert("RGB")),
                          fr.rgb(8))

"""Encode animation frames to GIF bytes, and the last frame to a PNG poster, in memory (Pillow).

    data = encode_gif(frames, frame_ms=1000)   # loops forever, one palette, same bytes every run
    png = poster_png(frames)                   # the last frame

`frames` is a `frames.Frames` (palette + index arrays: nothing is quantized here) or any
sequence of (H, W, 3) uint8 RGB arrays, which are mapped once to one palette shared by all.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import numpy as np
from PIL import Image

from ._canvas import to_indices
from .frames import Frames
from .spec import MAX_FRAME_MS, MIN_FRAME_MS  # the block language's bounds


def _as_frames(frames: Frames | Sequence[np.ndarray]) -> Frames:
    if isinstance(frames, Frames):
        return frames
    arrs = [np.asarray(f) for f in frames]
    if not arrs:
        raise ValueError("no frames to encode")
    shape = arrs[0].shape
    for a in arrs:
        if a.shape != shape or a.dtype != np.uint8 or a.ndim != 3 or a.shape[2] != 3:
            raise ValueError(f"frames must all be (H, W, 3) uint8 of one shape; got {a.shape} "
                             f"{a.dtype} after {shape}")
    pal, idx = to_indices(np.concatenate(arrs, axis=0))
    h = shape[0]
    return Frames(pal, tuple(idx[i * h:(i + 1) * h] for i in range(len(arrs))))


def _image(palette: np.ndarray, indices: np.ndarray) -> Image.Image:
    im = Image.fromarray(np.ascontiguousarray(indices, np.uint8), "P")
    im.putpalette(palette.astype(np.uint8).tobytes(), "RGB")
    return im


def encode_gif(frames: Frames | Sequence[np.ndarray], *, frame_ms: int = 1000) -> bytes:
    """GIF bytes: every frame lasts `frame_ms`, the animation loops forever (loop=0), one global
    palette (Pillow's per-frame palette optimisation is off: it would remap every frame),
    frames after the first stored as the sub-rectangle that changed, with the pixels that did
    not change set to a spare transparent index so they compress to almost nothing (disposal 1,
    "do not dispose"). Deterministic: same frames, same bytes.
    """
    if not isinstance(frame_ms, (int, np.integer)) or isinstance(frame_ms, bool) \
            or not MIN_FRAME_MS <= frame_ms <= MAX_FRAME_MS:
        raise ValueError(f"`frame_ms`: got {frame_ms!r}; expected an integer number of "
                         f"milliseconds from {MIN_FRAME_MS} to {MAX_FRAME_MS}")
    fr = _as_frames(frames)
    pal, idx = fr.palette, fr.indices
    extra = {}
    if len(pal) < 256 and len(idx) > 1:
        # pixels equal to the previous frame's become the spare index, declared transparent;
        # Pillow crops each frame to the rectangle that differs from the one before
        t = len(pal)
        pal = np.vstack([pal, np.zeros((1, 3), np.uint8)])
        idx = [idx[0]] + [np.where(b == a, np.uint8(t), b) for a, b in zip(idx, idx[1:])]
        extra["transparency"] = t
    images = [_image(pal, i) for i in idx]
    buf = io.BytesIO()
    # `palette` given explicitly: without it Pillow repeats the palette as a local colour
    # table in every frame after the first
    images[0].save(buf, format="GIF", save_all=True, append_images=images[1:], loop=0,
                   duration=int(frame_ms), disposal=1, optimize=False, interlace=False,
                   palette=pal.astype(np.uint8).tobytes(), **extra)
    return buf.getvalue()


def poster_png(frames: Frames | Sequence[np.ndarray] | np.ndarray) -> bytes:
    """PNG bytes of the last frame (a palette PNG; no time or text chunks, so deterministic).

    Accepts Frames, a sequence of RGB frames, or one (H, W, 3) uint8 frame.
    """
    if isinstance(frames, np.ndarray) and frames.ndim == 3:
        frames = [frames]
    fr = _as_frames(frames)
    im = _image(fr.palette, fr.indices[-1])
    buf = io.BytesIO()
    im.save(buf, format="PNG", optimize=False, compress_level=9)
    return buf.getvalue()

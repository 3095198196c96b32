"""Registers the `conv` fence. (The block language arrives with the `conv` block issue.)"""

from __future__ import annotations


def conv_plugin(md, **options) -> None:
    """Placeholder registration: `conv` fences render as code until the block is built."""

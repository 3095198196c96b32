"""The `conv` fence: convolutions computed, typeset and animated at build time."""

from .plugin import register

__all__ = ["register"]

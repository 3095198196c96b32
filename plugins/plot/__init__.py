"""The `plot` fence: the post's own matplotlib code, run at build time, embedded as a figure."""

from .plugin import register

__all__ = ["register"]

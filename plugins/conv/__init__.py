"""The `conv` fence: convolutions computed, typeset and animated at build time."""

from .plugin import conv_plugin

__all__ = ["conv_plugin"]

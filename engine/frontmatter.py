"""YAML frontmatter parsed safely and with locations.

Frontmatter is small, hand-written data, so two YAML features are turned off: aliases (`*a`),
which let a few lines expand into gigabytes (the "billion laughs"), and implicit timestamps,
which turn an impossible unquoted date (`2024-02-30`) into a constructor crash instead of a
value the caller can reject at its line. Dates therefore arrive as strings.
"""

from __future__ import annotations

import yaml

from .errors import BuildError, source_line

# libyaml is bundled in PyYAML's wheels; the pure-Python loader is ~10x slower
_BASE = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_BASE):  # type: ignore[misc, valid-type]
    yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in _BASE.yaml_implicit_resolvers.items()
    }


def parse_yaml(block: str, rel: str, text: str) -> dict | list | str | None:
    """Parse the frontmatter `block` (which starts on the file's `---` line) of file `rel`.

    Raises BuildError at the offending line of `text`, the whole file.
    """

    def fail(line: int, message: str) -> BuildError:
        return BuildError(message, rel, line, source_line(text, line))

    try:
        # an alias is written `*name`: without a `*` there is none to look for
        for event in yaml.parse(block, Loader=_Loader) if "*" in block else ():
            if isinstance(event, yaml.AliasEvent):
                raise fail(event.start_mark.line + 1,
                           f"YAML aliases (`*{event.anchor}`) are not accepted in frontmatter; "
                           "write the value out in full")
        return yaml.load(block, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        # the context mark is where the broken construct starts (an unclosed `[`), when known
        mark = exc.context_mark or exc.problem_mark
        line = mark.line + 1 if mark else 1  # the block starts on the `---` line
        raise fail(line, f"frontmatter is not valid YAML: {exc.problem or exc}; check quotes "
                         "and indentation (values with `:` need quotes)") from None
    except yaml.YAMLError as exc:  # a reader error: a character YAML refuses
        line = getattr(exc, "position", None)
        line = block.count("\n", 0, line) + 1 if isinstance(line, int) else 1
        raise fail(line, f"frontmatter is not valid YAML: {exc}") from None
    except RecursionError:
        raise fail(1, "frontmatter is nested too deeply to read; flatten it") from None

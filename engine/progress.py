"""A progress bar for long work, on a terminal only (tqdm): never in CI logs, with `-q`, or
when output goes to a file. It appears only once the work has taken two seconds."""

from __future__ import annotations

import contextlib
import sys

DELAY = 2.0  # seconds of work before the bar appears


@contextlib.contextmanager
def bar(total: int, label: str, enabled: bool):
    """Yields `advance(n=1)`."""
    if not enabled or total < 2 or not sys.stderr.isatty():
        yield lambda n=1: None
        return
    from tqdm import tqdm

    with tqdm(total=total, desc=label, unit="", delay=DELAY, leave=False, file=sys.stderr,
              dynamic_ncols=True) as shown:
        yield shown.update

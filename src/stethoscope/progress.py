"""The progress callback that long operations accept: ``progress(phase, done, total)``.

``total`` is 0 when unknown (the CLI then shows a spinner). Kept free of heavy imports
so that the CLI can name it without loading the data stack.
"""

from __future__ import annotations

from collections.abc import Callable

Progress = Callable[[str, int, int], None]


def silent(phase: str, done: int, total: int) -> None:
    """The callback used when nobody is watching."""

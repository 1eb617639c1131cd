"""Importing many modules at once without the garbage collector walking what they make.

A command's imports make some hundred thousand objects (pydantic's models, typer's
parameters, the facade's classes), and Python's cyclic collector walks them again and again
while they are made, though none of them is garbage: a tenth of a short command's
processor time (0.06-0.08 s of `stethoscope run` on a small book, measured). Within
``bulk_import`` the collector is off. If modules were imported, what exists then is frozen
(left out of every later collection: modules live as long as the process), and the
collector is on again. Where everything was imported already (a server, a test process
that runs many commands), nothing is frozen: objects that die later must stay collectable.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def bulk_import() -> Iterator[None]:
    collecting = gc.isenabled()
    modules = len(sys.modules)
    gc.disable()
    try:
        yield
    finally:
        if len(sys.modules) > modules:
            gc.freeze()
        if collecting:
            gc.enable()

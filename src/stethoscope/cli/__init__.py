"""The command line: thin commands over the facade (stethoscope.facade.protocol.Facade): the
project itself, or the server that owns its database (stethoscope.connect).

``cli.app`` holds the root command, its options and ``main``; each command module registers
its commands on that root when imported. This package imports them all, so any import of
the CLI (Python runs this file before any module in it) has every command, and ``cli.app``
needs to import none of them.

Importing the commands makes some hundred thousand objects (pydantic's models, typer's
parameters), and Python's cyclic garbage collector walks them again and again while they
are made, though none is garbage: a tenth of a short command's processor time (0.06-0.08 s
of `stethoscope run` on a small book, measured). So it is off while they are imported, and
what was made is frozen (left out of every later collection) before it is on again. The
facade and the embedded store, which nearly every command opens, are imported with them.
"""

import gc

_collecting = gc.isenabled()
gc.disable()

from stethoscope.cli import (  # noqa: E402, F401  (commands register on import)
    admin,
    alerts,
    backtest,
    data,
    discover,
    scoring,
    serve,
    sources,
    users,
)
from stethoscope.cli.app import app, main  # noqa: E402
from stethoscope.project import Project  # noqa: E402, F401
from stethoscope.store.embedded import EmbeddedStore  # noqa: E402, F401

gc.freeze()
if _collecting:
    gc.enable()

__all__ = ["app", "main"]

"""The command line: thin commands over the facade (stethoscope.facade.protocol.Facade): the
project itself, or the server that owns its database (stethoscope.connect).

``cli.app`` holds the root command, its options and ``main``; each command module registers
its commands on that root when imported. This package imports them all, so any import of
the CLI (Python runs this file before any module in it) has every command, and ``cli.app``
needs to import none of them.

Its imports are made with the collector off (stethoscope.imports).
"""

from stethoscope.imports import bulk_import

with bulk_import():
    from stethoscope.cli import (  # noqa: F401  (commands register on import)
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
    from stethoscope.cli.app import app, main

__all__ = ["app", "main"]

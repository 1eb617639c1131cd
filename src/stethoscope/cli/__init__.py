"""The command line: thin commands over the facade (stethoscope.facade.protocol.Facade): the
project itself, or the server that owns its database (stethoscope.connect)."""

from stethoscope.cli.app import app, main

__all__ = ["app", "main"]

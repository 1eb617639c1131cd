"""The command line: thin commands over the facade (stethoscope.project)."""

from stethoscope.cli.app import app, main

__all__ = ["app", "main"]

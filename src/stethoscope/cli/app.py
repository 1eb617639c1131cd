"""The root of the `stethoscope` command: global options and error handling."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from stethoscope.cli import output
from stethoscope.errors import StethoscopeError

app = typer.Typer(
    name="stethoscope",
    help="Explainable customer health scores: import data, score, explain, backtest.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class State:
    project: Path | None = None
    debug: bool = False


state = State()


@app.callback()
def root(
    project: Annotated[
        Path | None,
        typer.Option(
            "--project",
            "-p",
            envvar="STETHOSCOPE_PROJECT",
            file_okay=False,
            help="Project folder (default: the nearest folder with stethoscope.toml, else here).",
        ),
    ] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks.")] = False,
) -> None:
    state.project = project
    state.debug = debug


def main() -> None:
    # the commands are on `app` already: the package (cli/__init__.py) imported them
    try:
        app()
    except StethoscopeError as e:
        if state.debug:
            raise
        output.print_error(e)
        sys.exit(1)

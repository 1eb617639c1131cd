"""`stethoscope serve`: run the service, owning the project's database while it runs."""

from __future__ import annotations

from typing import Annotated

import typer

from stethoscope.cli import output
from stethoscope.cli.app import app, state
from stethoscope.logs import LogFormat, LogLevel


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Address to listen on.")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on (0: any free).")] = None,
    log_format: Annotated[
        LogFormat | None,
        typer.Option(help="The log on stderr: text, or json lines (default: log_format)."),
    ] = None,
    log_level: Annotated[
        LogLevel | None,
        typer.Option(help="The least severity logged; debug logs each request (default: info)."),
    ] = None,
) -> None:
    """Run the API server, and the scheduled runs. While it runs, other commands on this
    project go through it."""
    from stethoscope.service.server import run

    run(
        state.project,
        host=host,
        port=port,
        on_wait=output.note,
        log_format=log_format,
        log_level=log_level,
    )

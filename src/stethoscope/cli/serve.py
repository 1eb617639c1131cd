"""`stethoscope serve`: run the service, owning the project's database while it runs."""

from __future__ import annotations

from typing import Annotated

import typer

from stethoscope.cli import output
from stethoscope.cli.app import app, state


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Address to listen on.")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on (0: any free).")] = None,
) -> None:
    """Run the API server, and the scheduled runs. While it runs, other commands on this
    project go through it."""
    from stethoscope.service.server import run

    def say(message: str) -> None:
        # a server's log: errors quoted in it are not markup, and long lines are not wrapped
        output.console.print(message, markup=False, highlight=False, soft_wrap=True)

    run(state.project, host=host, port=port, on_wait=output.note, say=say)

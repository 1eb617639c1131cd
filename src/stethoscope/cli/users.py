"""Commands for the dashboard's users: create, list."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

import typer

from stethoscope.cli import output
from stethoscope.cli.app import app, state

if TYPE_CHECKING:
    from stethoscope.facade.protocol import Facade

users_app = typer.Typer(
    help="People who sign in to the dashboard: create, list.", no_args_is_help=True
)
app.add_typer(users_app, name="users")

ROLE_HELP = "admin (everything), editor (CSM inputs, and reads), viewer (reads)."


def _project() -> Facade:
    """The project, or the running server that owns its database (users are then made
    and listed through its API, with its local token)."""
    from stethoscope.connect import connect

    return connect(state.project, on_wait=output.note)


def _password(from_stdin: bool) -> str:
    if from_stdin:
        # the first line, without its line break: `printf '%s' "$PW" | ...` and `echo` both work
        return sys.stdin.readline().rstrip("\r\n")
    if not sys.stdin.isatty():
        raise typer.BadParameter(
            "not at a terminal: pass the password on standard input with --password-stdin",
            param_hint="--password-stdin",
        )
    return str(typer.prompt("Password", hide_input=True, confirmation_prompt=True))


@users_app.command("create")
def users_create(
    name: Annotated[
        str,
        typer.Option(
            help="The user's name, used to sign in; best the owner value of their accounts "
            "(their email), which the dashboard's 'my book' filters on."
        ),
    ],
    role: Annotated[str, typer.Option(help=ROLE_HELP)],
    password_stdin: Annotated[
        bool,
        typer.Option(
            "--password-stdin", help="Read the password from the first line of standard input."
        ),
    ] = False,
) -> None:
    """Create a user who may sign in to the dashboard (asks for the password)."""
    from stethoscope.store.users import ROLES

    if role not in ROLES:
        raise typer.BadParameter(f"expected one of {', '.join(ROLES)}", param_hint="--role")
    password = _password(password_stdin)
    with _project() as project:
        user = project.create_user(name, role, password)
    output.console.print(
        f"Created user {user.id} '{user.name}' with the role {user.role}; they may sign in to "
        "the dashboard at the server's address.",
        highlight=False,
        soft_wrap=True,
    )


@users_app.command("list")
def users_list() -> None:
    """List the dashboard's users: id, name, role, who created each and when."""
    with _project() as project:
        users = project.users()
    if not users:
        output.console.print("No users.", highlight=False)
        return
    from rich.table import Table  # only for a command that prints one

    table = Table("id", "name", "role", "created", "by", "disabled")
    for u in users:
        table.add_row(u.id, u.name, u.role, u.created_at, u.created_by, u.disabled_at or "")
    output.console.print(table)

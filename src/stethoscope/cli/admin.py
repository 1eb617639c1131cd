"""Commands for access and personal data: keys (create, list, revoke), audit, forget."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Annotated

import typer

from stethoscope.cli import output
from stethoscope.cli.app import app, state

if TYPE_CHECKING:
    from stethoscope.facade.protocol import Facade

keys_app = typer.Typer(help="API keys for the service: create, list, revoke.", no_args_is_help=True)
app.add_typer(keys_app, name="keys")

ROLE_HELP = (
    "admin (everything), editor (model and CSM inputs, and reads), viewer (reads), "
    "ingest (only the event ingest endpoints under /v1), metrics (only the service's "
    "Prometheus metrics at /metrics)."
)


def _connect() -> Facade:
    from stethoscope.connect import connect

    return connect(state.project, on_wait=output.note)


@keys_app.command("create")
def keys_create(
    name: Annotated[
        str, typer.Option(help="What the key is for, e.g. segment-prod (unique among live keys).")
    ],
    role: Annotated[str, typer.Option(help=ROLE_HELP)],
) -> None:
    """Create an API key and show its secret, once."""
    from stethoscope.store.keys import ROLES

    if role not in ROLES:
        raise typer.BadParameter(f"expected one of {', '.join(ROLES)}", param_hint="--role")
    with _connect() as project:
        new = project.create_key(name, role)
    k = new.key
    output.console.print(
        f"Created key {k.id} '{k.name}' with the role {k.role}. Its secret is shown this once "
        "(the store keeps only a hash); copy it now:",
        highlight=False,
        soft_wrap=True,
    )
    # the secret alone on its line, so that it copies (and greps) cleanly
    output.console.print(new.secret, highlight=False, soft_wrap=True, markup=False)
    hint = (
        "Segment: use it as the write key."
        if k.role == "ingest"
        else "Send it as the header: Authorization: Bearer <secret>"
    )
    output.note(hint)


@keys_app.command("list")
def keys_list(
    all_: Annotated[bool, typer.Option("--all", help="Include revoked keys.")] = False,
) -> None:
    """List API keys: id, name, role, the start of the secret, and when last used."""
    with _connect() as project:
        keys = project.keys(revoked=all_)
    if not keys:
        output.console.print(
            "No API keys." + ("" if all_ else " (--all shows revoked ones.)"), highlight=False
        )
        return
    from rich.table import Table  # only for a command that prints one

    table = Table("id", "name", "role", "secret", "created", "by", "last used", "revoked")
    for k in keys:
        table.add_row(
            k.id,
            k.name,
            k.role,
            k.prefix + "...",
            k.created_at,
            k.created_by,
            k.last_used_at or "never",
            k.revoked_at or "",
        )
    output.console.print(table)


@keys_app.command("revoke")
def keys_revoke(key_id: Annotated[str, typer.Argument(help="The key's id (keys list).")]) -> None:
    """Revoke an API key: requests with it are refused from now on."""
    with _connect() as project:
        k = project.revoke_key(key_id)
    output.console.print(
        f"Revoked key {k.id} '{k.name}' ({k.role}); requests with it are now refused.",
        highlight=False,
    )


@app.command()
def audit(
    limit: Annotated[int, typer.Option(min=1, help="How many entries, newest first.")] = 50,
    action: Annotated[
        str | None, typer.Option(help="Only this action, e.g. key.create or privacy.forget.")
    ] = None,
) -> None:
    """Show the audit log: who created or revoked keys, changed inputs, saved model
    versions, erased personal data."""
    with _connect() as project:
        entries = project.audit(limit, action=action)
    if not entries:
        output.console.print("The audit log is empty.", highlight=False)
        return
    from rich.table import Table  # only for a command that prints one

    table = Table("at", "actor", "action", "target", "detail")
    for e in entries:
        detail = json.dumps(e.detail, sort_keys=True, separators=(", ", ": "))
        table.add_row(e.at, e.actor, e.action, e.target or "", detail)
    output.console.print(table)


@app.command()
def forget(
    account: Annotated[
        str | None, typer.Option("--account", help="Erase everything about this account.")
    ] = None,
    contact: Annotated[
        str | None, typer.Option("--contact", help="Erase this person (contacts.id).")
    ] = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask to confirm.")] = False,
) -> None:
    """Erase an account's or a person's personal data from the store (GDPR, CCPA).

    See docs/concepts/privacy.md for what is erased, table by table. It cannot be undone.
    """
    if (account is None) == (contact is None):
        raise typer.BadParameter("give --account ID or --contact ID (one of them)")
    what = f"account '{account}'" if account is not None else f"contact '{contact}'"
    if not yes:
        if not sys.stdin.isatty():
            raise typer.BadParameter(
                "erasing cannot be undone: pass --yes to confirm when not at a terminal",
                param_hint="--yes",
            )
        typer.confirm(
            f"Erase everything the store holds about {what}? It cannot be undone", abort=True
        )
    with _connect() as project:
        e = project.forget(account_id=account, contact_id=contact)
    if not e.rows:
        output.console.print(
            f"Nothing was stored about {what}. Recorded in the audit log as {e.reference}.",
            highlight=False,
        )
        return
    output.console.print(
        f"Erased {what}: deleted {_rows(sum(e.deleted.values()))}, updated "
        f"{_rows(sum(e.updated.values()))}. Recorded in the audit log as {e.reference}.",
        highlight=False,
    )
    from rich.table import Table  # only for a command that prints one

    table = Table("table")
    table.add_column("deleted", justify="right")
    table.add_column("updated", justify="right")
    for name in sorted(e.deleted.keys() | e.updated.keys()):
        table.add_row(name, f"{e.deleted.get(name, 0):,}", f"{e.updated.get(name, 0):,}")
    output.console.print(table)
    output.note(
        "Only the store was changed: erase the person in your source systems too, or the "
        "next import brings them back (see docs/concepts/privacy.md)."
    )


def _rows(n: int) -> str:
    return f"{n:,} row" + ("" if n == 1 else "s")

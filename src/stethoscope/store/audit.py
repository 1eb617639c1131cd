"""The audit log: who did what to what, and when.

``audit_log`` holds a row per change that matters for trust: API keys created and revoked,
CSM inputs added and revoked, model versions saved, personal data erased. A row is written
in the same transaction as the change it records, names its actor (``cli:<user>`` for a
command run locally, ``key:<name>`` for an API key, ``local`` for a command sent through
the running server with its local token) and never holds personal data: ids and counts,
not names, emails or free text. Rows are never updated, except that erasing an account
replaces its id in earlier rows with a pseudonymous reference (see ``store.privacy``).
"""

from __future__ import annotations

import getpass
import json
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from stethoscope import clock

if TYPE_CHECKING:
    from stethoscope.store.database import Connection


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: str
    actor: str
    action: str
    target: str | None
    detail: dict[str, Any]


def local_actor() -> str:
    """The actor of work done in this process without a credential: its user."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no user name in the environment or the password database
        user = f"uid{os.getuid()}"
    return f"cli:{user}"


def record(
    con: Connection,
    actor: str,
    action: str,
    target: str | None,
    detail: dict[str, Any] | None = None,
) -> int:
    """Append an entry; inside the caller's transaction when one is open. Returns its id."""
    row = con.execute(
        'INSERT INTO audit_log ("at", actor, action, target, detail) VALUES (?, ?, ?, ?, ?) '
        "RETURNING id",
        [
            clock.now(),
            actor,
            action,
            target,
            json.dumps(detail or {}, sort_keys=True, default=str),
        ],
    ).fetchone()
    assert row is not None
    return int(row[0])


def entries(con: Connection, limit: int = 50, *, action: str | None = None) -> list[AuditEntry]:
    """The latest entries, newest first; only those of ``action`` when given."""
    where, params = ("WHERE action = ?", [action]) if action else ("", [])
    rows = con.execute(
        # as text: Postgres's driver would hand a JSONB value over already parsed
        f'SELECT id, "at", actor, action, target, CAST(detail AS VARCHAR) FROM audit_log {where} '
        "ORDER BY id DESC LIMIT ?",
        [*params, limit],
    ).fetchall()
    return [
        AuditEntry(int(r[0]), str(r[1]), r[2], r[3], r[4], json.loads(r[5]) if r[5] else {})
        for r in rows
    ]

"""CSM inputs: a gut check or a manual measure, with author, reason, time and expiry.

Inputs are never updated in place: a new value is a new row (the latest unexpired one
counts), and revoking keeps the row with who revoked it and why, so the history of what a
CSM said, and when, is the audit trail.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import TYPE_CHECKING, Any

from stethoscope.errors import DataError
from stethoscope.store import audit
from stethoscope.store.results import row_dicts
from stethoscope.store.transaction import transaction

if TYPE_CHECKING:
    from stethoscope.model.types import InputDef
    from stethoscope.store.database import Connection

TRUE, FALSE = ("true", "yes", "y", "1", "done"), ("false", "no", "n", "0", "not done")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)


def parse_value(d: InputDef, raw: str) -> tuple[float | None, str | None]:
    """(number, text) stored for ``raw`` under the input's definition, or a DataError."""
    text = raw.strip()
    if d.kind == "boolean":
        if text.lower() in TRUE:
            return 1.0, None
        if text.lower() in FALSE:
            return 0.0, None
        raise DataError(f"input '{d.name}' is yes or no, got {raw!r}")
    if d.kind == "choice":
        if text not in d.choices:
            raise DataError(f"input '{d.name}' is one of {', '.join(d.choices)}, got {raw!r}")
        return None, text
    try:
        value = float(text)
    except ValueError:
        raise DataError(f"input '{d.name}' is a number, got {raw!r}") from None
    if (d.minimum is not None and value < d.minimum) or (
        d.maximum is not None and value > d.maximum
    ):
        raise DataError(
            f"input '{d.name}' must be from {d.minimum:g} to {d.maximum:g}, got {raw!r}"
        )
    return value, None


def add(
    con: Connection,
    d: InputDef,
    account_id: str,
    raw: str,
    *,
    reason: str,
    author: str,
    actor: str,
    expires: dt.date | None = None,
) -> dict[str, Any]:
    """Record an input; ``author`` is who says so, ``actor`` who entered it (the audit
    log's actor, e.g. ``cli:ann`` or ``key:crm-sync``)."""
    if not reason.strip():
        raise DataError("a reason is required", hint="say why, e.g. --reason 'exec sponsor left'")
    found = con.execute("SELECT count(*) FROM accounts WHERE id = ?", [account_id]).fetchone()
    if not found or not found[0]:
        raise DataError(f"unknown account '{account_id}'")
    number, text = parse_value(d, raw)
    now = _now()
    if expires is None and d.expires_days:
        expires = (now + dt.timedelta(days=d.expires_days)).date()
    expires_at = dt.datetime(expires.year, expires.month, expires.day) if expires else None
    if expires_at is not None and expires_at <= now:
        raise DataError(f"the expiry {expires} is not in the future")
    input_id = uuid.uuid4().hex[:12]
    row = {
        "id": input_id,
        "account_id": account_id,
        "name": d.name,
        "value_number": number,
        "value_text": text,
        "author": author,
        "reason": reason.strip(),
        "created_at": now,
        "expires_at": expires_at,
    }
    with transaction(con):
        con.execute(
            "INSERT INTO csm_inputs (id, account_id, name, value_number, value_text, "
            "author, reason, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            list(row.values()),
        ).fetchall()
        # ids only: the reason is free text and may name people
        audit.record(con, actor, "input.add", input_id, {"account_id": account_id, "name": d.name})
    return row


def revoke(con: Connection, input_id: str, *, by: str, reason: str, actor: str) -> None:
    with transaction(con):
        rows = con.execute(
            "UPDATE csm_inputs SET revoked_at = ?, revoked_by = ?, revoke_reason = ? "
            "WHERE id = ? AND revoked_at IS NULL RETURNING account_id, name",
            [_now(), by, reason, input_id],
        ).fetchall()
        if not rows:
            raise DataError(f"no live input with id '{input_id}'")
        account_id, name = rows[0]
        audit.record(con, actor, "input.revoke", input_id, {"account_id": account_id, "name": name})


def listing(con: Connection, account_id: str | None = None) -> list[dict[str, Any]]:
    where, params = ("WHERE account_id = ?", [account_id]) if account_id else ("", [])
    return row_dicts(con, f"SELECT * FROM csm_inputs {where} ORDER BY created_at DESC, id", params)

"""Alerts, tasks and deliveries: what the alert rules opened, what people did about it, and
every message sent (or still to send) about it.

- ``alerts``: a row per alert, opened by a rule for an account on an as-of date and routed
  to a recipient; ``open`` until the rule's condition (with its hysteresis) no longer holds,
  then ``resolved``. A rule has at most one open alert per account.
- ``tasks``: a call to action for a person, opened by an alert (or by hand), with the steps of
  a playbook and a due date; ``open``, ``done``, ``snoozed`` (until a date) or ``dismissed``
  (with a reason). Who changed it is in the audit log.
- ``deliveries``: the outbox. A message is written here in the transaction that decided to
  send it, and sent afterwards; a failed send is tried again later (``retrying``, with
  backoff) until it goes, so no message is lost. ``skipped`` is for a message that cannot go
  anywhere (no address for its recipient); ``sent`` is final.
- ``alert_evaluations``: the as-of dates the rules were evaluated on, per model version, so
  that a date is evaluated once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from stethoscope import clock
from stethoscope.errors import DataError
from stethoscope.rows import AlertRow, DeliveryRow, TaskRow
from stethoscope.store.results import row_dicts

if TYPE_CHECKING:
    from stethoscope.store.database import Connection

TASK_STATUSES = ("open", "done", "snoozed", "dismissed")
ALERT_STATUSES = ("open", "resolved")
DELIVERY_STATUSES = ("pending", "retrying", "sent", "skipped")


@dataclass(frozen=True)
class Delivery:
    """A message to send: to ``recipient`` (an address, or the channel's own target)."""

    kind: str  # alert, customer, sync
    channel: str
    recipient: str | None
    subject: str | None
    body: str
    digest: bool = False
    alert_id: int | None = None
    task_id: int | None = None
    due_at: dt.datetime | None = None
    # set when the message can never go (no address): recorded as skipped, with why
    skip: str | None = None


def queue(con: Connection, deliveries: list[Delivery], *, at: dt.datetime | None = None) -> int:
    """Write ``deliveries`` to the outbox (in the caller's transaction)."""
    t = at or clock.now()
    for d in deliveries:
        con.execute(
            "INSERT INTO deliveries (kind, alert_id, task_id, channel, recipient, subject, body, "
            "digest, status, attempts, due_at, last_error, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?)",
            [
                d.kind,
                d.alert_id,
                d.task_id,
                d.channel,
                d.recipient,
                d.subject,
                d.body,
                d.digest,
                "skipped" if d.skip else "pending",
                d.due_at or t,
                d.skip,
                t,
            ],
        )
    return len(deliveries)


_DELIVERY_COLUMNS = (
    "id, kind, alert_id, task_id, channel, recipient, subject, body, digest, status, attempts, "
    "due_at, last_error, created_at, sent_at"
)


def due(con: Connection, at: dt.datetime) -> list[dict[str, Any]]:
    """Deliveries waiting to go at ``at``, oldest first."""
    return row_dicts(
        con,
        f"SELECT {_DELIVERY_COLUMNS} FROM deliveries "
        "WHERE status IN ('pending', 'retrying') AND due_at <= ? ORDER BY id",
        [at],
    )


def waiting(con: Connection) -> dict[str, int]:
    """The outbox's depth: deliveries still to go, per status (pending, retrying)."""
    rows = con.execute(
        "SELECT status, count(*) FROM deliveries WHERE status IN ('pending', 'retrying') "
        "GROUP BY status"
    ).fetchall()
    return {"pending": 0, "retrying": 0} | {r[0]: int(r[1]) for r in rows}


def mark_sent(con: Connection, ids: list[int], at: dt.datetime) -> None:
    for i in ids:
        con.execute(
            "UPDATE deliveries SET status = 'sent', attempts = attempts + 1, sent_at = ?, "
            "last_error = NULL WHERE id = ? AND status IN ('pending', 'retrying')",
            [at, i],
        )


def mark_failed(con: Connection, ids: list[int], error: str, retry_at: dt.datetime) -> None:
    for i in ids:
        con.execute(
            "UPDATE deliveries SET status = 'retrying', attempts = attempts + 1, "
            "last_error = ?, due_at = ? WHERE id = ? AND status IN ('pending', 'retrying')",
            [error[:2000], retry_at, i],
        )


def deliveries(
    con: Connection, *, status: str | None = None, limit: int = 50, offset: int = 0
) -> list[DeliveryRow]:
    where, params = ("WHERE status = ?", [status]) if status else ("", [])
    rows = row_dicts(
        con,
        f"SELECT {_DELIVERY_COLUMNS} FROM deliveries {where} ORDER BY id DESC LIMIT ? OFFSET ?",
        [*params, limit, offset],
    )
    return [DeliveryRow.model_validate(r) for r in rows]


# -- alerts ------------------------------------------------------------------------------

_ALERT_COLUMNS = (
    "al.id, al.rule, al.kind, al.severity, al.account_id, ac.name AS account_name, "
    "al.recipient, al.segment, al.opened_on, al.score, al.band, al.value, al.status, "
    "al.resolved_on, al.model_version, al.run_id, al.created_at"
)


def alerts(
    con: Connection,
    *,
    status: str | None = None,
    rule: str | None = None,
    account_id: str | None = None,
    recipient: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> list[AlertRow]:
    """Alerts, newest first, filtered by what is given."""
    where, params = _filters(
        {
            "al.status": status,
            "al.rule": rule,
            "al.account_id": account_id,
            "al.recipient": recipient,
        }
    )
    rows = row_dicts(
        con,
        f"SELECT {_ALERT_COLUMNS} FROM alerts al LEFT JOIN accounts ac ON ac.id = al.account_id "
        f"{where} ORDER BY al.opened_on DESC, al.id DESC LIMIT ? OFFSET ?",
        [*params, limit, offset],
    )
    return [AlertRow.model_validate(r) for r in rows]


def _filters(by: dict[str, object]) -> tuple[str, list[object]]:
    given = {k: v for k, v in by.items() if v is not None}
    if not given:
        return "", []
    return "WHERE " + " AND ".join(f"{k} = ?" for k in given), list(given.values())


# -- tasks -------------------------------------------------------------------------------

_TASK_COLUMNS = (
    "t.id, t.alert_id, t.account_id, ac.name AS account_name, t.owner, t.title, t.playbook, "
    "t.steps, t.due_on, t.status, t.reason, t.snoozed_until, t.created_at, t.updated_at, "
    "t.updated_by, al.rule"
)


def tasks(
    con: Connection,
    *,
    owner: str | None = None,
    status: str | None = None,
    account_id: str | None = None,
    as_of: dt.date | None = None,
    limit: int = 50,
    offset: int = 0,
) -> list[TaskRow]:
    """Tasks, soonest due first. A snoozed task counts as open again once its date has come
    (``status='open'`` finds it then)."""
    import json

    today = as_of or clock.today()
    where, params = _filters({"t.owner": owner, "t.account_id": account_id})
    if status == "open":
        cond = "(t.status = 'open' OR (t.status = 'snoozed' AND t.snoozed_until <= ?))"
        where = f"{where} AND {cond}" if where else f"WHERE {cond}"
        params.append(today)
    elif status is not None:
        where = f"{where} AND t.status = ?" if where else "WHERE t.status = ?"
        params.append(status)
    rows = row_dicts(
        con,
        f"SELECT {_TASK_COLUMNS} FROM tasks t LEFT JOIN accounts ac ON ac.id = t.account_id "
        f"LEFT JOIN alerts al ON al.id = t.alert_id {where} "
        "ORDER BY t.due_on NULLS LAST, t.id LIMIT ? OFFSET ?",
        [*params, limit, offset],
    )
    return [TaskRow.model_validate(r | {"steps": json.loads(r["steps"])}) for r in rows]


def task(con: Connection, task_id: int) -> TaskRow | None:
    import json

    rows = row_dicts(
        con,
        f"SELECT {_TASK_COLUMNS} FROM tasks t LEFT JOIN accounts ac ON ac.id = t.account_id "
        "LEFT JOIN alerts al ON al.id = t.alert_id WHERE t.id = ?",
        [task_id],
    )
    if not rows:
        return None
    return TaskRow.model_validate(rows[0] | {"steps": json.loads(rows[0]["steps"])})


def update_task(
    con: Connection,
    task_id: int,
    status: str,
    *,
    actor: str,
    reason: str | None = None,
    snooze_until: dt.date | None = None,
) -> TaskRow:
    """Set a task's status (in one transaction with its audit entry); a DataError says what
    is missing: a reason to dismiss, a future date to snooze."""
    from stethoscope.store import audit

    if status not in TASK_STATUSES:
        raise DataError(f"unknown task status '{status}'", hint=f"use {', '.join(TASK_STATUSES)}")
    reason = (reason or "").strip() or None
    if status == "dismissed" and not reason:
        raise DataError("say why: dismissing a task needs a reason", hint="pass --reason")
    if status == "snoozed":
        if snooze_until is None:
            raise DataError("snoozing a task needs the date it comes back", hint="pass --until")
        if snooze_until <= clock.today():
            raise DataError(f"the snooze date {snooze_until} is not in the future")
    elif snooze_until is not None:
        raise DataError("only a snoozed task has a date it comes back")
    con.begin()
    try:
        found = con.execute("SELECT status FROM tasks WHERE id = ?", [task_id]).fetchone()
        if found is None:
            raise DataError(f"no task {task_id}", hint="list them with `stethoscope tasks list`")
        con.execute(
            "UPDATE tasks SET status = ?, reason = ?, snoozed_until = ?, updated_at = ?, "
            "updated_by = ? WHERE id = ?",
            [status, reason, snooze_until, clock.now(), actor, task_id],
        )
        detail: dict[str, Any] = {"from": found[0], "to": status}
        if snooze_until:
            detail["until"] = snooze_until.isoformat()
        if reason:
            # the reason is the CSM's free text: kept on the task, not in the audit log
            detail["with_reason"] = True
        audit.record(con, actor, f"task.{status}", str(task_id), detail)
        con.commit()
    except BaseException:
        con.rollback()
        raise
    result = task(con, task_id)
    assert result is not None
    return result

"""Touchpoints logged by people: a note, call, meeting or email with a customer, written
from the dashboard or the API into the contract's ``touchpoints`` table, with its author and
note, and, when a next step is agreed, a task for the account's owner (``store.alerts``'s
``tasks``, with no alert).

The touchpoint, its task and the audit entry are one transaction: logged entirely or not
at all. Every value travels as a bound parameter; ``check`` reports every problem of an
entry at once, each naming its field, before anything is written.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from stethoscope import clock
from stethoscope.contract.schema import FIRST_TIME, LAST_DATE, TABLES, TEXT_MAX_CHARS
from stethoscope.errors import DataError, Problem
from stethoscope.store.results import row_dicts

if TYPE_CHECKING:
    from stethoscope.store.database import Connection

_TABLE = TABLES["touchpoints"]
KINDS: tuple[str, ...] = _TABLE.column("kind").values or ()
NOTE_MAX_CHARS = _TABLE.column("note").longest or TEXT_MAX_CHARS
STEP_MAX_CHARS = TEXT_MAX_CHARS
# a touchpoint already happened: a time later than now by more than this is a mistake (a
# browser's local time a few hours ahead of UTC is not)
FUTURE_SLACK = dt.timedelta(hours=14)


@dataclass(frozen=True)
class Entry:
    """What a person logs: the touchpoint, and optionally the next step agreed."""

    account_id: str
    kind: str
    author: str
    occurred_at: dt.datetime | None = None  # naive UTC; None: now
    contact_id: str | None = None
    note: str | None = None
    next_step: str | None = None
    due_on: dt.date | None = None


def _text_problems(field: str, value: str | None, longest: int) -> list[Problem]:
    if value is None:
        return []
    if "\x00" in value:
        return [Problem("touchpoint", "holds the character U+0000, which cannot be stored", field)]
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate, which a JSON body can escape
        return [Problem("touchpoint", "holds text that is not valid Unicode", field)]
    if len(value) > longest:
        return [
            Problem("touchpoint", f"is {len(value):,} characters long; at most {longest:,}", field)
        ]
    return []


def check(con: Connection, e: Entry, now: dt.datetime) -> dict[str, Any]:
    """The account's owner and the contact's role, once every field of ``e`` is good; else
    a DataError listing every problem, each naming its field."""
    problems: list[Problem] = []
    if e.kind not in KINDS:
        problems.append(
            Problem("touchpoint", f"expected one of {', '.join(KINDS)}, got {e.kind!r}", "kind")
        )
    if e.occurred_at is not None and e.occurred_at > now + FUTURE_SLACK:
        problems.append(
            Problem("touchpoint", f"{e.occurred_at:%Y-%m-%d %H:%M} is in the future", "occurred_at")
        )
    if e.occurred_at is not None and e.occurred_at < FIRST_TIME:
        problems.append(
            Problem(
                "touchpoint", f"{e.occurred_at:%Y-%m-%d} is before {FIRST_TIME:%Y}", "occurred_at"
            )
        )
    if e.kind == "note" and not e.note:
        problems.append(Problem("touchpoint", "a note needs its text", "note"))
    problems += _text_problems("note", e.note, NOTE_MAX_CHARS)
    problems += _text_problems("next_step", e.next_step, STEP_MAX_CHARS)
    problems += _text_problems("contact_id", e.contact_id, _TABLE.column("contact_id").longest or 0)
    if e.due_on is not None and not e.next_step:
        problems.append(Problem("touchpoint", "a due date needs a next step", "due_on"))
    if e.due_on is not None and e.due_on < now.date():
        problems.append(Problem("touchpoint", f"{e.due_on} is in the past", "due_on"))
    if e.due_on is not None and e.due_on > LAST_DATE:
        problems.append(Problem("touchpoint", f"{e.due_on} is after {LAST_DATE}", "due_on"))
    owner = con.execute("SELECT owner FROM accounts WHERE id = ?", [e.account_id]).fetchone()
    if owner is None:
        problems.append(Problem("touchpoint", f"no account '{e.account_id}'", "account_id"))
    role = None
    if e.contact_id and not any(p.column == "contact_id" for p in problems):
        found = con.execute(
            "SELECT role FROM contacts WHERE id = ? AND account_id = ?",
            [e.contact_id, e.account_id],
        ).fetchone()
        if found is None:
            problems.append(
                Problem("touchpoint", f"the account has no contact '{e.contact_id}'", "contact_id")
            )
        else:
            role = found[0]
    if problems:
        raise DataError(
            "the touchpoint was not logged: "
            + "; ".join(f"{p.column}: {p.message}" for p in problems),
            problems=problems,
        )
    assert owner is not None
    return {"owner": owner[0], "persona": (role or "").strip().lower() or None}


def log(
    con: Connection,
    e: Entry,
    *,
    actor: str,
    owner_fallback: str | None,
    resolves: tuple[str, ...] = (),
) -> dict[str, Any]:
    """Write the touchpoint (and its task) in one transaction with its audit entry; the
    touchpoint as stored, with ``task_id`` and ``resolved_alerts``. The task goes to the
    account's owner, else to ``owner_fallback`` (the dashboard user who logged it). The
    account's open alerts of the rules named in ``resolves`` (those whose ``resolves_on``
    names this kind) that opened on or before the touchpoint's day resolve on that day."""
    from stethoscope.store import audit

    now = clock.now_to_the_second()
    found = check(con, e, now)
    touchpoint_id = uuid.uuid4().hex
    task_id = None
    con.begin()
    try:
        con.execute(
            "INSERT INTO touchpoints (id, account_id, contact_id, kind, persona, occurred_at, "
            "author, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                touchpoint_id,
                e.account_id,
                e.contact_id or None,
                e.kind,
                found["persona"],
                e.occurred_at or now,
                e.author,
                e.note or None,
            ],
        )
        if e.next_step:
            row = con.execute(
                "INSERT INTO tasks (alert_id, account_id, owner, title, playbook, steps, due_on, "
                "status, created_at, updated_at, updated_by) "
                "VALUES (NULL, ?, ?, ?, NULL, ?, ?, 'open', ?, ?, ?) RETURNING id",
                [
                    e.account_id,
                    found["owner"] or owner_fallback,
                    e.next_step,
                    json.dumps([]),
                    e.due_on,
                    now,
                    now,
                    actor,
                ],
            ).fetchone()
            assert row is not None
            task_id = int(row[0])
        resolved = _resolve_alerts(con, e.account_id, resolves, (e.occurred_at or now).date())
        # the note is the author's free text: kept on the touchpoint, not in the audit log
        audit.record(
            con,
            actor,
            "touchpoint.logged",
            e.account_id,
            {"account_id": e.account_id, "kind": e.kind, "touchpoint": touchpoint_id}
            | ({"task": task_id} if task_id is not None else {})
            | ({"resolved_alerts": resolved} if resolved else {}),
        )
        con.commit()
    except BaseException:
        con.rollback()
        raise
    stored = recent(con, e.account_id, only=touchpoint_id)
    return stored[0] | {"task_id": task_id, "resolved_alerts": resolved}


def _resolve_alerts(
    con: Connection, account_id: str, rules: tuple[str, ...], day: dt.date
) -> list[int]:
    """Resolve, on ``day``, the account's open alerts of ``rules`` opened by then (a call
    logged for last month does not answer an alert of this week); their ids."""
    if not rules:
        return []
    marks = ", ".join("?" for _ in rules)
    rows = con.execute(
        "UPDATE alerts SET status = 'resolved', resolved_on = ? WHERE account_id = ? "
        f"AND status = 'open' AND opened_on <= ? AND rule IN ({marks}) RETURNING id",
        [day, account_id, day, *rules],
    ).fetchall()
    return sorted(int(r[0]) for r in rows)


def recent(
    con: Connection, account_id: str, *, limit: int = 10, only: str | None = None
) -> list[dict[str, Any]]:
    """The account's touchpoints, newest first, with the contact's name."""
    where, params = ("AND t.id = ?", [only]) if only else ("", [])
    return row_dicts(
        con,
        "SELECT t.id, t.kind, t.occurred_at, t.contact_id, c.name AS contact_name, t.persona, "
        "t.author, t.note FROM touchpoints t LEFT JOIN contacts c ON c.id = t.contact_id "
        f"WHERE t.account_id = ? {where} ORDER BY t.occurred_at DESC, t.id LIMIT ?",
        [account_id, *params, limit],
    )

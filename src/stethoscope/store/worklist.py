"""The task worklist: tasks sorted and filtered as a table, changed in bulk, each bulk change
undone exactly, and the steps of a task's playbook ticked one by one.

- ``task_changes``: a row per change made to tasks in one go (done, snoozed, assigned,
  dismissed, reopened), by whom and when; ``undone_at`` once undone.
- ``task_undo``: per change, each task's columns as they were before it, so that an undo
  puts them back exactly (status, owner, reason, snooze date, who changed it last and when).
  An undo is refused for a task changed again since: it would overwrite the later change.
  These rows serve the "Undo" after an action, not history (that is the audit log): they are
  deleted once undone, and after ``KEEP_DAYS``.

A ticked step is kept on the task itself, as ``"done": true`` in its ``steps`` (the JSON
list the alert rules wrote), so that every reader of a task sees it.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from stethoscope import clock
from stethoscope.errors import DataError
from stethoscope.store.results import row_dicts

if TYPE_CHECKING:
    from stethoscope.store.database import Connection

# what a bulk change does -> the status it sets (assign keeps the status, sets the owner)
ACTIONS = {
    "done": "done",
    "snooze": "snoozed",
    "dismiss": "dismissed",
    "reopen": "open",
    "assign": None,
}
SEVERITY_RANK = (
    "CASE al.severity WHEN 'act' THEN 3 WHEN 'investigate' THEN 2 WHEN 'info' THEN 1 END"
)
# a column of the table -> what it sorts by (ties: due date, then id)
SORTS = {
    "account": "coalesce(ac.name, t.account_id)",
    "arr": "ac.arr",
    "score": "cs.score",
    "band": "cs.band",
    "renewal": "ac.renewal_date",
    "rule": "al.rule",
    "severity": SEVERITY_RANK,
    "due": "t.due_on",
    "owner": "t.owner",
}
DUE = ("overdue", "week", "later")
KEEP_DAYS = 7
# what a worklist joins to its tasks, by alias (the current score's two parameters: the
# model version and the score's name)
_JOINS = {
    "ac": "LEFT JOIN accounts ac ON ac.id = t.account_id",
    "al": "LEFT JOIN alerts al ON al.id = t.alert_id",
    "cs": "LEFT JOIN current_scores cs ON cs.account_id = t.account_id "
    "AND cs.model_version = ? AND cs.score_name = ?",
}
_UNDO_COLUMNS = ("status", "owner", "reason", "snoozed_until", "updated_at", "updated_by")


@dataclass(frozen=True)
class Filters:
    """Which tasks a worklist shows; None is any. ``due``: overdue (before today), week
    (today and the 6 days after), later (after that)."""

    owner: str | None = None
    status: str | None = "open"
    account_id: str | None = None
    rule: str | None = None
    severity: str | None = None
    arr_min: float | None = None
    arr_max: float | None = None
    due: str | None = None


def worklist(
    con: Connection,
    filters: Filters,
    *,
    model_version: str | None,
    score: str,
    sort: str = "due",
    descending: bool = False,
    limit: int = 50,
    offset: int = 0,
    today: dt.date | None = None,
) -> tuple[list[dict[str, Any]], int]:
    """A page of tasks with their account's ARR, renewal, current score and band and their
    alert's rule and severity, sorted by a column of ``SORTS``; and how many match."""
    if sort not in SORTS:
        raise DataError(f"unknown sort column '{sort}'", hint=f"use {', '.join(SORTS)}")
    if filters.due is not None and filters.due not in DUE:
        raise DataError(f"unknown due filter '{filters.due}'", hint=f"use {', '.join(DUE)}")
    day = today or clock.today()
    conds: list[str] = []
    params: list[object] = []
    for column, value in (
        ("t.owner", filters.owner),
        ("t.account_id", filters.account_id),
        ("al.rule", filters.rule),
        ("al.severity", filters.severity),
    ):
        if value is not None:
            conds.append(f"{column} = ?")
            params.append(value)
    if filters.status == "open":
        conds.append("(t.status = 'open' OR (t.status = 'snoozed' AND t.snoozed_until <= ?))")
        params.append(day)
    elif filters.status is not None:
        conds.append("t.status = ?")
        params.append(filters.status)
    if filters.arr_min is not None:
        conds.append("ac.arr >= ?")
        params.append(filters.arr_min)
    if filters.arr_max is not None:
        conds.append("ac.arr <= ?")
        params.append(filters.arr_max)
    week_end = day + dt.timedelta(days=7)
    if filters.due == "overdue":
        conds.append("t.due_on < ?")
        params.append(day)
    elif filters.due == "week":
        conds += ["t.due_on >= ?", "t.due_on < ?"]
        params += [day, week_end]
    elif filters.due == "later":
        conds.append("t.due_on >= ?")
        params.append(week_end)
    where = ("WHERE " + " AND ".join(conds)) if conds else ""
    # each task joins one account, alert and current score at most, so a join no filter
    # and no sort reads changes neither the count nor the order: the count and the page's
    # sort join only those they read (51,035 open tasks by ARR: 34 ms of processor time
    # joining all three, 14 ms joining the accounts alone)
    order = "DESC" if descending else "ASC"
    ordering = f"ORDER BY {SORTS[sort]} {order} NULLS LAST, t.due_on NULLS LAST, t.id"
    read = " ".join(conds) + " " + SORTS[sort]
    used = {alias for alias in _JOINS if f"{alias}." in read}
    needed = " ".join(_JOINS[alias] for alias in _JOINS if alias in used)
    head: list[object] = [model_version, score] if "cs" in used else []
    total = con.execute(
        f"SELECT count(*) FROM tasks t {needed} {where}", [*head, *params]
    ).fetchone()
    joins = " ".join(_JOINS.values())
    # the page's ids first, then their columns: sorting every task with all its columns
    # (steps, reasons) took 59 ms for the first 50 of 51,035, this 38 ms
    rows = row_dicts(
        con,
        f"WITH page AS (SELECT t.id AS page_id FROM tasks t {needed} {where} {ordering} "
        "LIMIT ? OFFSET ?) "
        "SELECT t.id, t.alert_id, t.account_id, ac.name AS account_name, ac.arr, "
        "ac.renewal_date, cs.score, cs.band, al.rule, al.severity, t.owner, t.title, "
        "t.playbook, t.steps, t.due_on, t.status, t.reason, t.snoozed_until, t.updated_at, "
        f"t.updated_by FROM page JOIN tasks t ON t.id = page.page_id {joins} {ordering}",
        [*head, *params, limit, offset, model_version, score],
    )
    for r in rows:
        r["steps"] = json.loads(r["steps"])
    return rows, int(total[0]) if total else 0


def choices(con: Connection) -> dict[str, list[str]]:
    """What the worklist's pick-lists offer: the owners of tasks and of accounts, and the
    rules that opened tasks."""
    owners = con.execute(
        "SELECT owner FROM tasks WHERE owner IS NOT NULL UNION "
        "SELECT owner FROM accounts WHERE owner IS NOT NULL ORDER BY 1"
    ).fetchall()
    rules = con.execute(
        "SELECT DISTINCT al.rule FROM tasks t JOIN alerts al ON al.id = t.alert_id ORDER BY 1"
    ).fetchall()
    return {"owners": [r[0] for r in owners], "rules": [r[0] for r in rules]}


def change(
    con: Connection,
    ids: list[int],
    action: str,
    *,
    actor: str,
    until: dt.date | None = None,
    owner: str | None = None,
    reason: str | None = None,
) -> int:
    """Apply ``action`` to the tasks ``ids`` in one transaction, keeping what an undo needs;
    the change's id (for ``undo``). A DataError names what is missing or wrong."""
    from stethoscope.store import audit

    if action not in ACTIONS:
        raise DataError(f"unknown action '{action}'", hint=f"use {', '.join(ACTIONS)}")
    ids = sorted(set(ids))
    if not ids:
        raise DataError("no task chosen: tick the tasks to change first")
    status = ACTIONS[action]
    if action == "snooze":
        if until is None:
            raise DataError("snoozing a task needs the date it comes back")
        if until <= clock.today():
            raise DataError(f"the snooze date {until} is not in the future")
    reason = (reason or "").strip() or None
    if action == "dismiss" and not reason:
        raise DataError("say why: dismissing tasks needs a reason")
    if action == "assign" and not (owner or "").strip():
        raise DataError("assigning tasks needs the owner to give them to")
    now = clock.now()
    con.begin()
    try:
        _prune(con, now)
        marks = ", ".join("?" for _ in ids)
        cols = ", ".join(_UNDO_COLUMNS)
        before = con.execute(
            f"SELECT id, account_id, {cols} FROM tasks WHERE id IN ({marks}) ORDER BY id", ids
        ).fetchall()
        missing = sorted(set(ids) - {int(r[0]) for r in before})
        if missing:
            raise DataError(f"no task {', '.join(map(str, missing))}")
        row = con.execute(
            "INSERT INTO task_changes (action, actor, tasks, created_at) VALUES (?, ?, ?, ?) "
            "RETURNING id",
            [action, actor, len(ids), now],
        ).fetchone()
        assert row is not None
        change_id = int(row[0])
        for r in before:
            con.execute(
                f"INSERT INTO task_undo (change_id, task_id, account_id, {cols}) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [change_id, *r],
            )
            if status is None:
                con.execute(
                    "UPDATE tasks SET owner = ?, updated_at = ?, updated_by = ? WHERE id = ?",
                    [owner, now, actor, r[0]],
                )
            else:
                # a dismissal's reason does not outlive it (as store.alerts.update_task)
                con.execute(
                    "UPDATE tasks SET status = ?, reason = ?, snoozed_until = ?, "
                    "updated_at = ?, updated_by = ? WHERE id = ?",
                    [status, reason if status == "dismissed" else None, until, now, actor, r[0]],
                )
            detail: dict[str, Any] = {"change": change_id, "from": r[2]}
            if status is not None:
                detail["to"] = status
            if until:
                detail["until"] = until.isoformat()
            if reason:
                detail["with_reason"] = True  # the CSM's free text stays on the task
            # the new owner is a person's name or email: kept on the task, not in the log
            audit.record(con, actor, f"task.{status or 'assigned'}", str(r[0]), detail)
        con.commit()
    except BaseException:
        con.rollback()
        raise
    return change_id


def change_of(con: Connection, change_id: int) -> dict[str, Any] | None:
    """A bulk change: its action, actor, how many tasks, when, and when undone (or None)."""
    rows = row_dicts(
        con,
        "SELECT id, action, actor, tasks, created_at, undone_at FROM task_changes WHERE id = ?",
        [change_id],
    )
    return rows[0] if rows else None


def undo(con: Connection, change_id: int, *, actor: str) -> int:
    """Put the tasks of a change back as they were before it, exactly; how many. Only its
    author may undo it, once, and only while none of its tasks has been changed since."""
    from stethoscope.store import audit

    con.begin()
    try:
        found = con.execute(
            "SELECT actor, created_at, undone_at FROM task_changes WHERE id = ?", [change_id]
        ).fetchone()
        if found is None:
            raise DataError(f"no change {change_id} to undo (changes are kept {KEEP_DAYS} days)")
        if found[0] != actor:
            raise DataError(f"change {change_id} is someone else's: only its author undoes it")
        if found[2] is not None:
            raise DataError(f"change {change_id} is already undone")
        cols = ", ".join(_UNDO_COLUMNS)
        before = con.execute(
            f"SELECT task_id, {cols} FROM task_undo WHERE change_id = ? ORDER BY task_id",
            [change_id],
        ).fetchall()
        if not before:
            raise DataError(f"change {change_id} has no task left to put back")
        ids = [r[0] for r in before]
        marks = ", ".join("?" for _ in ids)
        since = con.execute(
            f"SELECT id FROM tasks WHERE id IN ({marks}) "
            "AND (updated_at <> ? OR updated_by <> ?) ORDER BY id",
            [*ids, found[1], actor],
        ).fetchall()
        if since:
            changed = ", ".join(str(r[0]) for r in since)
            raise DataError(f"cannot undo: task {changed} changed again since")
        sets = ", ".join(f"{c} = ?" for c in _UNDO_COLUMNS)
        for r in before:
            con.execute(f"UPDATE tasks SET {sets} WHERE id = ?", [*r[1:], r[0]])
            audit.record(con, actor, "task.undone", str(r[0]), {"change": change_id})
        con.execute("DELETE FROM task_undo WHERE change_id = ?", [change_id])
        con.execute("UPDATE task_changes SET undone_at = ? WHERE id = ?", [clock.now(), change_id])
        con.commit()
    except BaseException:
        con.rollback()
        raise
    return len(before)


def tick(con: Connection, task_id: int, step: int, done: bool, *, actor: str) -> None:
    """Mark step ``step`` (0-based) of a task's playbook done, or not done again."""
    from stethoscope.store import audit

    con.begin()
    try:
        found = con.execute("SELECT steps FROM tasks WHERE id = ?", [task_id]).fetchone()
        if found is None:
            raise DataError(f"no task {task_id}")
        steps = json.loads(found[0])
        if not 0 <= step < len(steps):
            raise DataError(f"task {task_id} has no step {step + 1} (it has {len(steps)})")
        steps[step]["done"] = done
        con.execute(
            "UPDATE tasks SET steps = ?, updated_at = ?, updated_by = ? WHERE id = ?",
            [json.dumps(steps), clock.now(), actor, task_id],
        )
        audit.record(con, actor, "task.step", str(task_id), {"step": step + 1, "done": done})
        con.commit()
    except BaseException:
        con.rollback()
        raise


def _prune(con: Connection, now: dt.datetime) -> None:
    old = now - dt.timedelta(days=KEEP_DAYS)
    con.execute(
        "DELETE FROM task_undo WHERE change_id IN "
        "(SELECT id FROM task_changes WHERE created_at < ?)",
        [old],
    )
    con.execute("DELETE FROM task_changes WHERE created_at < ?", [old])

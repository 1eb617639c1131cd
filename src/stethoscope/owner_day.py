"""One owner's day, for the dashboard's Today page: set-based read-outs of the accounts a
CSM owns (the accounts whose ``owner`` is their name) and of their open tasks.

- ``owned``: how many accounts an owner has;
- ``open_tasks``: how many open tasks an owner has (the navigation's count);
- ``changes``: the owner's accounts whose band changed or whose score fell since a date;
- ``renewals``: the owner's accounts in some bands renewing within a span.

Each list comes ordered by ARR at stake (largest first), then by urgency (the soonest
renewal), so that a CSM reads the most money first. Parameters are bound.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from stethoscope.readouts import _round6
from stethoscope.store.results import row_dicts

if TYPE_CHECKING:
    from stethoscope.store.database import Connection

# open as store.alerts.tasks(status="open") counts it: a snoozed task whose date has come
# is open again
OPEN_TASK = "(t.status = 'open' OR (t.status = 'snoozed' AND t.snoozed_until <= ?))"
_BRIEF = "h.account_id, a.name, a.arr, a.renewal_date, h.score, h.band"
_FROM = "score_history h JOIN accounts a ON a.id = h.account_id"
_SCORED = "h.model_version = ? AND h.score_name = ? AND h.as_of = ?"
_URGENCY = "a.arr DESC NULLS LAST, a.renewal_date NULLS LAST, h.account_id"


def owned(con: Connection, owner: str) -> int:
    row = con.execute("SELECT count(*) FROM accounts WHERE owner = ?", [owner]).fetchone()
    return int(row[0]) if row else 0


def open_tasks(con: Connection, owner: str, today: dt.date) -> int:
    row = con.execute(
        f"SELECT count(*) FROM tasks t WHERE t.owner = ? AND {OPEN_TASK}", [owner, today]
    ).fetchone()
    return int(row[0]) if row else 0


def changes(
    con: Connection,
    version: str,
    score_name: str,
    as_of: dt.date,
    since: dt.date,
    owner: str,
    *,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """The owner's accounts scored on both dates whose band differs between them or whose
    score is lower on ``as_of``: the two dates' scores side by side in one pass; the first
    ``limit`` of them, each with ``total``, how many there are in all."""
    change = _round6(con, "w.now - w.before")
    return row_dicts(
        con,
        "WITH two AS (SELECT account_id, max(CASE WHEN as_of = ? THEN score END) AS now, "
        "max(CASE WHEN as_of = ? THEN score END) AS before, "
        "max(CASE WHEN as_of = ? THEN band END) AS band, "
        "max(CASE WHEN as_of = ? THEN band END) AS band_before, "
        "count(*) AS dates FROM score_history "
        "WHERE model_version = ? AND score_name = ? AND as_of IN (?, ?) "
        "AND account_id IN (SELECT id FROM accounts WHERE owner = ?) GROUP BY account_id) "
        "SELECT w.account_id, a.name, a.arr, a.renewal_date, w.now AS score, w.band, "
        f"w.before AS score_before, w.band_before, {change} AS change, "
        "count(*) OVER () AS total "
        "FROM two w JOIN accounts a ON a.id = w.account_id WHERE w.dates = 2 AND "
        "(w.band IS DISTINCT FROM w.band_before OR w.now < w.before) "
        "ORDER BY a.arr DESC NULLS LAST, a.renewal_date NULLS LAST, w.account_id"
        + (" LIMIT ?" if limit is not None else ""),
        [as_of, since, as_of, since, version, score_name, as_of, since, owner]
        + ([limit] if limit is not None else []),
    )


def renewals(
    con: Connection,
    version: str,
    score_name: str,
    as_of: dt.date,
    until: dt.date,
    owner: str,
    bands: list[str],
) -> list[dict[str, Any]]:
    """The owner's accounts in ``bands`` on ``as_of`` renewing after it up to ``until``."""
    if not bands:
        return []
    marks = ", ".join("?" for _ in bands)
    return row_dicts(
        con,
        f"SELECT {_BRIEF} FROM {_FROM} WHERE {_SCORED} AND h.band IN ({marks}) "
        "AND a.renewal_date > ? AND a.renewal_date <= ? AND a.owner = ? "
        f"ORDER BY {_URGENCY}",
        [version, score_name, as_of, *bands, as_of, until, owner],
    )

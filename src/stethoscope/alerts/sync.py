"""Outbound sync of health to other tools (a CRM, a marketing tool): a signed webhook after
every run with the scores that changed, and an export of the scored book as CSV or JSON.

The webhook's body is JSON::

    {"event": "scores.changed", "run_id": "...", "model_version": "...", "as_of": "2025-06-30",
     "previous_as_of": "2025-06-29", "page": 1, "pages": 1, "changed": [{"account_id": "a1",
     "score_name": "health", "score": 58.2, "band": "red", "previous_score": 63.0,
     "previous_band": "yellow"}, ...]}

``changed`` holds every account whose score or band on the run's last date differs from
the latest date scored before the run (all of them on the first run), in pages of at most
``sync_webhook_page_size`` rows, one delivery each: a first run over a large book is many
bounded bodies, not one. Each is signed as the Standard Webhooks specification says
(``alerts.channels.post_signed``): an id, a timestamp and the body, so a receiver can refuse
a replayed or stale message. The webhook goes through the outbox, so a receiver that is down
gets it later.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import TYPE_CHECKING, Any

from stethoscope.spreadsheet import write_csv
from stethoscope.store.alerts import Delivery
from stethoscope.store.results import row_dicts

if TYPE_CHECKING:
    from stethoscope.store.database import Connection

EXPORT_COLUMNS = (
    "account_id",
    "name",
    "owner",
    "segment",
    "arr",
    "renewal_date",
    "as_of",
    "score_name",
    "score",
    "band",
    "coverage",
)


def changed_scores(
    con: Connection, version: str, day: dt.date, before: dt.date
) -> tuple[dt.date | None, list[dict[str, Any]]]:
    """The latest date scored before ``before`` and the scores on ``day`` that differ from
    it (score or band), one set-based query."""
    row = con.execute(
        "SELECT max(as_of) FROM score_history WHERE model_version = ? AND as_of < ?",
        [version, before],
    ).fetchone()
    previous = row[0] if row else None
    rows = row_dicts(
        con,
        "SELECT h.account_id, h.score_name, h.score, h.band, p.score AS previous_score, "
        "p.band AS previous_band FROM score_history h LEFT JOIN score_history p "
        "ON p.account_id = h.account_id AND p.score_name = h.score_name "
        "AND p.model_version = h.model_version AND p.as_of = ? "
        "WHERE h.model_version = ? AND h.as_of = ? "
        "AND (p.account_id IS NULL OR p.score IS DISTINCT FROM h.score "
        "OR p.band IS DISTINCT FROM h.band) ORDER BY h.account_id, h.score_name",
        [previous, version, day],
    )
    return previous, rows


def webhook(
    con: Connection,
    url: str,
    *,
    run_id: str,
    version: str,
    first: dt.date,
    last: dt.date,
    page_size: int = 500,
) -> list[Delivery]:
    """The sync deliveries of a run that scored ``first`` to ``last``, a page of at most
    ``page_size`` changed scores each; none when nothing changed."""
    previous, rows = changed_scores(con, version, last, first)
    pages = [rows[i : i + page_size] for i in range(0, len(rows), page_size)]
    out = []
    for n, page in enumerate(pages, 1):
        body = {
            "event": "scores.changed",
            "run_id": run_id,
            "model_version": version,
            "as_of": last.isoformat(),
            "previous_as_of": previous.isoformat() if previous else None,
            "page": n,
            "pages": len(pages),
            "changed": page,
        }
        subject = f"scores changed as of {last}" + (
            f" ({n}/{len(pages)})" if len(pages) > 1 else ""
        )
        out.append(
            Delivery(
                "sync", "sync", url, subject, json.dumps(body, default=str, separators=(",", ":"))
            )
        )
    return out


def export(
    con: Connection, version: str, day: dt.date, *, fmt: str = "csv", score: str | None = None
) -> str:
    """The scored book on ``day`` as CSV (a header and a row per account and score) or JSON
    (a list of objects)."""
    where = "h.model_version = ? AND h.as_of = ?"
    params: list[Any] = [version, day]
    if score:
        where += " AND h.score_name = ?"
        params.append(score)
    rows = row_dicts(
        con,
        "SELECT h.account_id, a.name, a.owner, a.segment, a.arr, a.renewal_date, h.as_of, "
        "h.score_name, h.score, h.band, h.coverage FROM score_history h "
        f"LEFT JOIN accounts a ON a.id = h.account_id WHERE {where} "
        "ORDER BY h.account_id, h.score_name",
        params,
    )
    if fmt == "json":
        return json.dumps(rows, default=str, indent=1) + "\n"
    out = io.StringIO()
    write_csv(out, EXPORT_COLUMNS, ([r[k] for k in EXPORT_COLUMNS] for r in rows))
    return out.getvalue()

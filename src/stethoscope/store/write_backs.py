"""Scores written back to a source's CRM (``source_written``: per account, what the CRM was
last given) and each write-back after a run (``source_write_backs``).

What was written is recorded only for the accounts the CRM took, after the write: an
account the CRM refused, or a write cut short, is compared again at the next run and sent
again (the CRM's update is idempotent, so a value sent twice is the same value).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from stethoscope import clock

if TYPE_CHECKING:
    from stethoscope.store.database import Connection

PUT_ROWS = 1_000
# account_id -> (score, band, reason)
Written = dict[str, tuple[float, str, str]]


@dataclass(frozen=True)
class WriteBackRecord:
    """One write-back of one source after a run."""

    id: str
    source: str
    run_id: str | None
    started_at: dt.datetime
    finished_at: dt.datetime
    status: str  # ok, partly (some accounts refused) or failed
    changed: int  # accounts whose score, band or reason changed since the last write
    written: int
    failed: int
    error: str | None


def written(con: Connection, source: str) -> Written:
    rows = con.execute(
        "SELECT account_id, score, band, reason FROM source_written WHERE source = ?", [source]
    ).fetchall()
    return {str(a): (float(s), str(b), str(r)) for a, s, b, r in rows}


def put_written(
    con: Connection, source: str, values: Iterable[tuple[str, float, str, str]]
) -> None:
    """Record ``(account_id, score, band, reason)`` as what the CRM now holds."""
    now = clock.now()
    rows = [(source, a, s, b, r, now) for a, s, b, r in values]
    # many rows a statement: DuckDB's executemany runs one upsert a row (2.3 ms each here,
    # 7 s for 3,000), 1,000 rows of one VALUES list take milliseconds (and stay well under
    # Postgres's 65,535 parameters)
    for i in range(0, len(rows), PUT_ROWS):
        part = rows[i : i + PUT_ROWS]
        con.execute(
            "INSERT INTO source_written (source, account_id, score, band, reason, written_at) "
            f"VALUES {', '.join(['(?, ?, ?, ?, ?, ?)'] * len(part))} "
            "ON CONFLICT (source, account_id) DO UPDATE SET score = excluded.score, "
            "band = excluded.band, reason = excluded.reason, written_at = excluded.written_at",
            [v for row in part for v in row],
        )


def record(
    con: Connection,
    source: str,
    run_id: str | None,
    started_at: dt.datetime,
    *,
    changed: int,
    written: int,
    failed: int,
    error: str | None,
) -> str:
    status = "failed" if error and not written else "partly" if failed or error else "ok"
    wid = started_at.strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]
    con.execute(
        "INSERT INTO source_write_backs (id, source, run_id, started_at, finished_at, status, "
        "changed, written, failed, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [wid, source, run_id, started_at, clock.now(), status, changed, written, failed, error],
    )
    return wid


def history(con: Connection, source: str | None, limit: int = 50) -> list[WriteBackRecord]:
    """Write-backs, newest first (of ``source`` when given)."""
    where, params = ("WHERE source = ?", [source]) if source else ("", [])
    rows = con.execute(
        "SELECT id, source, run_id, started_at, finished_at, status, changed, written, "
        f"failed, error FROM source_write_backs {where} ORDER BY started_at DESC, id DESC "
        "LIMIT ?",
        [*params, limit],
    ).fetchall()
    return [
        WriteBackRecord(
            str(r[0]),
            str(r[1]),
            None if r[2] is None else str(r[2]),
            r[3],
            r[4],
            str(r[5]),
            int(r[6]),
            int(r[7]),
            int(r[8]),
            None if r[9] is None else str(r[9]),
        )
        for r in rows
    ]

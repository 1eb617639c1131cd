"""Each source stream's cursor, and the history of syncs (``source_cursors``, ``source_syncs``).

A cursor is written in the sync's own transaction, with the rows it read up to: a sync that
fails leaves the cursors it started from, and the next one reads again from there.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

from stethoscope import clock

if TYPE_CHECKING:
    from stethoscope.store.database import Connection


@dataclass(frozen=True)
class SyncRecord:
    """One sync of one source, as the store keeps it."""

    id: str
    source: str
    kind: str
    started_at: dt.datetime
    finished_at: dt.datetime | None
    status: str  # running, ok or failed
    full_refresh: bool
    trigger: str  # cli, api or schedule
    rows_read: int | None
    rows_written: int | None
    # contract table -> rows written
    tables: dict[str, int]
    error: str | None


def cursors(con: Connection, source: str) -> dict[str, str | None]:
    """stream -> its cursor, for the streams of ``source`` synced before."""
    rows = con.execute(
        "SELECT stream, cursor FROM source_cursors WHERE source = ?", [source]
    ).fetchall()
    return {stream: cursor for stream, cursor in rows}


def put_cursor(con: Connection, source: str, stream: str, cursor: str | None) -> None:
    con.execute(
        "INSERT INTO source_cursors (source, stream, cursor, updated_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (source, stream) DO UPDATE SET cursor = excluded.cursor, "
        "updated_at = excluded.updated_at",
        [source, stream, cursor, clock.now()],
    )


def start(con: Connection, source: str, kind: str, *, full_refresh: bool, trigger: str) -> str:
    """Record a sync as running; its id."""
    sync_id = clock.now().strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]
    con.execute(
        "INSERT INTO source_syncs (id, source, kind, started_at, status, full_refresh, "
        "trigger) VALUES (?, ?, ?, ?, 'running', ?, ?)",
        [sync_id, source, kind, clock.now(), full_refresh, trigger],
    )
    return sync_id


def finish(
    con: Connection,
    sync_id: str,
    *,
    rows_read: int = 0,
    tables: dict[str, int] | None = None,
    error: str | None = None,
) -> None:
    tables = tables or {}
    con.execute(
        "UPDATE source_syncs SET finished_at = ?, status = ?, rows_read = ?, "
        "rows_written = ?, tables = ?, error = ? WHERE id = ?",
        [
            clock.now(),
            "failed" if error else "ok",
            rows_read,
            sum(tables.values()),
            json.dumps(tables),
            error,
            sync_id,
        ],
    )


_COLUMNS = (
    "id, source, kind, started_at, finished_at, status, full_refresh, trigger, rows_read, "
    "rows_written, CAST(tables AS VARCHAR), error"
)


def _record(row: tuple[object, ...]) -> SyncRecord:
    tables = json.loads(str(row[10])) if row[10] else {}
    return SyncRecord(
        str(row[0]),
        str(row[1]),
        str(row[2]),
        row[3],  # type: ignore[arg-type]
        row[4],  # type: ignore[arg-type]
        str(row[5]),
        bool(row[6]),
        str(row[7]),
        None if row[8] is None else int(row[8]),  # type: ignore[call-overload]
        None if row[9] is None else int(row[9]),  # type: ignore[call-overload]
        {str(k): int(v) for k, v in tables.items()},
        None if row[11] is None else str(row[11]),
    )


def history(con: Connection, source: str | None = None, limit: int = 50) -> list[SyncRecord]:
    """Syncs, newest first; of one source when given."""
    where, params = ("WHERE source = ?", [source]) if source else ("", [])
    rows = con.execute(
        f"SELECT {_COLUMNS} FROM source_syncs {where} ORDER BY started_at DESC, id DESC "
        f"LIMIT {int(limit)}",
        params,
    ).fetchall()
    return [_record(r) for r in rows]


def latest(con: Connection) -> dict[str, tuple[SyncRecord, SyncRecord | None]]:
    """source -> (its last sync, its last successful sync), for every source synced."""

    def newest(where: str) -> dict[str, SyncRecord]:
        rows = con.execute(
            f"SELECT {_COLUMNS} FROM (SELECT *, row_number() OVER (PARTITION BY source "
            f"ORDER BY started_at DESC, id DESC) AS n FROM source_syncs {where}) AS s "
            "WHERE n = 1"
        ).fetchall()
        return {r.source: r for r in map(_record, rows)}

    ok = newest("WHERE status = 'ok'")
    return {source: (last, ok.get(source)) for source, last in newest("").items()}

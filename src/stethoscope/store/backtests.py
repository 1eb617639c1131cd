"""Backtest reports kept in the store, so the dashboard can show the latest one.

A report is kept as its JSON without the observations (those can be millions of rows);
every figure and chart of the report is in it.
"""

from __future__ import annotations

import json
import secrets
from typing import TYPE_CHECKING, Any

from stethoscope import clock

if TYPE_CHECKING:
    from stethoscope.store.database import Connection


def save(con: Connection, report: dict[str, Any]) -> str:
    rid = "bt_" + secrets.token_hex(6)
    model = report.get("model") or report.get("b", {}).get("model") or {}
    con.execute(
        "INSERT INTO backtest_reports VALUES (?, ?, ?, ?, ?, ?)",
        [
            rid,
            clock.now(),
            report["kind"],
            model.get("name"),
            model.get("version"),
            json.dumps(report),
        ],
    ).fetchall()
    return rid


# what the dashboard's backtest page shows: a backtest or a comparison of two models
REPORTS = ("backtest", "compare")


def latest(con: Connection, *, kinds: tuple[str, ...] = REPORTS) -> dict[str, Any] | None:
    """The latest report of one of ``kinds`` (a forecast is kept beside its backtest, and
    asked for by its own kind)."""
    marks = ", ".join("?" for _ in kinds)
    row = con.execute(
        "SELECT id, created_at, report FROM backtest_reports WHERE kind IN "
        f"({marks}) ORDER BY created_at DESC, id LIMIT 1",
        list(kinds),
    ).fetchone()
    if row is None:
        return None
    out: dict[str, Any] = json.loads(row[2])
    return out | {"id": row[0], "created_at": row[1].isoformat() + "Z"}

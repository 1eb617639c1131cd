"""Reading scores back: the book as of a date with trends, one account's frame row, and
the difference two model versions make. Plain SQL over the store, parameters bound."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from stethoscope.contract.schema import q
from stethoscope.errors import EngineError
from stethoscope.store.results import detail_table, row_dicts

if TYPE_CHECKING:
    import duckdb

SORTS = ("score", "name", "arr", "renewal_date", "change_7d", "change_30d", "coverage")
TREND_DAYS = (7, 30, 90)


def latest_date(con: duckdb.DuckDBPyConnection, version: str) -> dt.date | None:
    row = con.execute(
        "SELECT max(as_of) FROM score_history WHERE model_version = ?", [version]
    ).fetchone()
    return row[0] if row else None


def book(
    con: duckdb.DuckDBPyConnection,
    version: str,
    score_name: str,
    as_of: dt.date,
    *,
    band: str | None = None,
    segment: str | None = None,
    owner: str | None = None,
    sort: str = "score",
    descending: bool = False,
    limit: int | None = None,
    offset: int = 0,
) -> list[dict[str, Any]]:
    """Scored accounts as of a date, with their score 7, 30 and 90 days before."""
    if sort not in SORTS:
        raise EngineError(f"cannot sort by '{sort}'", hint=f"sort by one of {', '.join(SORTS)}")
    trends = ", ".join(
        f"round(h.score - (SELECT p.score FROM score_history p WHERE p.model_version = "
        f"h.model_version AND p.score_name = h.score_name AND p.account_id = h.account_id "
        f"AND p.as_of = h.as_of - INTERVAL {n} DAY), 6) AS change_{n}d"
        for n in TREND_DAYS
    )
    where = ["h.model_version = ?", "h.score_name = ?", "h.as_of = ?"]
    params: list[Any] = [version, score_name, as_of]
    for col, val in (("h.band", band), ("a.segment", segment), ("a.owner", owner)):
        if val is not None:
            where.append(f"{col} = ?")
            params.append(val)
    order = f"{q(sort)} {'DESC' if descending else 'ASC'} NULLS LAST, account_id"
    sql = (
        f"SELECT * FROM (SELECT h.account_id, a.name, a.owner, a.segment, a.arr, "
        f"a.renewal_date, h.score, h.band, h.coverage, h.segment AS model_segment, "
        f"h.scorecard, {trends} FROM score_history h JOIN accounts a ON a.id = h.account_id "
        f"WHERE {' AND '.join(where)}) ORDER BY {order}"
    )
    if limit is not None:
        sql += " LIMIT ? OFFSET ?"
        params += [limit, offset]
    return row_dicts(con, sql, params)


def frame_row(
    con: duckdb.DuckDBPyConnection, version: str, account_id: str, as_of: dt.date
) -> dict[str, Any] | None:
    """The stored frame row of an account as of a date under a model version."""
    table = detail_table(version)
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [table]
    ).fetchone()
    if not exists or not exists[0]:
        return None
    rows = row_dicts(
        con, f"SELECT * FROM {q(table)} WHERE account_id = ? AND as_of = ?", [account_id, as_of]
    )
    return rows[0] if rows else None


@dataclass(frozen=True)
class Mover:
    account_id: str
    name: str | None
    score_old: float | None
    score_new: float | None
    band_old: str | None
    band_new: str | None
    change: float | None


@dataclass(frozen=True)
class ModelDiff:
    as_of: str
    score_name: str
    version_old: str
    version_new: str
    accounts: int
    # (old band, new band) -> accounts; 'unknown' for no score
    transitions: dict[str, dict[str, int]]
    changed_band: int
    movers: list[Mover]
    # e.g. {"red": +41}: accounts that newly land in each band
    into_band: dict[str, int]


def diff_frames(
    con: duckdb.DuckDBPyConnection,
    old: str,
    new: str,
    score_name: str,
    as_of: dt.date,
    version_old: str,
    version_new: str,
    top: int = 10,
) -> ModelDiff:
    """Compare two frames (temp tables ``old`` and ``new``) of the same date."""
    s = score_name
    base = (
        f"SELECT coalesce(o.account_id, n.account_id) AS account_id, "
        f"coalesce(o.name, n.name) AS name, o.{q('score__' + s)} AS score_old, "
        f"n.{q('score__' + s)} AS score_new, coalesce(o.{q('band__' + s)}, 'unknown') "
        f"AS band_old, coalesce(n.{q('band__' + s)}, 'unknown') AS band_new "
        f"FROM {q(old)} o FULL JOIN {q(new)} n USING (account_id)"
    )
    transitions: dict[str, dict[str, int]] = {}
    total = changed = 0
    for bo, bn, n in con.execute(
        f"SELECT band_old, band_new, count(*) FROM ({base}) GROUP BY ALL ORDER BY ALL"
    ).fetchall():
        transitions.setdefault(bo, {})[bn] = int(n)
        total += int(n)
        changed += int(n) if bo != bn else 0
    into: dict[str, int] = {}
    for bo, row in transitions.items():
        for bn, n in row.items():
            if bo != bn:
                into[bn] = into.get(bn, 0) + n
                into[bo] = into.get(bo, 0) - n
    movers = [
        Mover(
            r["account_id"],
            r["name"],
            r["score_old"],
            r["score_new"],
            r["band_old"],
            r["band_new"],
            r["change"],
        )
        for r in row_dicts(
            con,
            f"SELECT *, round(score_new - score_old, 6) AS change "
            f"FROM ({base}) ORDER BY abs(score_new - score_old) DESC "
            f"NULLS LAST, account_id LIMIT ?",
            [top],
        )
    ]
    return ModelDiff(
        as_of.isoformat(),
        s,
        version_old,
        version_new,
        total,
        transitions,
        changed,
        movers,
        {k: v for k, v in sorted(into.items()) if v},
    )

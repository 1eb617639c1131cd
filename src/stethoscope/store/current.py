"""Current scores: each account's scores on the latest date it was scored, per model
version, with their trends, kept by every run so that reading them is a lookup.

``current_scores`` holds a row per (model version, account, score): the score_history row
of the account's latest as-of date under that version (the latest over all of its scores),
and ``change_7d``, ``change_30d``, ``change_90d``: the score minus the score of that many
days before, null where that day has none. It is what ``readouts.current_scores`` would
compute from score_history, and is read by the account's id through an index instead of
scanning the history (docs/concepts/storage.md).

A run calls ``refresh`` inside its own transaction, after it has replaced the history of
its dates: the rows it may have changed are recomputed, and no others. ``rebuild``
recomputes every row from score_history: what every refresh must agree with (the tests hold
them to it; migration 8, which made the table, fills it with its own frozen copy).
``forget`` deletes an account's rows with its history (store.privacy).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from stethoscope.store.database import Connection, dialect

TABLE = "current_scores"
TREND_DAYS = (7, 30, 90)
COLUMNS = (
    "model_version",
    "account_id",
    "score_name",
    "as_of",
    "score",
    "band",
    "coverage",
    "segment",
    "scorecard",
    *(f"change_{n}d" for n in TREND_DAYS),
)
# the accounts whose row a refresh recomputes, with their latest date (null: to look up)
_LATEST = "_current_latest"
# their recomputed rows
_NEW = "_current_new"
# a row's key, and the columns a refresh rewrites
_KEY = ("model_version", "account_id", "score_name")
_VALUES = tuple(c for c in COLUMNS if c not in _KEY)


def of_account(con: Connection, version: str, account_id: str) -> list[dict[str, Any]]:
    """The account's current scores under ``version``, by score name."""
    cur = con.execute(
        f"SELECT {', '.join(COLUMNS)} FROM current_scores WHERE account_id = ?", [account_id]
    )
    rows = [dict(zip(COLUMNS, r, strict=True)) for r in cur.fetchall()]
    mine = [r for r in rows if r.pop("model_version") == version]
    for r in mine:
        del r["account_id"]
    return sorted(mine, key=lambda r: str(r["score_name"]))


def refresh(
    con: Connection,
    version: str,
    run_id: str,
    first: dt.date,
    last: dt.date,
    *,
    every_day: bool = True,
) -> None:
    """Bring the rows of ``version`` up to date after run ``run_id`` replaced its history
    from ``first`` to ``last`` (every day of it, or with ``every_day`` false only its own
    dates). Recomputed are the accounts the run scored, and those whose current date lies
    in the span (the run may no longer score them there) or is 7, 30 or 90 days after a
    date of the span (a trend reads that date)."""
    # a current date after the run's last date for the account, inside the span: with
    # every day replaced it is gone (the run's latest is the latest); with days between
    # the run's dates kept, it may remain
    between = "" if every_day else "WHEN c.as_of > r.ran_to THEN NULL"
    near = " OR ".join(
        f"c.as_of BETWEEN CAST(? AS DATE) + {_days(con, n)} AND CAST(? AS DATE) + {_days(con, n)}"
        for n in (0, *TREND_DAYS)
    )
    _x(con, f"DROP TABLE IF EXISTS {_LATEST}")
    # An account's latest date is its current date if that is after the span (the history
    # there is untouched), else the run's latest for it. A current date inside the span
    # that the run no longer scores (or, for a run of dates some days apart, a day between
    # them, whose history stays) is looked up below, for those accounts alone. One outside
    # the span and not scored by the run stays.
    _x(
        con,
        f"CREATE TEMPORARY TABLE {_LATEST} AS "
        "WITH ran AS (SELECT account_id, max(as_of) AS ran_to FROM score_history "
        "WHERE model_version = ? AND run_id = ? AND as_of BETWEEN ? AND ? GROUP BY account_id), "
        "cur AS (SELECT account_id, max(as_of) AS as_of FROM current_scores "
        "WHERE model_version = ? GROUP BY account_id) "
        "SELECT coalesce(r.account_id, c.account_id) AS account_id, CASE "
        "WHEN r.ran_to IS NULL THEN CASE WHEN c.as_of BETWEEN ? AND ? THEN NULL "
        "ELSE c.as_of END "
        f"WHEN c.as_of > ? THEN c.as_of {between} ELSE r.ran_to END AS as_of "
        "FROM ran r FULL JOIN cur c ON c.account_id = r.account_id "
        f"WHERE r.account_id IS NOT NULL OR {near}",
        [
            version,
            run_id,
            first,
            last,
            version,
            first,
            last,
            last,
            *[d for _ in (0, *TREND_DAYS) for d in (first, last)],
        ],
    )
    lost = _x(con, f"SELECT count(*) FROM {_LATEST} WHERE as_of IS NULL")[0][0]
    if lost:
        _x(
            con,
            f"UPDATE {_LATEST} SET as_of = (SELECT max(h.as_of) FROM score_history h "
            f"WHERE h.model_version = ? AND h.account_id = {_LATEST}.account_id) "
            "WHERE as_of IS NULL",
            [version],
        )
        # an account with no history left under the version has no row any more
        _x(
            con,
            "DELETE FROM current_scores WHERE model_version = ? AND account_id IN "
            f"(SELECT account_id FROM {_LATEST} WHERE as_of IS NULL)",
            [version],
        )
    # The recomputed rows are written where they are, not deleted and inserted again: on
    # DuckDB a row deleted from an indexed table costs about 30 µs at commit (the index
    # entry), which made a run's commit take 3 s at 100,000 accounts and about 40 s at a
    # million, while an update of the columns outside the index costs nothing there, if
    # the update meets the rows in the order they are stored: in another order (the join
    # may stream the new rows and look the old ones up) DuckDB took 2 s for 90,000 rows.
    # So on DuckDB each new row carries the rowid of the row it replaces (null: a new
    # account), sorted by it, and the update joins on that.
    _x(con, f"DROP TABLE IF EXISTS {_NEW}")
    key = " AND ".join(f"c.{k} = n.{k}" for k in _KEY)
    duck = dialect(con) == "duckdb"
    rows = _rows_of_latest(con, version)
    if rows is not None:
        sql, params = rows
        if duck:
            _x(
                con,
                f"CREATE TEMPORARY TABLE {_NEW} AS SELECT n.*, c.rowid AS _rid FROM ({sql}) "
                f"AS n LEFT JOIN current_scores AS c ON {key} ORDER BY c.rowid",
                params,
            )
        else:  # (Postgres takes no parameters in CREATE TABLE AS)
            _x(con, f"CREATE TEMPORARY TABLE {_NEW} AS SELECT * FROM current_scores LIMIT 0")
            _x(con, f"INSERT INTO {_NEW} ({', '.join(COLUMNS)}) {sql}", params)
        sets = ", ".join(f"{v} = n.{v}" for v in _VALUES)
        match = "c.rowid = n._rid" if duck else key
        _x(con, f"UPDATE current_scores AS c SET {sets} FROM {_NEW} AS n WHERE {match}")
        # then the rows of accounts that had none (every other account of _LATEST has
        # history on its date, a row there per score: the update found its rows)
        new = (
            "n._rid IS NULL"
            if duck
            else f"NOT EXISTS (SELECT 1 FROM current_scores AS c WHERE {key})"
        )
        cols = ", ".join(COLUMNS)
        _x(con, f"INSERT INTO current_scores ({cols}) SELECT {cols} FROM {_NEW} AS n WHERE {new}")
        _x(con, f"DROP TABLE {_NEW}")
    _x(con, f"DROP TABLE {_LATEST}")


def refresh_account(con: Connection, version: str, account_id: str) -> None:
    """Recompute the rows of one account under ``version`` from its history (after its
    scores on one date were replaced: stethoscope.rescore)."""
    _x(con, f"DROP TABLE IF EXISTS {_LATEST}")
    _x(
        con,
        f"CREATE TEMPORARY TABLE {_LATEST} AS SELECT account_id, max(as_of) AS as_of "
        "FROM score_history WHERE model_version = ? AND account_id = ? GROUP BY account_id",
        [version, account_id],
    )
    # one account's few rows: deleted and inserted again (see ``refresh`` for a book's)
    _x(
        con,
        f"DELETE FROM {TABLE} WHERE model_version = ? AND account_id = ?",
        [version, account_id],
    )
    _fill(con, version)
    _x(con, f"DROP TABLE {_LATEST}")


def rebuild(con: Connection) -> None:
    """Recompute every row from score_history, under every model version."""
    versions = [r[0] for r in _x(con, "SELECT DISTINCT model_version FROM score_history")]
    _x(con, "DELETE FROM current_scores")
    for version in versions:
        _x(con, f"DROP TABLE IF EXISTS {_LATEST}")
        _x(
            con,
            f"CREATE TEMPORARY TABLE {_LATEST} AS SELECT account_id, max(as_of) AS as_of "
            "FROM score_history WHERE model_version = ? GROUP BY account_id",
            [version],
        )
        _fill(con, version)
        _x(con, f"DROP TABLE {_LATEST}")


def _fill(con: Connection, version: str) -> None:
    """Insert the rows of the accounts in _LATEST: their history on that date, with the
    trends."""
    rows = _rows_of_latest(con, version)
    if rows is not None:
        sql, params = rows
        _x(con, f"INSERT INTO {TABLE} ({', '.join(COLUMNS)}) {sql}", params)


def _rows_of_latest(con: Connection, version: str) -> tuple[str, list[Any]] | None:
    """The SELECT of the rows of the accounts in _LATEST, in the order of COLUMNS, and its
    parameters; None when _LATEST has no date. Each read of score_history is bounded by the
    dates it needs, so that DuckDB skips the row groups of other dates (the history is
    written date by date)."""
    span = _x(con, f"SELECT min(as_of), max(as_of) FROM {_LATEST}")[0]
    if span[0] is None:
        return None
    lo, hi = span
    params: list[Any] = [version, lo, hi]
    for n in TREND_DAYS:
        params += [version, lo - dt.timedelta(days=n), hi - dt.timedelta(days=n)]
    trends = ", ".join(
        f"{_round6(con, f'h.score - p{n}.score')} AS change_{n}d" for n in TREND_DAYS
    )
    joins = " ".join(
        f"LEFT JOIN (SELECT account_id, score_name, as_of, score FROM score_history "
        f"WHERE model_version = ? AND as_of BETWEEN ? AND ?) p{n} "
        f"ON p{n}.account_id = h.account_id AND p{n}.score_name = h.score_name "
        f"AND p{n}.as_of = h.as_of - {_days(con, n)}"
        for n in TREND_DAYS
    )
    sql = (
        "SELECT h.model_version, h.account_id, h.score_name, h.as_of, h.score, h.band, "
        f"h.coverage, h.segment, h.scorecard, {trends} "
        "FROM (SELECT * FROM score_history WHERE model_version = ? AND as_of BETWEEN ? AND ?) h "
        f"JOIN {_LATEST} l ON l.account_id = h.account_id AND l.as_of = h.as_of {joins}"
    )
    return sql, params


def _days(con: Connection, n: int) -> str:
    return f"INTERVAL '{n} days'" if dialect(con) == "postgres" else f"INTERVAL {n} DAY"


def _round6(con: Connection, expr: str) -> str:
    """``expr`` rounded to 6 decimals, a double (Postgres rounds numerics only), as
    readouts rounds the trends of the book."""
    if dialect(con) == "postgres":
        return f"CAST(round(CAST({expr} AS NUMERIC), 6) AS DOUBLE PRECISION)"
    return f"round({expr}, 6)"


def _x(con: Connection, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    return con.execute(sql, params or []).fetchall()

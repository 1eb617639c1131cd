"""Reading scores back: the book as of a date with trends, one account's frame row, and
the difference two model versions make; and the listings the API pages through (accounts,
an account's score history, stored model versions), each with its total. Plain SQL over
the store, parameters bound."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from stethoscope.contract.schema import ACCOUNTS, q
from stethoscope.errors import EngineError
from stethoscope.rows import (
    AccountRow,
    CurrentScore,
    HistoryRow,
    ModelDiff,
    ModelVersionRow,
    Mover,
)
from stethoscope.store.database import dialect
from stethoscope.store.results import detail_table, row_dicts

if TYPE_CHECKING:
    from collections.abc import Iterator

    from stethoscope.model.types import Model
    from stethoscope.store.database import Connection

SORTS = ("score", "name", "arr", "renewal_date", "change_7d", "change_30d", "coverage")
ACCOUNT_SORTS = ("name", "arr", "renewal_date")
TREND_DAYS = (7, 30, 90)


T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a listing, and how many rows the whole listing has."""

    items: list[T]
    total: int


def latest_date(con: Connection, version: str) -> dt.date | None:
    """The latest date with stored scores under ``version``."""
    # the runs say it in a few rows; the history is read only to check that date (one
    # date's rows), or when it has none (e.g. an erasure): a full scan of the history
    ran = con.execute(
        "SELECT max(as_of_to) FROM runs WHERE model_version = ? AND status = 'ok'", [version]
    ).fetchone()
    if ran and ran[0] is not None:
        stored = con.execute(
            "SELECT count(*) FROM (SELECT 1 FROM score_history WHERE as_of = ? "
            "AND model_version = ? LIMIT 1) AS one",
            [ran[0], version],
        ).fetchone()
        if stored and stored[0]:
            later = con.execute(
                "SELECT max(as_of) FROM score_history WHERE as_of > ? AND model_version = ?",
                [ran[0], version],
            ).fetchone()
            day: dt.date = later[0] if later and later[0] is not None else ran[0]
            return day
    row = con.execute(
        "SELECT max(as_of) FROM score_history WHERE model_version = ?", [version]
    ).fetchone()
    return row[0] if row else None


def book(
    con: Connection,
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
    where, params = _book_where(version, score_name, as_of, band, segment, owner)
    order = f"{q(sort)} {'DESC' if descending else 'ASC'} NULLS LAST, account_id"
    sql = (
        f"SELECT * FROM (SELECT h.account_id, a.name, a.owner, a.segment, a.arr, "
        f"a.renewal_date, h.score, h.band, h.coverage, h.segment AS model_segment, "
        f"h.scorecard, {_trends(con)} FROM score_history h JOIN accounts a "
        f"ON a.id = h.account_id WHERE {where}) AS b ORDER BY {order}"
    )
    if limit is not None:
        sql += " LIMIT ? OFFSET ?"
        params += [limit, offset]
    return row_dicts(con, sql, params)


def book_total(
    con: Connection,
    version: str,
    score_name: str,
    as_of: dt.date,
    *,
    band: str | None = None,
    segment: str | None = None,
    owner: str | None = None,
) -> int:
    """How many rows ``book`` has with these filters, without limit and offset."""
    where, params = _book_where(version, score_name, as_of, band, segment, owner)
    row = con.execute(
        f"SELECT count(*) FROM score_history h JOIN accounts a ON a.id = h.account_id "
        f"WHERE {where}",
        params,
    ).fetchone()
    return int(row[0]) if row else 0


def _book_where(
    version: str,
    score_name: str,
    as_of: dt.date,
    band: str | None,
    segment: str | None,
    owner: str | None,
) -> tuple[str, list[Any]]:
    where = ["h.model_version = ?", "h.score_name = ?", "h.as_of = ?"]
    params: list[Any] = [version, score_name, as_of]
    for col, val in (("h.band", band), ("a.segment", segment), ("a.owner", owner)):
        if val is not None:
            where.append(f"{col} = ?")
            params.append(val)
    return " AND ".join(where), params


def _trends(con: Connection, source: str = "score_history") -> str:
    """Columns change_7d, change_30d, change_90d of score_history row ``h``, the earlier
    scores read from ``source`` (score_history, or a part of it named in a WITH)."""
    return ", ".join(
        _round6(
            con,
            f"h.score - (SELECT p.score FROM {source} p WHERE p.model_version = "
            f"h.model_version AND p.score_name = h.score_name AND p.account_id = h.account_id "
            f"AND p.as_of = h.as_of - {_days(con, n)})",
        )
        + f" AS change_{n}d"
        for n in TREND_DAYS
    )


def _days(con: Connection, n: int) -> str:
    return f"INTERVAL '{n} days'" if dialect(con) == "postgres" else f"INTERVAL {n} DAY"


def _round6(con: Connection, expr: str) -> str:
    """``expr`` rounded to 6 decimals, a double (Postgres rounds numerics only)."""
    if dialect(con) == "postgres":
        return f"CAST(round(CAST({expr} AS NUMERIC), 6) AS DOUBLE PRECISION)"
    return f"round({expr}, 6)"


def with_groups(
    con: Connection, model: Model, as_of: dt.date, rows: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """``rows`` of ``book`` with ``groups``: the score of each group under the row's
    scorecard (nested groups too), from the stored frame of ``as_of``."""
    from stethoscope.engine.rollup import group_col

    table = detail_table(model.version)
    stored = {
        r[0]
        for r in con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = ?", [table]
        ).fetchall()
    }
    cols = [g for g in model.groups if group_col(g) in stored]
    values: dict[str, dict[str, Any]] = {}
    if rows and cols:
        for r in row_dicts(
            con,
            f"SELECT account_id, {', '.join(q(group_col(g)) for g in cols)} FROM {q(table)} "
            f"WHERE as_of = ? AND {_in_list(con, 'account_id')}",
            [as_of, [r["account_id"] for r in rows]],
        ):
            values[r["account_id"]] = r
    for r in rows:
        stored_row = values.get(r["account_id"], {})
        r["groups"] = {
            g: stored_row.get(group_col(g)) for g in scorecard_groups(model, r["scorecard"])
        }
    return rows


def _in_list(con: Connection, column: str) -> str:
    """``column`` is one of the values of a list parameter."""
    if dialect(con) == "postgres":
        return f"{column} = ANY(?)"
    return f"list_contains(?, {column})"


def scorecard_groups(model: Model, scorecard: str | None) -> list[str]:
    """The groups a scorecard holds, nested ones too, in the order they are written."""
    out: list[str] = []
    if scorecard is None or scorecard not in model.scorecards:
        return out

    def walk(name: str) -> None:
        if name not in out:
            out.append(name)
            for i in model.groups[name].items:
                if i.kind == "group":
                    walk(i.name)

    for item in model.scorecards[scorecard].items:
        if item.kind == "group":
            walk(item.name)
    return out


def frame_row(
    con: Connection, version: str, account_id: str, as_of: dt.date
) -> dict[str, Any] | None:
    """The stored frame row of an account as of a date under a model version."""
    table = detail_table(version)
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [table]
    ).fetchone()
    if not exists or not exists[0]:
        return None
    rows = row_dicts(
        con,
        f"SELECT d.*, a.name FROM {q(table)} d LEFT JOIN accounts a ON a.id = d.account_id "
        "WHERE d.account_id = ? AND d.as_of = ?",
        [account_id, as_of],
    )
    return rows[0] if rows else None


def frame_rows(
    con: Connection, version: str, account_ids: list[str], dates: list[dt.date]
) -> dict[tuple[str, dt.date], dict[str, Any]]:
    """The stored frame rows of some accounts on some dates under a model version, by
    (account, date), in one read (``frame_row`` for each costs a scan of a date each)."""
    table = detail_table(version)
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [table]
    ).fetchone()
    if not account_ids or not dates or not exists or not exists[0]:
        return {}
    ids = ", ".join("?" for _ in account_ids)
    days = ", ".join("?" for _ in dates)
    rows = row_dicts(
        con,
        f"SELECT d.*, a.name FROM {q(table)} d LEFT JOIN accounts a ON a.id = d.account_id "
        f"WHERE d.as_of IN ({days}) AND d.account_id IN ({ids})",
        [*dates, *account_ids],
    )
    return {(r["account_id"], r["as_of"]): r for r in rows}


def diff_frames(
    con: Connection,
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
        f"a.name, o.{q('score__' + s)} AS score_old, "
        f"n.{q('score__' + s)} AS score_new, coalesce(o.{q('band__' + s)}, 'unknown') "
        f"AS band_old, coalesce(n.{q('band__' + s)}, 'unknown') AS band_new "
        f"FROM {q(old)} o FULL JOIN {q(new)} n USING (account_id) "
        f"LEFT JOIN accounts a ON a.id = account_id"
    )
    transitions: dict[str, dict[str, int]] = {}
    total = changed = 0
    for bo, bn, n in con.execute(
        f"SELECT band_old, band_new, count(*) FROM ({base}) AS d GROUP BY 1, 2 ORDER BY 1, 2"
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
        Mover.model_validate(r)
        for r in row_dicts(
            con,
            f"SELECT *, {_round6(con, 'score_new - score_old')} AS change "
            f"FROM ({base}) AS d ORDER BY abs(score_new - score_old) DESC "
            f"NULLS LAST, account_id LIMIT ?",
            [top],
        )
    ]
    return ModelDiff(
        as_of=as_of,
        score_name=s,
        version_old=version_old,
        version_new=version_new,
        accounts=total,
        transitions=transitions,
        changed_band=changed,
        movers=movers,
        into_band={k: v for k, v in sorted(into.items()) if v},
    )


def account_conditions(
    *, segment: str | None, owner: str | None, search: str | None
) -> tuple[list[str], list[Any]]:
    """Conditions on the accounts table, with their parameters: its segment and owner, and
    ``search``, text found, whatever its case, in the name or the id."""
    where: list[str] = []
    params: list[Any] = []
    for col, val in (("segment", segment), ("owner", owner)):
        if val is not None:
            where.append(f"{col} = ?")
            params.append(val)
    if search:
        where.append("(strpos(lower(name), lower(?)) > 0 OR strpos(lower(id), lower(?)) > 0)")
        params += [search, search]
    return where, params


def accounts(
    con: Connection,
    *,
    segment: str | None = None,
    owner: str | None = None,
    search: str | None = None,
    sort: str = "name",
    descending: bool = False,
    limit: int = 50,
    offset: int = 0,
) -> Page[AccountRow]:
    """Accounts, filtered by segment and owner and by ``search``: text found, whatever
    its case, in the name or the id."""
    if sort not in ACCOUNT_SORTS:
        raise EngineError(
            f"cannot sort accounts by '{sort}'", hint=f"sort by one of {', '.join(ACCOUNT_SORTS)}"
        )
    where, params = account_conditions(segment=segment, owner=owner, search=search)
    cond = " AND ".join(["TRUE", *where])
    total = con.execute(f"SELECT count(*) FROM accounts WHERE {cond}", params).fetchone()
    order = f"{q(sort)} {'DESC' if descending else 'ASC'} NULLS LAST, id"
    rows = row_dicts(
        con,
        f"SELECT {_ACCOUNT_COLUMNS} FROM accounts WHERE {cond} ORDER BY {order} LIMIT ? OFFSET ?",
        [*params, limit, offset],
    )
    return Page([_account(r) for r in rows], int(total[0]) if total else 0)


_ACCOUNT_COLUMNS = ", ".join(q(c) for c in ACCOUNTS.names)


def account(con: Connection, account_id: str) -> AccountRow | None:
    rows = row_dicts(con, f"SELECT {_ACCOUNT_COLUMNS} FROM accounts WHERE id = ?", [account_id])
    return _account(rows[0]) if rows else None


def _account(row: dict[str, Any]) -> AccountRow:
    # JSON comes back from DuckDB as its text
    if isinstance(row.get("attributes"), str):
        row["attributes"] = json.loads(row["attributes"])
    return AccountRow.model_validate(row)


def current_scores(con: Connection, version: str, account_id: str) -> list[CurrentScore]:
    """Each score of an account on the latest date it was scored under ``version``, with
    its change over 7, 30 and 90 days: kept by every run (store.current), looked up."""
    from stethoscope.store import current

    return [CurrentScore.model_validate(r) for r in current.of_account(con, version, account_id)]


def accounts_now(
    con: Connection, version: str, *, chunk: int = 10_000
) -> Iterator[tuple[AccountRow, list[CurrentScore]]]:
    """Every account (as ``account``) with its current scores under ``version`` (as
    ``current_scores``), by id: one query, read ``chunk`` rows at a time."""
    from stethoscope.store import current

    names = ACCOUNTS.names
    scores = [c for c in current.COLUMNS if c not in ("model_version", "account_id")]
    cur = con.execute(
        f"SELECT {', '.join('a.' + q(c) for c in names)}, "
        f"{', '.join('s.' + q(c) for c in scores)} FROM accounts a "
        "LEFT JOIN current_scores s ON s.account_id = a.id AND s.model_version = ? "
        "ORDER BY a.id, s.score_name",
        [version],
    )
    width = len(names)
    last: tuple[AccountRow, list[CurrentScore]] | None = None
    while rows := cur.fetchmany(chunk):
        for row in rows:
            if last is None or last[0].id != row[0]:
                if last is not None:
                    yield last
                last = (_account(dict(zip(names, row[:width], strict=True))), [])
            if row[width] is not None:  # the score's name: null without scores
                last[1].append(
                    CurrentScore.model_validate(dict(zip(scores, row[width:], strict=True)))
                )
    if last is not None:
        yield last


def history(
    con: Connection,
    account_id: str,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    score_name: str | None = None,
    version: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> Page[HistoryRow]:
    """An account's stored scores from ``start`` to ``end`` (both included), by date,
    then score name and model version."""
    where: list[str] = ["account_id = ?"]
    params: list[Any] = [account_id]
    for cond, val in (
        ("as_of >= ?", start),
        ("as_of <= ?", end),
        ("score_name = ?", score_name),
        ("model_version = ?", version),
    ):
        if val is not None:
            where.append(cond)
            params.append(val)
    cond = " AND ".join(where)
    total = con.execute(f"SELECT count(*) FROM score_history WHERE {cond}", params).fetchone()
    rows = row_dicts(
        con,
        f"SELECT as_of, score_name, model_version, score, band, coverage, segment, scorecard, "
        f"run_id FROM score_history WHERE {cond} ORDER BY as_of, score_name, model_version "
        f"LIMIT ? OFFSET ?",
        [*params, limit, offset],
    )
    return Page([HistoryRow.model_validate(r) for r in rows], int(total[0]) if total else 0)


def model_versions(con: Connection, *, limit: int = 50, offset: int = 0) -> Page[ModelVersionRow]:
    """Stored model versions, newest first, with the span of dates their successful runs
    scored (from the runs: far fewer rows than the history)."""
    total = con.execute("SELECT count(*) FROM model_versions").fetchone()
    rows = row_dicts(
        con,
        "SELECT v.version, v.name, v.created_at, min(r.as_of_from) AS scored_from, "
        "max(r.as_of_to) AS scored_to FROM model_versions v LEFT JOIN runs r "
        "ON r.model_version = v.version AND r.status = 'ok' GROUP BY v.version, v.name, "
        "v.created_at "
        "ORDER BY v.created_at DESC, v.version LIMIT ? OFFSET ?",
        [limit, offset],
    )
    return Page([ModelVersionRow.model_validate(r) for r in rows], int(total[0]) if total else 0)


def stored_model_source(con: Connection, version: str) -> list[tuple[str, str]]:
    """(version, text) of the stored model versions starting with ``version``."""
    return [
        (r[0], r[1])
        for r in con.execute(
            "SELECT version, source FROM model_versions WHERE starts_with(version, ?) "
            "ORDER BY version LIMIT 2",
            [version],
        ).fetchall()
    ]

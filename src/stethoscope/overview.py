"""The scored book seen from above, for the dashboard: set-based read-outs that answer with
a few rows however large the book is.

- ``aggregates``: accounts and ARR per band (with the renewals due in a span), per segment
  and band, per owner and band, in one pass;
- ``band_history``: accounts per band on chosen dates (the stacked chart);
- ``drops``: the accounts whose score fell most since a date;
- ``renewals_due``: the soonest renewals;
- ``book_page``: one filtered, searched, sorted page of the book, and its total;
- ``measure_coverage``: how many scored accounts each measure could grade;
- ``activity``: an account's recent usage per week and its tickets, survey answers and
  conversations.

Every query filters, groups and limits in the store (DuckDB or Postgres); parameters are
bound, identifiers quoted with ``q``.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from stethoscope.contract.schema import q
from stethoscope.errors import EngineError
from stethoscope.readouts import SORTS, TREND_DAYS, _round6, account_conditions
from stethoscope.rows import BookRow
from stethoscope.store.results import detail_table, row_dicts

if TYPE_CHECKING:
    from stethoscope.model.types import Model
    from stethoscope.store.database import Connection

_SCORED = "h.model_version = ? AND h.score_name = ? AND h.as_of = ?"
_FROM = "score_history h JOIN accounts a ON a.id = h.account_id"


def _filters(
    owner: str | None = None,
    band: str | None = None,
    segment: str | None = None,
    search: str | None = None,
) -> tuple[str, list[Any]]:
    """Conditions on score_history row ``h``. Those on the account (owner, segment, text in
    its name or id) pick the accounts first (a semi-join on the accounts table): the
    history is then read for those accounts only, and needs no join to be filtered."""
    where: list[str] = []
    params: list[Any] = []
    if band is not None:
        where.append("h.band = ?")
        params.append(band)
    picks, picked = account_conditions(segment=segment, owner=owner, search=search)
    params += picked
    if picks:
        where.append(f"h.account_id IN (SELECT id FROM accounts WHERE {' AND '.join(picks)})")
    return "".join(f" AND {w}" for w in where), params


def aggregates(
    con: Connection,
    version: str,
    score_name: str,
    as_of: dt.date,
    *,
    renew_until: dt.date,
    owner: str | None = None,
) -> dict[str, list[dict[str, Any]]]:
    """In one pass over the scored book: per band (None: no band) the accounts and ARR, and
    those renewing after ``as_of`` up to ``renew_until`` (``bands``); and (key, band,
    accounts, arr) for each segment (``segments``) and each owner (``owners``)."""
    extra, params = _filters(owner=owner)
    renewing = "CASE WHEN a.renewal_date > ? AND a.renewal_date <= ?"
    rows = row_dicts(
        con,
        f"SELECT h.band, a.segment, a.owner, GROUPING(a.segment) AS by_segment, "
        f"GROUPING(a.owner) AS by_owner, count(*) AS accounts, "
        f"coalesce(sum(a.arr), 0) AS arr, sum({renewing} THEN 1 ELSE 0 END) AS renewing, "
        f"coalesce(sum({renewing} THEN a.arr END), 0) AS renewing_arr "
        f"FROM {_FROM} WHERE {_SCORED}{extra} "
        "GROUP BY GROUPING SETS ((h.band), (h.band, a.segment), (h.band, a.owner))",
        [as_of, renew_until, as_of, renew_until, version, score_name, as_of, *params],
    )
    out: dict[str, list[dict[str, Any]]] = {"bands": [], "segments": [], "owners": []}
    for r in rows:
        # GROUPING(x) is 0 where the row is grouped by x
        if r["by_segment"] == 0:
            out["segments"].append({"key": r["segment"], **_counts(r)})
        elif r["by_owner"] == 0:
            out["owners"].append({"key": r["owner"], **_counts(r)})
        else:
            out["bands"].append(_counts(r) | {k: r[k] for k in ("renewing", "renewing_arr")})
    return out


def _counts(r: dict[str, Any]) -> dict[str, Any]:
    return {"band": r["band"], "accounts": int(r["accounts"]), "arr": r["arr"]}


def band_history(
    con: Connection,
    version: str,
    score_name: str,
    days: list[dt.date],
    *,
    owner: str | None = None,
) -> list[dict[str, Any]]:
    """Accounts per band on each of ``days`` a run scored (only ``owner``'s accounts when
    given). A few chosen dates, not a span: the store reads only their rows."""
    extra, params = _filters(owner=owner)
    marks = ", ".join("?" for _ in days)
    return row_dicts(
        con,
        f"SELECT h.as_of, h.band, count(*) AS accounts FROM score_history h "
        f"WHERE h.model_version = ? AND h.score_name = ? AND h.as_of IN ({marks}){extra} "
        "GROUP BY h.as_of, h.band ORDER BY h.as_of, h.band",
        [version, score_name, *days, *params],
    )


_BRIEF = "h.account_id, a.name, a.owner, a.segment, a.arr, a.renewal_date, h.score, h.band"


def drops(
    con: Connection,
    version: str,
    score_name: str,
    as_of: dt.date,
    since: dt.date,
    *,
    limit: int,
    owner: str | None = None,
) -> list[dict[str, Any]]:
    """The accounts whose score fell most from ``since`` to ``as_of``, largest first: the
    two dates' scores side by side in one pass, the accounts table read for the few
    listed only. A drop that came with a change of scorecard or segment (an account leaving
    onboarding, say) is the model's doing, not the customer's: it says so in ``moved``
    (e.g. "scorecard onboarding → standard") and is listed after the customers' own drops."""
    mine, params = _filters(owner=owner)
    change = _round6(con, "w.now - w.before")
    pivot = [as_of, since, as_of, as_of, since, as_of, since]
    return row_dicts(
        con,
        "WITH two AS (SELECT account_id, max(CASE WHEN as_of = ? THEN score END) AS now, "
        "max(CASE WHEN as_of = ? THEN score END) AS before, "
        "max(CASE WHEN as_of = ? THEN band END) AS band, "
        "max(CASE WHEN as_of = ? THEN scorecard END) AS card, "
        "max(CASE WHEN as_of = ? THEN scorecard END) AS card_before, "
        "max(CASE WHEN as_of = ? THEN segment END) AS seg, "
        "max(CASE WHEN as_of = ? THEN segment END) AS seg_before FROM score_history h "
        f"WHERE model_version = ? AND score_name = ? AND as_of IN (?, ?){mine} "
        "GROUP BY account_id), "
        "marked AS (SELECT *, CASE "
        "WHEN card IS DISTINCT FROM card_before THEN 'scorecard ' || "
        "COALESCE(card_before, '-') || ' → ' || COALESCE(card, '-') "
        "WHEN seg IS DISTINCT FROM seg_before THEN 'segment ' || "
        "COALESCE(seg_before, '-') || ' → ' || COALESCE(seg, '-') END AS moved FROM two), "
        "worst AS (SELECT * FROM marked WHERE now < before "
        "ORDER BY moved IS NOT NULL, now - before, account_id LIMIT ?) "
        "SELECT w.account_id, a.name, a.owner, a.segment, a.arr, a.renewal_date, "
        f"w.now AS score, w.band, w.before AS score_before, {change} AS change, w.moved "
        "FROM worst w JOIN accounts a ON a.id = w.account_id "
        "ORDER BY w.moved IS NOT NULL, w.now - w.before, w.account_id",
        [*pivot, version, score_name, as_of, since, *params, limit],
    )


def renewals_due(
    con: Connection,
    version: str,
    score_name: str,
    as_of: dt.date,
    until: dt.date,
    *,
    limit: int,
    owner: str | None = None,
) -> list[dict[str, Any]]:
    """The scored accounts renewing after ``as_of`` up to ``until``, soonest first."""
    extra, params = _filters(owner=owner)
    return row_dicts(
        con,
        f"SELECT {_BRIEF} FROM {_FROM} WHERE {_SCORED} AND a.renewal_date > ? "
        f"AND a.renewal_date <= ?{extra} ORDER BY a.renewal_date, h.account_id LIMIT ?",
        [version, score_name, as_of, as_of, until, *params, limit],
    )


def book_page(
    con: Connection,
    version: str,
    score_name: str,
    as_of: dt.date,
    *,
    band: str | None = None,
    segment: str | None = None,
    owner: str | None = None,
    search: str | None = None,
    sort: str = "score",
    descending: bool = False,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[BookRow], int]:
    """One page of the scored book, filtered and searched, and how many rows match.

    The trends are computed for the page's rows only, unless the sort needs them all."""
    if sort not in SORTS:
        raise EngineError(f"cannot sort by '{sort}'", hint=f"sort by one of {', '.join(SORTS)}")
    extra, params = _filters(owner=owner, band=band, segment=segment, search=search)
    scored = [version, score_name, as_of]
    # filters pick accounts by a semi-join: the accounts table is joined for the page's
    # rows only, unless the sort is one of its columns
    source = "score_history h"
    total = con.execute(
        f"SELECT count(*) FROM {source} WHERE {_SCORED}{extra}", [*scored, *params]
    ).fetchone()
    columns = (
        "h.account_id, a.name, a.owner, a.segment, a.arr, a.renewal_date, h.score, h.band, "
        "h.coverage, h.segment AS model_segment, h.scorecard"
    )
    direction = "DESC" if descending else "ASC"
    trends, joins, trend_params = _trend_joins(con, version, score_name, as_of)
    if sort.startswith("change_"):
        # sorted by a trend: every matching row needs it before the page is cut
        sql = (
            f"SELECT * FROM (SELECT {columns}, {trends} FROM {_FROM} {joins} "
            f"WHERE {_SCORED}{extra}) AS b ORDER BY {q(sort)} {direction} NULLS LAST, "
            "account_id LIMIT ? OFFSET ?"
        )
        all_params = [*trend_params, *scored, *params, limit, offset]
    else:
        key = {"name": "a.name", "arr": "a.arr", "renewal_date": "a.renewal_date"}.get(
            sort, f"h.{sort}"
        )
        # the page first, then the trends of its rows only
        if key.startswith("h."):
            page = (
                f"SELECT {columns} FROM (SELECT * FROM score_history h WHERE {_SCORED}{extra} "
                f"ORDER BY {key} {direction} NULLS LAST, h.account_id LIMIT ? OFFSET ?) AS h "
                "JOIN accounts a ON a.id = h.account_id"
            )
        else:
            page = (
                f"SELECT {columns} FROM {_FROM} WHERE {_SCORED}{extra} "
                f"ORDER BY {key} {direction} NULLS LAST, h.account_id LIMIT ? OFFSET ?"
            )
        names = (
            "h.account_id, h.name, h.owner, h.segment, h.arr, h.renewal_date, h.score, "
            "h.band, h.coverage, h.model_segment, h.scorecard"
        )
        sql = (
            f"SELECT {names}, {trends} FROM ({page}) AS h {joins} "
            f"ORDER BY {q(sort)} {direction} NULLS LAST, h.account_id"
        )
        all_params = [*scored, *params, limit, offset, *trend_params]
    rows = [BookRow.model_validate(r) for r in row_dicts(con, sql, all_params)]
    return rows, int(total[0]) if total else 0


def _trend_joins(
    con: Connection, version: str, score_name: str, as_of: dt.date
) -> tuple[str, str, list[Any]]:
    """Columns change_7d, change_30d, change_90d of row ``h`` and the joins they need:
    the earlier scores looked up on fixed dates, so the store reads only those dates."""
    columns, joins, params = [], [], []
    for n in TREND_DAYS:
        p = f"p{n}"
        columns.append(_round6(con, f"h.score - {p}.score") + f" AS change_{n}d")
        joins.append(
            f"LEFT JOIN score_history {p} ON {p}.model_version = ? AND {p}.score_name = ? "
            f"AND {p}.as_of = ? AND {p}.account_id = h.account_id"
        )
        params += [version, score_name, as_of - dt.timedelta(days=n)]
    return ", ".join(columns), " ".join(joins), params


def measure_coverage(
    con: Connection, model: Model, score_name: str, as_of: dt.date
) -> dict[str, Any]:
    """For each measure, how many of the accounts scored on ``as_of`` it applies to (their
    scorecard holds it) and how many of those it could grade (their data gave it a grade);
    and the accounts by how much of their scorecard's weight had data (seed 000: how many
    accounts can be placed with confidence)."""
    from stethoscope.engine.rollup import grade_col
    from stethoscope.readouts import scorecard_groups

    table = detail_table(model.version)
    stored = {
        r[0]
        for r in con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = ?", [table]
        ).fetchall()
    }
    card = f"scorecard__{score_name}"
    measures = [m for m in model.measures.values() if grade_col(m.name) in stored]
    per_card: list[dict[str, Any]] = []
    if measures and card in stored:
        parts = [f"{q(card)} AS scorecard", "count(*) AS accounts"]
        parts += [f"count({q(grade_col(m.name))}) AS {q('g_' + m.name)}" for m in measures]
        per_card = row_dicts(
            con,
            f"SELECT {', '.join(parts)} FROM {q(table)} WHERE as_of = ? "
            f"AND {q('score__' + score_name)} IS NOT NULL GROUP BY {q(card)}",
            [as_of],
        )

    def holds(scorecard: str | None) -> set[str]:
        if scorecard not in model.scorecards:
            return set()
        names = {i.name for i in model.scorecards[scorecard].items if i.kind == "measure"}
        for g in scorecard_groups(model, scorecard):
            names |= {i.name for i in model.groups[g].items if i.kind == "measure"}
        return names

    held = {r["scorecard"]: holds(r["scorecard"]) for r in per_card}
    rows = []
    for m in measures:
        cards = [r for r in per_card if m.name in held[r["scorecard"]]]
        rows.append(
            {
                "measure": m.name,
                "metric": m.metric,
                "scorecards": sorted(str(r["scorecard"]) for r in cards),
                "applies": sum(int(r["accounts"]) for r in cards),
                "graded": sum(int(r["g_" + m.name] or 0) for r in cards),
            }
        )
    bands = row_dicts(
        con,
        "SELECT count(*) AS accounts, "
        "sum(CASE WHEN h.coverage >= 0.999999 THEN 1 ELSE 0 END) AS full_coverage, "
        "sum(CASE WHEN h.coverage >= 0.75 AND h.coverage < 0.999999 THEN 1 ELSE 0 END) "
        "AS most, "
        "sum(CASE WHEN h.coverage >= 0.5 AND h.coverage < 0.75 THEN 1 ELSE 0 END) AS half, "
        "sum(CASE WHEN h.coverage < 0.5 OR h.coverage IS NULL THEN 1 ELSE 0 END) AS little "
        f"FROM score_history h WHERE {_SCORED}",
        [model.version, score_name, as_of],
    )
    confidence = {k: int(v or 0) for k, v in (bands[0] if bands else {}).items()}
    return {"as_of": as_of, "measures": rows, "confidence": confidence}


def activity(
    con: Connection, account_id: str, start: dt.date, end: dt.date, *, limit: int = 30
) -> dict[str, Any]:
    """An account's activity from ``start`` to ``end`` (both included): product usage per
    week (events and active users), and its tickets, survey answers and conversations,
    newest first (at most ``limit``)."""
    until = end + dt.timedelta(days=1)
    week = "CAST(date_trunc('week', \"timestamp\") AS DATE)"
    usage = row_dicts(
        con,
        f"SELECT {week} AS week, count(*) AS events, count(DISTINCT user_id) AS users "
        'FROM events WHERE account_id = ? AND "timestamp" >= ? AND "timestamp" < ? '
        "GROUP BY 1 ORDER BY 1",
        [account_id, start, until],
    )
    items = row_dicts(
        con,
        "SELECT * FROM ("
        "SELECT opened_at AS happened_at, 'ticket' AS kind, "
        "concat_ws(', ', priority, status) AS what, NULL AS detail FROM tickets "
        "WHERE account_id = ? AND opened_at >= ? AND opened_at < ? "
        "UNION ALL SELECT responded_at, 'survey', "
        "concat(upper(kind), ' ', CAST(CAST(score AS INTEGER) AS VARCHAR)), comment "
        "FROM surveys WHERE account_id = ? AND responded_at >= ? AND responded_at < ? "
        "UNION ALL SELECT occurred_at, 'conversation', concat_ws(' with ', kind, persona), "
        "note FROM touchpoints WHERE account_id = ? AND occurred_at >= ? AND occurred_at < ?"
        ") AS t ORDER BY happened_at DESC, kind LIMIT ?",
        [account_id, start, until] * 3 + [limit],
    )
    return {"from": start, "to": end, "usage": usage, "items": items}


def account_rows(
    con: Connection, account_id: str, start: dt.date, end: dt.date
) -> list[dict[str, Any]]:
    """Every stored score of an account from ``start`` to ``end``, under every model
    version, by date: one read of the history. Nothing indexes it by account (an index on
    score_history's account ids cost a re-run of a stored date 1.8 to 3 times the processor
    time), so the read scans it: the dates bound the scan, each date's rows being stored
    together (on the 100k book, 30 days: 47 ms of processor time, 14 of them: 26 ms)."""
    return row_dicts(
        con,
        "SELECT as_of, score_name, model_version, score, band, coverage, segment, scorecard "
        "FROM score_history WHERE account_id = ? AND as_of >= ? AND as_of <= ? "
        "ORDER BY as_of, score_name, model_version",
        [account_id, start, end],
    )


def account_audit(con: Connection, account_id: str, *, limit: int = 20) -> list[dict[str, Any]]:
    """The audit log's entries about an account (its CSM inputs added and revoked),
    newest first."""
    import json

    rows = row_dicts(
        con,
        'SELECT id, "at", actor, action, target, CAST(detail AS VARCHAR) AS detail '
        "FROM audit_log WHERE target = ? OR detail->>'account_id' = ? "
        "ORDER BY id DESC LIMIT ?",
        [account_id, account_id, limit],
    )
    for r in rows:
        r["detail"] = json.loads(r["detail"]) if r["detail"] else {}
    return rows

"""The VP's week, read from the store: ARR at risk and red renewals on each of a few
weekly dates, by segment and by owner; gross and net revenue retention from outcomes.

Each is one set-based query answering a few rows per group, however large the book. What
an account's ARR, segment, owner and renewal date are is what the accounts table says now
(the book's history keeps scores, not those), so a past week's figures are today's
accounts with that week's bands.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from stethoscope.readouts import account_conditions
from stethoscope.store.results import row_dicts

if TYPE_CHECKING:
    from stethoscope.store.database import Connection

# a renewal is near when it falls within this many days after the week's date
RENEWAL_DAYS = 90
# what retention reads: the outcomes of this many days before the date
RETENTION_DAYS = 365


def _owner(owner: str | None, column: str) -> tuple[str, list[Any]]:
    picks, params = account_conditions(segment=None, owner=owner, search=None)
    if not picks:
        return "", []
    return f" AND {column} IN (SELECT id FROM accounts WHERE {' AND '.join(picks)})", params


def risk_weeks(
    con: Connection,
    version: str,
    score_name: str,
    days: list[dt.date],
    worst: str,
    *,
    owner: str | None = None,
) -> list[dict[str, Any]]:
    """On each of ``days``: the ARR and accounts in the ``worst`` band, and those of them
    renewing within RENEWAL_DAYS after the day (red renewals), for the whole book
    (``by`` None), per segment (``by`` "segment") and per owner (``by`` "owner")."""
    if not days:
        return []
    mine, params = _owner(owner, "h.account_id")
    marks = ", ".join("?" for _ in days)
    red = "h.band = ?"
    near = f"a.renewal_date > h.as_of AND a.renewal_date <= h.as_of + {RENEWAL_DAYS}"
    rows = row_dicts(
        con,
        "SELECT h.as_of, a.segment, a.owner, GROUPING(a.segment) AS by_segment, "
        "GROUPING(a.owner) AS by_owner, "
        f"coalesce(sum(CASE WHEN {red} THEN a.arr END), 0) AS at_risk, "
        f"sum(CASE WHEN {red} THEN 1 ELSE 0 END) AS at_risk_accounts, "
        f"sum(CASE WHEN {red} AND {near} THEN 1 ELSE 0 END) AS red_renewals, "
        f"coalesce(sum(CASE WHEN {red} AND {near} THEN a.arr END), 0) AS red_renewal_arr "
        "FROM score_history h JOIN accounts a ON a.id = h.account_id "
        f"WHERE h.model_version = ? AND h.score_name = ? AND h.as_of IN ({marks}){mine} "
        "GROUP BY GROUPING SETS ((h.as_of), (h.as_of, a.segment), (h.as_of, a.owner)) "
        "ORDER BY h.as_of",
        [worst, worst, worst, worst, version, score_name, *days, *params],
    )
    out = []
    for r in rows:
        by = "segment" if r["by_segment"] == 0 else "owner" if r["by_owner"] == 0 else None
        out.append(
            {
                "as_of": r["as_of"],
                "by": by,
                "key": r[by] if by else None,
                "at_risk": round(float(r["at_risk"]), 2),
                "at_risk_accounts": int(r["at_risk_accounts"]),
                "red_renewals": int(r["red_renewals"]),
                "red_renewal_arr": round(float(r["red_renewal_arr"]), 2),
            }
        )
    return out


def retention(
    con: Connection, end: dt.date, *, days: int = RETENTION_DAYS, owner: str | None = None
) -> list[dict[str, Any]]:
    """Gross and net revenue retention over the ``days`` up to ``end``, from outcomes: of
    the accounts that were customers at the start (started by then, not churned), the ARR
    they had then (their ARR now, before the period's expansions and after its churn and
    contractions put back), what churn and contraction took from it, and what expansion
    added. GRR = (start - churned - contracted) / start; NRR adds the expansion. For the
    whole book (``by`` None), per segment and per owner."""
    start = end - dt.timedelta(days=days)
    mine, params = _owner(owner, "a.id")
    rows = row_dicts(
        con,
        "WITH cohort AS (SELECT a.id, a.arr, a.segment, a.owner FROM accounts a "
        f"WHERE a.customer_since <= ?{mine} AND NOT EXISTS (SELECT 1 FROM outcomes o "
        "WHERE o.account_id = a.id AND o.kind = 'churned' AND o.date <= ? "
        "AND o.date >= a.customer_since)), "
        "moved AS (SELECT c.id, c.segment, c.owner, c.arr, "
        "max(CASE WHEN o.kind = 'churned' THEN 1 ELSE 0 END) AS churned, "
        "coalesce(sum(CASE WHEN o.kind = 'churned' THEN coalesce(-o.arr_change, c.arr) END), "
        "0) AS churn_lost, "
        "coalesce(sum(CASE WHEN o.kind = 'contracted' THEN -o.arr_change END), 0) AS contracted, "
        "coalesce(sum(CASE WHEN o.kind = 'expanded' THEN o.arr_change END), 0) AS expanded "
        "FROM cohort c LEFT JOIN outcomes o ON o.account_id = c.id AND o.date > ? "
        "AND o.date <= ? GROUP BY c.id, c.segment, c.owner, c.arr), "
        "arr AS (SELECT segment, owner, churned, churn_lost, contracted, expanded, "
        "CASE WHEN churned = 1 THEN churn_lost ELSE coalesce(arr, 0) END "
        "+ contracted - expanded AS start_arr FROM moved) "
        "SELECT segment, owner, GROUPING(segment) AS by_segment, GROUPING(owner) AS by_owner, "
        "count(*) AS accounts, sum(churned) AS churned_accounts, sum(start_arr) AS start_arr, "
        "sum(churn_lost) AS churned, sum(contracted) AS contracted, "
        "sum(expanded) AS expanded FROM arr GROUP BY GROUPING SETS ((), (segment), (owner))",
        [start, *params, start, start, end],
    )
    out = []
    for r in rows:
        by = "segment" if r["by_segment"] == 0 else "owner" if r["by_owner"] == 0 else None
        begin = float(r["start_arr"] or 0)
        churned, contracted = float(r["churned"] or 0), float(r["contracted"] or 0)
        expanded = float(r["expanded"] or 0)
        kept = begin - churned - contracted
        out.append(
            {
                "by": by,
                "key": r[by] if by else None,
                "from": start,
                "to": end,
                "accounts": int(r["accounts"]),
                "churned_accounts": int(r["churned_accounts"] or 0),
                "start_arr": round(begin, 2),
                "churned_arr": round(churned, 2),
                "contracted_arr": round(contracted, 2),
                "expanded_arr": round(expanded, 2),
                "grr": kept / begin if begin > 0 else None,
                "nrr": (kept + expanded) / begin if begin > 0 else None,
            }
        )
    return sorted(out, key=lambda r: (r["by"] or "", -r["start_arr"], str(r["key"])))

"""Observations anchored per account: each account at each of its term ends, minus a lead.

A renewal-based churn study does not observe every account on the same calendar dates: it
observes each account shortly before each of its renewals, when the decision to stay or
leave is made. The term ends of an account come from its subscription lines, as set-based
SQL over the store:

- a line with an ``end_date``: its end date (the line's last day, as the contract says);
- a line with ``term_months``: the last day of each of its terms, the day before
  ``start_date + k * term_months`` months for k = 1, 2, ... (counted from the start each
  time, the day of the month clamped to the month's end, so month ends never drift: a
  monthly line started on November 1 ends terms on Nov 30, Dec 31, Jan 31, Feb 28, ...),
  up to its end date when it has one (earlier terms of a line that later ended are
  renewals too). This is the term end engine/contract.py reads as of a date;
- an account with no line stating a term (no end_date, no term_months on any line): its
  ``accounts.renewal_date`` and the same day every year before and after it (the table
  holds the current renewal date only, so earlier renewals are taken to be yearly).

An observation date is a term end minus ``lead`` days, kept when it falls from ``start`` to
``end``. The pairs (account, date) go to a temporary table; the scoring (observations.py)
scores each distinct date once for the whole book, as a calendar date would be, and keeps
the anchored accounts of that date only.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from stethoscope.contract.schema import q
from stethoscope.store.database import dialect

if TYPE_CHECKING:
    from stethoscope.store.database import Connection

ANCHORS = "_bt_anchors"


def _plus_months(con: Connection, day: str, months: str) -> str:
    """SQL of the date ``day`` moved by ``months`` calendar months (both engines clamp to
    the month's end and count from ``day`` itself, so terms never drift)."""
    if dialect(con) == "postgres":
        return f"CAST({day} + make_interval(months => CAST({months} AS INTEGER)) AS DATE)"
    return f"CAST({day} + to_months(CAST({months} AS INTEGER)) AS DATE)"


def _months_between(a: dt.date, b: dt.date) -> int:
    return (b.year - a.year) * 12 + b.month - a.month


def renewal_pairs(
    con: Connection, *, start: dt.date, end: dt.date, lead: int, table: str = ANCHORS
) -> list[dt.date]:
    """Make the temporary table ``table`` (account_id, as_of): every account at each of
    its term ends minus ``lead`` days (module doc), for the dates from ``start`` to
    ``end``, when the account is a customer then (started, not churned: the accounts a
    run of that date scores), so that no date is scored for nobody; return the distinct
    dates, in order."""
    lo, hi = start + dt.timedelta(days=lead), end + dt.timedelta(days=lead)
    first_line = con.execute("SELECT min(start_date) FROM subscriptions").fetchall()[0][0]
    renew_lo, renew_hi = con.execute(
        "SELECT min(renewal_date), max(renewal_date) FROM accounts"
    ).fetchall()[0]
    # how many terms a line can have until the last term end wanted (a term is a month or
    # more), and how many years the renewal dates are from the span
    terms = max(1, _months_between(first_line, hi) + 1) if first_line else 1
    years = 1
    if renew_lo and renew_hi:
        years = max(abs(renew_hi.year - lo.year), abs(hi.year - renew_lo.year)) + 1
    # the last day of term k (end dates are last days too, inclusive)
    line_term = f"CAST({_plus_months(con, 's.start_date', 'k.k * s.term_months')} - 1 AS DATE)"
    renewal = _plus_months(con, "a.renewal_date", "12 * y.k")
    sql = f"""
        WITH line_ends AS (
            SELECT s.account_id, {line_term} AS term_end
            FROM subscriptions s CROSS JOIN generate_series(1, CAST(? AS INTEGER)) AS k(k)
            WHERE s.term_months IS NOT NULL
              AND {line_term} <= coalesce(s.end_date, CAST(? AS DATE))
            UNION
            SELECT s.account_id, s.end_date AS term_end FROM subscriptions s
            WHERE s.end_date IS NOT NULL
        ), stated AS (
            SELECT DISTINCT account_id FROM subscriptions
            WHERE end_date IS NOT NULL OR term_months IS NOT NULL
        ), renewals AS (
            SELECT a.id AS account_id, {renewal} AS term_end
            FROM accounts a
            CROSS JOIN generate_series(CAST(? AS INTEGER), CAST(? AS INTEGER)) AS y(k)
            WHERE a.renewal_date IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM stated t WHERE t.account_id = a.id)
        ), ends AS (
            SELECT account_id, term_end FROM line_ends
            UNION
            SELECT account_id, term_end FROM renewals
        ), pairs AS (
            SELECT DISTINCT account_id, CAST(term_end - CAST(? AS INTEGER) AS DATE) AS as_of
            FROM ends WHERE term_end BETWEEN ? AND ?
        )
        SELECT p.account_id, p.as_of FROM pairs p JOIN accounts a ON a.id = p.account_id
        WHERE a.customer_since <= p.as_of AND NOT EXISTS (
            SELECT 1 FROM outcomes o WHERE o.account_id = p.account_id AND o.kind = 'churned'
            AND o.date <= p.as_of AND o.date >= a.customer_since)"""
    con.execute(f"DROP TABLE IF EXISTS {q(table)}").fetchall()
    con.execute(f"CREATE TEMPORARY TABLE {q(table)} (account_id VARCHAR, as_of DATE)").fetchall()
    con.execute(
        f"INSERT INTO {q(table)} (account_id, as_of) {sql}",
        [terms, hi, -years, years, lead, lo, hi],
    ).fetchall()
    rows = con.execute(f"SELECT DISTINCT as_of FROM {q(table)} ORDER BY as_of").fetchall()
    return [r[0] for r in rows]

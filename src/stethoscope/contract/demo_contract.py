"""The contract of demo accounts: billing terms, licensed seats, invoices, deals, changes.

Every account bills monthly, six-monthly or annually; terms start on ``customer_since``
and every ``term`` months after it, and churn can only happen where a term ends. Core
subscription lines run one per term (split again where the seats change mid-term), so a
reader can ask which line was in force on any day. Invoices (``invoice_paid``) and deals
(``deal_closed``) are events carrying a numeric ``properties.value``; some accounts change
owner, plan or segment during the book (written as a second upsert of their rows).

All of it is drawn from a random stream of its own (``default_rng([seed, chunk, 1])``),
so adding it left the default book's behaviour and who churns exactly as they were.
"""

from __future__ import annotations

import numpy as np

from stethoscope.contract import demo_vocab as v
from stethoscope.contract.demo_behaviour import (
    DAY_US,
    SHIFT,
    Accounts,
    Calendar,
    Rows,
    months_later,
)

TERMS = np.array([1, 6, 12])
# share of monthly, six-monthly and annual billing by segment (smb, mid-market, enterprise)
_TERM_SHARE = np.array([[0.5, 0.15, 0.35], [0.25, 0.2, 0.55], [0.05, 0.15, 0.8]])
OWNER, PLAN, SEGMENT = range(3)
BILLING_EVENTS = ("invoice_paid", "deal_closed")


def draw_contracts(extra: np.random.Generator, acc: Accounts, *, loose_seats: bool) -> None:
    """Set each account's billing term and, with ``loose_seats``, licences apart from seats.

    Without ``loose_seats`` the licences are the seats (the default book). With it, they are
    the seats people use times a lognormal factor, so some accounts run over their limit.
    """
    n = acc.n
    u = extra.random(n)
    acc.term = TERMS[(u[:, None] > np.cumsum(_TERM_SHARE[acc.segment], axis=1)[:, :2]).sum(axis=1)]
    factor = np.exp(0.35 * extra.standard_normal(n) - 0.1)
    if loose_seats:
        acc.licences = np.maximum(1, np.round(acc.seats * factor)).astype(np.int64)


def term_starts(cal: Calendar, acc: Accounts) -> np.ndarray:
    """[accounts, k]: grid day of each account's k-th term start (k = 0: customer_since).

    Enough columns to pass the end of the grid for every account; later ones run beyond.
    """
    k = (cal.days - int(acc.since.min())) // 28 + 2
    months = (acc.term[:, None] * np.arange(k)[None, :]).ravel()
    return months_later(cal, np.repeat(acc.since, k), months).reshape(acc.n, k)


def next_start(starts: np.ndarray, a: np.ndarray, day: np.ndarray) -> np.ndarray:
    """The first term start of account ``a`` after ``day``."""
    row = starts[a]
    return np.asarray(row[np.arange(len(a)), (row <= day[:, None]).sum(axis=1)])


def term_start_of(starts: np.ndarray, a: np.ndarray, day: np.ndarray) -> np.ndarray:
    """The start of the term of account ``a`` that ``day`` falls in."""
    row = starts[a]
    return np.asarray(row[np.arange(len(a)), (row <= day[:, None]).sum(axis=1) - 1])


def _latest(ma: np.ndarray, md: np.ndarray, a: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Index of the latest change of account ``a`` on or before ``day``; -1 for none."""
    if not len(ma):
        return np.full(len(a), -1)
    keys = (ma.astype(np.int64) << SHIFT) + md
    i = np.searchsorted(keys, (a.astype(np.int64) << SHIFT) + day, side="right") - 1
    return np.where((i >= 0) & (ma[np.maximum(i, 0)] == a), i, -1)


def _at(values: np.ndarray, i: np.ndarray, default: np.ndarray | int) -> np.ndarray:
    """``values[i]`` where ``i >= 0``, else ``default``."""
    if not len(values):
        return np.broadcast_to(np.asarray(default), i.shape).copy()
    return np.where(i >= 0, values[np.maximum(i, 0)], default)


def licences_on(
    acc: Accounts,
    starts: np.ndarray,
    ma: np.ndarray,
    md: np.ndarray,
    after: np.ndarray,
    change: np.ndarray,
    a: np.ndarray,
    day: np.ndarray,
) -> np.ndarray:
    """Seats licensed to account ``a`` on ``day``: its term's base plus a mid-term expansion.

    Seats are added at once (a line of extra seats to the term's end) and removed only at
    the next term start, as most contracts allow; a change on a term start sets the base.
    """
    s = term_start_of(starts, a, day)
    base = _at(after, _latest(ma, md, a, s), acc.licences[a])
    j = _latest(ma, md, a, day)
    added = (_at(md, j, s) > s) & (_at(change, j, 0) > 0)
    return np.asarray(base + np.where(added, _at(change, j, 0), 0))


def core_lines(
    acc: Accounts,
    cal: Calendar,
    starts: np.ndarray,
    churn_day: np.ndarray,
    ma: np.ndarray,
    md: np.ndarray,
    after: np.ndarray,
    change: np.ndarray,
) -> tuple[Rows, Rows]:
    """The core plan's lines, one per term, and the extra seats added mid-term.

    Term lines are contiguous from customer_since: each ends (inclusive) on its term's last
    day, which for a churned account is the day before churn; they carry the seats of the
    term's start. A mid-term expansion is a line of its own for the added seats, from the
    change to the term's end; a mid-term contraction takes effect at the next term start.
    So every end date is known from its line's start. Only lines starting before churn and
    inside the grid exist.
    """
    limit = np.minimum(churn_day, cal.days)
    a, k = np.nonzero(starts < limit[:, None])
    s = starts[a, k]
    terms = {
        "account": a,
        "start": s,
        "end": next_start(starts, a, s) - 1,
        "quantity": _at(after, _latest(ma, md, a, s), acc.licences[a]).astype(np.int64),
    }
    mid = (change > 0) & (term_start_of(starts, ma, md) < md)
    extra = {
        "account": ma[mid],
        "start": md[mid],
        "end": next_start(starts, ma[mid], md[mid]) - 1,
        "quantity": change[mid].astype(np.int64),
    }
    return terms, extra


def draw_deals(extra: np.random.Generator, acc: Accounts, cal: Calendar) -> Rows:
    """Deals over the whole grid: about three a year per account, worth about 15% of ARR.

    Deals come at a rate of their own per account and do not follow health; those inside
    the book and before churn are written as ``deal_closed`` events.
    """
    n = acc.n
    rate = np.exp(np.log(3 / 365) + 0.7 * extra.standard_normal(n))
    count = extra.poisson(rate * cal.days)
    a = np.repeat(np.arange(n), count)
    day = extra.integers(0, cal.days, len(a))
    arr = acc.licences * acc.price
    value = np.round(0.15 * arr[a] * np.exp(0.6 * extra.standard_normal(len(a))), 2)
    customer = day >= acc.since[a]
    a, day, value = a[customer], day[customer], value[customer]
    order = np.lexsort((day, a))
    return {"account": a[order], "day": day[order], "value": value[order]}


def billing_events(
    extra: np.random.Generator,
    acc: Accounts,
    cal: Calendar,
    lines: Rows,
    deals: Rows,
    churn_day: np.ndarray,
) -> Rows:
    """Invoices (kind 0) at each term start of the core line, and deals (kind 1), in the book.

    An invoice is worth the term's core line: ``term`` months of its MRR.
    """
    inv = (
        (lines["product"] == 0)
        & lines["term_start"]
        & (lines["start"] >= cal.first)
        & (lines["start"] < cal.days)
    )
    ia = lines["account"][inv]
    a = np.concatenate([ia, deals["account"]])
    day = np.concatenate([lines["start"][inv], deals["day"]])
    value = np.concatenate([np.round(acc.term[ia] * lines["mrr"][inv], 2), deals["value"]])
    kind = np.concatenate(
        [np.zeros(len(ia), dtype=np.int64), np.ones(len(deals["account"]), dtype=np.int64)]
    )
    keep = (day >= cal.first) & (day < churn_day[a])
    a, day, value, kind = a[keep], day[keep], value[keep], kind[keep]
    # billing and CRM systems send these in European office hours
    us = day * DAY_US + extra.integers(9 * 3600, 18 * 3600, len(a)) * 1_000_000
    order = np.lexsort((us, a))
    return {"account": a[order], "us": us[order], "kind": kind[order], "value": value[order]}


def attribute_changes(
    extra: np.random.Generator,
    acc: Accounts,
    cal: Calendar,
    starts: np.ndarray,
    churn_day: np.ndarray,
) -> Rows:
    """At most one change per account: a new owner (8%), plan (4%) or segment (3%).

    The day falls inside the book, at least 30 days after customer_since and before churn;
    a plan changes at a term start. Accounts in a hierarchy keep their segment.
    """
    n = acc.n
    u = extra.random(n)
    kind = np.searchsorted(np.array([0.08, 0.12, 0.15]), u, side="right")
    lo = np.maximum(cal.first, acc.since + 30)
    hi = np.minimum(churn_day, cal.days)
    day = lo + (extra.random(n) * np.maximum(hi - lo, 0)).astype(np.int64)
    plan_day = next_start(starts, np.arange(n), day - 1)
    day = np.where(kind == PLAN, plan_day, day)
    in_tree = acc.parent >= 0
    in_tree[acc.parent[acc.parent >= 0]] = True
    ok = (kind < 3) & (day < hi) & ~((kind == SEGMENT) & in_tree)
    # the new value: another CSM of the same team, the next plan up (enterprise steps down),
    # a neighbouring segment
    team = np.where(acc.segment == 2, v.ENTERPRISE_CSMS, len(v.CSMS) - v.ENTERPRISE_CSMS)
    base = np.where(acc.segment == 2, 0, v.ENTERPRISE_CSMS)
    step = 1 + (extra.random(n) * (team - 1)).astype(np.int64)
    owner = base + (acc.owner - base + step) % team
    plan = np.where(acc.plan < 2, acc.plan + 1, 1)
    up = extra.random(n) < 0.5
    segment = np.where(acc.segment == 1, np.where(up, 2, 0), 1)
    value = np.choose(np.minimum(kind, 2), [owner, plan, segment])
    at = np.flatnonzero(ok)
    return {
        "account": at,
        "day": day[at],
        "kind": kind[at],
        "value": value[at],
        "us": day[at] * DAY_US + extra.integers(8 * 3600, 19 * 3600, len(at)) * 1_000_000,
    }

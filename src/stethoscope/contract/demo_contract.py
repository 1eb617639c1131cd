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


def core_lines(
    acc: Accounts,
    cal: Calendar,
    starts: np.ndarray,
    churn_day: np.ndarray,
    ma: np.ndarray,
    md: np.ndarray,
    after: np.ndarray,
) -> Rows:
    """Core plan lines: one per term, split where the seats change (``after`` from ``md``).

    Lines are contiguous from customer_since: each ends (inclusive) the day before the next
    starts, the last at its term's end, which for a churned account is the day before churn.
    Only lines starting before churn and inside the grid exist.
    """
    limit = np.minimum(churn_day, cal.days)
    ta, tk = np.nonzero(starts < limit[:, None])
    a = np.concatenate([ta, ma])
    s = np.concatenate([starts[ta, tk], md])
    at_start = np.concatenate([np.ones(len(ta), dtype=bool), np.zeros(len(ma), dtype=bool)])
    order = np.lexsort((~at_start, s, a))
    a, s, at_start = a[order], s[order], at_start[order]
    # a seat change on a term start is one line (the term start wins the flag)
    keep = np.ones(len(a), dtype=bool)
    keep[1:] = (a[1:] != a[:-1]) | (s[1:] != s[:-1])
    a, s, at_start = a[keep], s[keep], at_start[keep]
    # seats in force: the latest of the initial licences and the changes up to the start
    ca = np.concatenate([np.arange(acc.n), ma])
    cs = np.concatenate([acc.since, md])
    cq = np.concatenate([acc.licences, after]).astype(np.int64)
    corder = np.lexsort((cs, ca))
    ckeys = (ca[corder].astype(np.int64) << SHIFT) + cs[corder]
    idx = np.searchsorted(ckeys, (a.astype(np.int64) << SHIFT) + s, side="right") - 1
    quantity = cq[corder][idx]
    last = np.ones(len(a), dtype=bool)
    last[:-1] = a[1:] != a[:-1]
    end = np.where(last, next_start(starts, a, s), np.roll(s, -1)) - 1
    return {
        "account": a,
        "start": s,
        "end": end,
        "quantity": quantity,
        "term_start": at_start,
    }


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

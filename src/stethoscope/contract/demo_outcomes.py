"""Commercial outcomes of demo accounts, decided from the behaviour they showed.

At each renewal inside the book, churn is drawn from a logistic model of what the account
*did* in the months before (usage trend, latest NPS, a lost champion, no executive contact,
old unresolved tickets, seat utilisation) plus noise, never from the latent health itself:
a model that reads the same behaviour can predict churn, one that does not cannot. Mid-term,
high utilisation leads to expansions and low utilisation to contractions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from stethoscope.contract.demo_behaviour import (
    DAY_US,
    SHIFT,
    Accounts,
    Calendar,
    Health,
    Rows,
    engagement,
    months_later,
    sigmoid,
)
from stethoscope.contract.demo_contract import core_lines, licences_on

RENEWED, CHURNED, EXPANDED, CONTRACTED = range(4)
# log-odds of churn at a renewal, per segment, before behaviour (smb, mid-market, enterprise)
_BASE = np.array([-3.45, -4.3, -4.9])


def group_start(groups: np.ndarray) -> np.ndarray:
    """For each row of rows sorted by group, the position of its group's first row."""
    first = np.ones(len(groups), dtype=bool)
    first[1:] = groups[1:] != groups[:-1]
    return np.maximum.accumulate(np.where(first, np.arange(len(groups)), 0))


def group_rank(groups: np.ndarray) -> np.ndarray:
    """0, 1, 2, ... within each run of equal (sorted) groups."""
    return np.asarray(np.arange(len(groups)) - group_start(groups))


def _keys(account: np.ndarray, at: np.ndarray) -> np.ndarray:
    return np.asarray((account.astype(np.int64) << SHIFT) + at)


def _count_between(keys: np.ndarray, a: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """How many sorted ``keys`` of account ``a`` fall in [lo, hi) (times in microseconds)."""
    return np.searchsorted(keys, _keys(a, hi)) - np.searchsorted(keys, _keys(a, lo))


def utilisation(
    acc: Accounts, health: Health, a: np.ndarray, day: np.ndarray, span: int = 60
) -> np.ndarray:
    """Mean share of seats in use over the ``span`` days before ``day``."""
    d = np.maximum(day[:, None] - span + np.arange(span)[None, :], 0)
    ten = (d - acc.since[a][:, None]).astype(np.float64)
    util: np.ndarray = engagement(health.h[a[:, None], d].astype(np.float64), ten).mean(axis=1)
    return util


@dataclass
class Outcomes:
    churn_day: np.ndarray  # grid day of churn per account; cal.days when it did not churn
    rows: Rows  # account, day, kind, arr_change (sorted by account, day)
    lines: Rows  # subscription lines: account, product, start, end, quantity, mrr
    seats: np.ndarray  # seats at the end (or at churn)
    arr: np.ndarray  # ARR at the end (or at churn)
    renewal: np.ndarray  # grid day of the upcoming renewal (-1 after churn)


def _renewal_features(
    acc: Accounts,
    health: Health,
    cal: Calendar,
    counts: np.ndarray,
    surveys: Rows,
    touches: Rows,
    tickets: Rows,
    a: np.ndarray,
    d: np.ndarray,
) -> np.ndarray:
    """Churn log-odds at renewals (a, d) from the behaviour in the months before them."""
    # usage trend: events in the last 60 days against the 60 before, net of seasonality
    cum = np.zeros((acc.n, cal.days + 1), dtype=np.int64)
    np.cumsum(counts, axis=1, out=cum[:, 1:])
    rcum = np.concatenate([[0.0], np.cumsum(cal.rhythm)])
    recent = cum[a, d] - cum[a, d - 60]
    prior = cum[a, d - 60] - cum[a, d - 120]
    expect = (rcum[d] - rcum[d - 60]) / (rcum[d - 60] - rcum[d - 120])
    trend = np.log((recent + 2.0) / (prior * expect + 2.0))
    del cum
    now = d * DAY_US
    # the latest NPS answer of the account
    nps = surveys["kind"] == 0
    keys = _keys(surveys["account"][nps], surveys["at"][nps])
    i = np.searchsorted(keys, _keys(a, now)) - 1
    answered = (i >= 0) & (surveys["account"][nps][np.maximum(i, 0)] == a)
    detractor = answered & (surveys["score"][nps][np.maximum(i, 0)] <= 6)
    # executive contact in the last 90 days
    ex = touches["persona"] == 3
    exec_touches = _count_between(
        _keys(touches["account"][ex], touches["at"][ex]), a, now - 90 * DAY_US, now
    )
    # tickets opened 14 to 365 days ago that are still open
    tkeys = _keys(tickets["account"], tickets["opened"])
    lo = np.searchsorted(tkeys, _keys(a, now - 365 * DAY_US))
    hi = np.searchsorted(tkeys, _keys(a, now - 14 * DAY_US))
    row = np.repeat(np.arange(len(a)), hi - lo)
    pos = np.arange(len(row)) - group_start(row) + lo[row] if len(row) else row
    still_open = np.bincount(row[tickets["closed"][pos] > now[row]], minlength=len(a))
    util = utilisation(acc, health, a, d)
    lost = health.lost[a] < d
    no_exec = (exec_touches == 0) * np.where(acc.segment[a] == 0, 0.4, 1.0)
    logit: np.ndarray = (
        _BASE[acc.segment[a]]
        - 1.6 * trend
        + 1.3 * detractor
        + 0.3 * ~answered
        + 1.0 * lost
        + 0.9 * no_exec
        + 0.45 * np.minimum(still_open, 3)
        + 2.0 * (0.5 - util)
    )
    return logit


# a probability of churn at each term end (a, day), given the seats licensed on the day
ChurnRule = Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]
# the end of a line that still runs
RUNNING = 1 << 40


def decide(
    rng: np.random.Generator,
    acc: Accounts,
    health: Health,
    cal: Calendar,
    counts: np.ndarray,
    surveys: Rows,
    touches: Rows,
    tickets: Rows,
    starts: np.ndarray,
    rule: ChurnRule | None = None,
) -> Outcomes:
    """Renewals, churn, seat changes and contract lines.

    Without ``rule`` churn is decided at each anniversary by the default book's model of
    behaviour; with it, at every term end (monthly accounts every month) with the rule's
    probability (``--causes random``).
    """
    n, last = acc.n, cal.days - 1
    years = np.arange(1, (cal.days - int(acc.since.min())) // 365 + 3)
    if rule is None:
        ann = months_later(cal, np.repeat(acc.since, len(years)), np.tile(12 * years, n))
        ann = ann.reshape(n, len(years))
        inside = (ann >= cal.first) & (ann <= last)
        ra, rk = np.nonzero(inside)
        rd = ann[ra, rk]
        logit = _renewal_features(acc, health, cal, counts, surveys, touches, tickets, ra, rd)
        churned = rng.random(len(ra)) < sigmoid(logit + 0.6 * rng.standard_normal(len(ra)))
        churn_day = np.full(n, cal.days)
        np.minimum.at(churn_day, ra[churned], rd[churned])
        upcoming = np.where(ann > last, ann, np.iinfo(np.int64).max).min(axis=1)
        ma, md, change, after = _seat_changes(rng, acc, health, cal, churn_day, years)
    else:
        # seat changes first (those after churn are dropped below): the rule reads the seats
        ma, md, change, after = _seat_changes(rng, acc, health, cal, np.full(n, cal.days), years)
        ra, rk = np.nonzero((starts >= cal.first) & (starts <= last))
        keep = rk > 0  # customer_since starts the first term; it ends none
        ra, rd = ra[keep], starts[ra[keep], rk[keep]]
        licensed = licences_on(acc, starts, ma, md, after, change, ra, rd - 1)
        churned = rng.random(len(ra)) < rule(ra, rd, licensed)
        churn_day = np.full(n, cal.days)
        np.minimum.at(churn_day, ra[churned], rd[churned])
        upcoming = starts[np.arange(n), (starts <= last).sum(axis=1)]
        before = md < churn_day[ma]
        ma, md, change, after = ma[before], md[before], change[before], after[before]
    renewal = np.where(churn_day < cal.days, -1, upcoming)
    done = rd <= churn_day[ra]
    ra, rd = ra[done], rd[done]
    kinds = np.where(rd == churn_day[ra], CHURNED, RENEWED)
    lines, arr, seats = _subscriptions(rng, acc, cal, starts, churn_day, ma, md, after, change)
    addon = (
        (lines["product"] > 0) & (lines["product"] < EXTRA_SEATS) & (lines["start"] >= cal.first)
    )
    rows = {
        "account": np.concatenate([ra, ma, lines["account"][addon]]),
        "day": np.concatenate([rd, md, lines["start"][addon]]),
        "kind": np.concatenate(
            [kinds, np.where(change > 0, EXPANDED, CONTRACTED), np.full(int(addon.sum()), EXPANDED)]
        ),
        "arr_change": np.concatenate(
            [
                np.where(kinds == CHURNED, -arr[ra], 0.0),
                change * acc.price[ma],
                12 * lines["mrr"][addon],
            ]
        ),
    }
    return Outcomes(churn_day, _merge(rows), lines, seats, arr, renewal)


def _seat_changes(
    rng: np.random.Generator,
    acc: Accounts,
    health: Health,
    cal: Calendar,
    churn_day: np.ndarray,
    years: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Licences changed half a year after each anniversary (and after the start).

    High utilisation of the licences leads to expansions, low to contractions. Returns the
    account, day, change and licences after it, sorted by account and day.
    """
    n, last = acc.n, cal.days - 1
    mid = months_later(
        cal, np.repeat(acc.since, len(years) + 1), np.tile(12 * np.arange(len(years) + 1) + 6, n)
    ).reshape(n, -1)
    ma, mk = np.nonzero((mid >= cal.first) & (mid <= last) & (mid < churn_day[:, None]))
    md = mid[ma, mk]
    util = utilisation(acc, health, ma, md) * (acc.seats[ma] / acc.licences[ma])
    u = rng.random(len(ma))
    grow = 0.3 * sigmoid(12 * (util - 0.8))
    shrink = 0.35 * sigmoid(12 * (0.3 - util))
    factor = np.where(
        u < grow,
        1 + rng.uniform(0.1, 0.4, len(ma)),
        np.where(u < grow + shrink, 1 - rng.uniform(0.1, 0.3, len(ma)), 1.0),
    )
    logf = np.log(factor)
    cum = np.cumsum(logf)
    start = group_start(ma)
    base = acc.licences[ma]
    after = np.maximum(1, np.round(base * np.exp(cum - cum[start] + logf[start])))
    before = np.where(start == np.arange(len(ma)), base, np.roll(after, 1)).astype(np.float64)
    change = after - before
    moved = change != 0
    return ma[moved], md[moved], change[moved], after[moved].astype(np.int64)


def _merge(rows: Rows) -> Rows:
    """Sort by (account, day, kind) and add up rows of the same account, day and kind."""
    key = (rows["account"] << 32) | (rows["day"] + (1 << 20)) << 2 | rows["kind"]
    uniq, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    return {
        "account": rows["account"][first],
        "day": rows["day"][first],
        "kind": rows["kind"][first],
        "arr_change": np.bincount(inverse, weights=rows["arr_change"], minlength=len(uniq)),
    }


# subscription products: the core plan line, then add-ons
ADDONS = ("analytics-addon", "compliance-pack", "premium-support")
# the product code, after the add-ons, of seats added mid-term
EXTRA_SEATS = len(ADDONS) + 1
PRODUCTS = (*ADDONS, "extra-seats")


def _subscriptions(
    rng: np.random.Generator,
    acc: Accounts,
    cal: Calendar,
    starts: np.ndarray,
    churn_day: np.ndarray,
    ma: np.ndarray,
    md: np.ndarray,
    after: np.ndarray,
    change: np.ndarray,
) -> tuple[Rows, np.ndarray, np.ndarray]:
    """Contract lines and each account's ARR and seats at the end (or before churn).

    Products: 0 the core plan, one line per term; 1.. the ``ADDONS``, each one line from
    its start, ending the day before churn or running (end ``RUNNING``); ``EXTRA_SEATS``
    the seats added mid-term, to the term's end (``demo_contract.core_lines``).
    """
    n = acc.n
    terms, extra = core_lines(acc, cal, starts, churn_day, ma, md, after, change)
    core = {k: np.concatenate([terms[k], extra[k]]) for k in terms}
    ca = core["account"]
    cmrr = core["quantity"] * acc.price[ca] / 12
    core_product = np.concatenate(
        [
            np.zeros(len(terms["account"]), dtype=np.int64),
            np.full(len(extra["account"]), EXTRA_SEATS),
        ]
    )
    term_start = np.concatenate(
        [np.ones(len(terms["account"]), dtype=bool), np.zeros(len(extra["account"]), dtype=bool)]
    )
    # add-ons
    core_mrr = acc.licences * acc.price / 12
    has = np.stack(
        [
            rng.random(n) < np.array([0.15, 0.3, 0.45])[acc.segment],
            acc.regulated & (rng.random(n) < 0.85),
            (acc.segment == 2) & (rng.random(n) < 0.4),
        ]
    )
    start = np.stack([acc.since + rng.integers(0, 540, n), acc.since, acc.since])
    mrr = np.stack([0.15 * core_mrr, 0.12 * core_mrr + 40, 0.08 * core_mrr])
    has &= (start <= cal.days - 1) & (start < churn_day[None, :])
    p, aa = np.nonzero(has)
    lines = {
        "account": np.concatenate([ca, aa]),
        "product": np.concatenate([core_product, p + 1]),
        "start": np.concatenate([core["start"], start[p, aa]]),
        "end": np.concatenate(
            [core["end"], np.where(churn_day[aa] < cal.days, churn_day[aa] - 1, RUNNING)]
        ),
        "quantity": np.concatenate([core["quantity"], np.ones(len(aa), dtype=np.int64)]),
        "mrr": np.concatenate([cmrr, mrr[p, aa]]),
        "term_start": np.concatenate([term_start, np.zeros(len(aa), dtype=bool)]),
    }
    order = np.lexsort((lines["start"], lines["product"], lines["account"]))
    lines = {k: x[order] for k, x in lines.items()}
    # ARR now (or on the last day before churn): the lines in force that day
    a = lines["account"]
    day = np.minimum(churn_day, cal.days) - 1
    running = (lines["start"] <= day[a]) & (lines["end"] >= day[a])
    arr = 12 * np.bincount(a[running], weights=lines["mrr"][running], minlength=n)
    seat_lines = running & ((lines["product"] == 0) | (lines["product"] == EXTRA_SEATS))
    seats = np.bincount(a[seat_lines], weights=lines["quantity"][seat_lines], minlength=n)
    return lines, arr, seats.astype(np.int64)

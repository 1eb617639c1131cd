"""Drawn causes of churn (``stethoscope demo --causes random``): which behaviours, which way.

Per seed, a few causes are drawn from ``POOL``, each with a direction and a strength, plus
a base rate of churn nobody can predict. At every term end (monthly accounts every month,
annual ones once a year) an account churns with

    q = sigmoid(base + sum(direction * strength * (x - centre) / scale))   per year
    p = 1 - (1 - q) ** (term / 12) * (1 - random) ** (term / 12)            at this term end

where each ``x`` is a feature as the book's own tables show it (``demo_oracle`` computes
them from the files with SQL). The drawn causes go to a side file, ``causes.json`` beside
the book, never into the store: tests read it to know the truth; a model must not.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from stethoscope.contract.demo_behaviour import (
    DAY_US,
    SHIFT,
    Accounts,
    Calendar,
    Health,
    Rows,
    engagement,
    sigmoid,
)
from stethoscope.contract.demo_outcomes import ChurnRule

CAUSES_FILE = "causes.json"


@dataclass(frozen=True)
class Feature:
    """A feature a cause acts through, as the book's tables show it on a day ``t``."""

    doc: str
    conventional: int  # +1: a CSM would expect more of it to mean more churn; -1: less
    directions: tuple[int, ...]  # the directions a draw may give it
    centre: float
    scale: float


# windows are the days before t: [t - 30 days, t) and so on
POOL: dict[str, Feature] = {
    "contract_term": Feature(
        "1 when the core subscription line in force bills monthly (term_months = 1), else 0",
        +1,
        (+1, -1),
        0.0,
        1.0,
    ),
    "seat_utilisation": Feature(
        "distinct users with events in the last 30 days / seats licensed on t - 1 (quantity "
        "of the core line and of any extra-seats line in force)",
        -1,
        (+1, -1),
        0.65,
        0.3,
    ),
    "user_depth": Feature(
        "ln((events with a user in the last 30 days + 1) / max(distinct users, 1))",
        -1,
        (+1, -1),
        2.3,
        0.6,
    ),
    "deal_value": Feature(
        "ln(1 + sum of properties.value of deal_closed events in the last 180 days)",
        -1,
        (+1, -1),
        5.0,
        3.5,
    ),
    "tickets": Feature(
        "ln(1 + tickets opened in the last 90 days)",
        +1,
        (+1, -1),
        0.6,
        0.6,
    ),
    "nps": Feature(
        "the latest NPS answer (surveys.kind = 'nps') before t; 7 when there is none",
        -1,
        (-1,),
        7.5,
        2.0,
    ),
    "champion_loss": Feature(
        "1 when the account's first champion (lowest contacts.id with role champion) has no "
        "event in the last 30 days, else 0",
        +1,
        (+1,),
        0.0,
        1.0,
    ),
    "usage_trend": Feature(
        "ln((events with a user in the last 60 days + 1) / (those 120 to 60 days before + 1))",
        -1,
        (-1,),
        0.0,
        0.35,
    ),
}
BINARY = ("contract_term", "champion_loss")
NPS_MISSING = 7.0
# a window reaching before the book's first day counts what it covers, scaled to its full
# length, but never as if it covered less than MIN_COVER days; a trend whose halves cover
# fewer is unknown (0)
MIN_COVER = 30
# each half of usage_trend: long enough to outlast noise, short enough to be known early
TREND_DAYS = 60


def covered(days: np.ndarray) -> np.ndarray:
    """The divisor of a window's count that covers ``days`` days of the book."""
    return np.maximum(np.asarray(days, dtype=np.float64), MIN_COVER)


@dataclass(frozen=True)
class Cause:
    name: str
    direction: int  # +1: more of the feature, more churn
    strength: float  # log-odds of yearly churn per ``scale`` of the feature
    reversed: bool  # the direction runs against what a CSM would expect
    feature: str
    centre: float
    scale: float


@dataclass(frozen=True)
class Causes:
    seed: int
    causes: tuple[Cause, ...]
    base_log_odds: float  # yearly churn log-odds with every feature at its centre
    random_churn: float  # yearly probability of churn that no feature explains

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.causes)

    def to_json(self) -> str:
        body = {
            "about": "The causes of churn drawn for this demo book. For tests only: a model "
            "must learn them from the data, not read them here.",
            "churn": "at each term end: q = sigmoid(base_log_odds + sum(direction * strength * "
            "(x - centre) / scale)) per year; p = 1 - (1 - q)^(term_months / 12) * "
            "(1 - random_churn)^(term_months / 12)",
            **asdict(self),
        }
        return json.dumps(body, indent=2) + "\n"


def draw_causes(seed: int) -> Causes:
    """Three to five causes from ``POOL``; at least one reversed where the draw allows."""
    rng = np.random.default_rng([seed % 2**64, 0, 2])
    names = list(POOL)
    k = int(rng.integers(3, 6))
    chosen = [names[i] for i in sorted(rng.choice(len(names), size=k, replace=False))]
    flips = rng.random(k) < 0.5
    directions = [
        -POOL[n].conventional if flip and len(POOL[n].directions) == 2 else POOL[n].conventional
        for n, flip in zip(chosen, flips, strict=True)
    ]
    if all(d == POOL[n].conventional for n, d in zip(chosen, directions, strict=True)):
        two_way = [i for i, n in enumerate(chosen) if len(POOL[n].directions) == 2]
        if two_way:
            directions[two_way[0]] *= -1
    strengths = np.where(
        np.isin(chosen, BINARY), rng.uniform(1.2, 1.8, k), rng.uniform(0.9, 1.4, k)
    )
    causes = tuple(
        Cause(
            name=n,
            direction=d,
            strength=round(float(s), 3),
            reversed=d != POOL[n].conventional,
            feature=POOL[n].doc,
            centre=POOL[n].centre,
            scale=POOL[n].scale,
        )
        for n, d, s in zip(chosen, directions, strengths, strict=True)
    )
    return Causes(
        seed=seed,
        causes=causes,
        base_log_odds=round(float(rng.uniform(-2.2, -1.8)), 3),
        random_churn=round(float(rng.uniform(0.02, 0.05)), 3),
    )


def write_causes(causes: Causes, path: Path) -> None:
    path.write_text(causes.to_json())


def read_causes(path: Path) -> Causes:
    """The causes file written beside a ``--causes random`` book."""
    body = json.loads(Path(path).read_text())
    return Causes(
        seed=int(body["seed"]),
        causes=tuple(Cause(**c) for c in body["causes"]),
        base_log_odds=float(body["base_log_odds"]),
        random_churn=float(body["random_churn"]),
    )


def churn_probability(causes: Causes, x: dict[str, np.ndarray], term: np.ndarray) -> np.ndarray:
    """The probability of churn at a term end, from the features ``x`` of each decision."""
    logit = np.full(len(term), causes.base_log_odds)
    for c in causes.causes:
        logit += c.direction * c.strength * (x[c.name] - c.centre) / c.scale
    years = term / 12
    stay = (1 - sigmoid(logit)) ** years * (1 - causes.random_churn) ** years
    return np.asarray(1 - stay)


def _window_sum(
    keys: np.ndarray, cum: np.ndarray, a: np.ndarray, lo: np.ndarray, hi: np.ndarray
) -> np.ndarray:
    """Sum over [lo, hi) of account ``a``: sorted ``keys``, prefix sums ``cum`` of values."""
    i = np.searchsorted(keys, (a.astype(np.int64) << SHIFT) + lo)
    j = np.searchsorted(keys, (a.astype(np.int64) << SHIFT) + hi)
    return np.asarray(cum[j] - cum[i])


def rule(
    causes: Causes,
    acc: Accounts,
    health: Health,
    cal: Calendar,
    counts: np.ndarray,
    surveys: Rows,
    tickets: Rows,
    deals: Rows,
) -> ChurnRule:
    """The churn rule of ``causes`` over one chunk's behaviour, for ``demo_outcomes.decide``."""

    def probability(a: np.ndarray, d: np.ndarray, licensed: np.ndarray) -> np.ndarray:
        x = features(acc, health, cal, counts, surveys, tickets, deals, a, d, licensed)
        return churn_probability(causes, x, acc.term[a])

    return probability


def features(
    acc: Accounts,
    health: Health,
    cal: Calendar,
    counts: np.ndarray,
    surveys: Rows,
    tickets: Rows,
    deals: Rows,
    a: np.ndarray,
    d: np.ndarray,
    licensed: np.ndarray,
) -> dict[str, np.ndarray]:
    """Every feature of ``POOL`` for decisions (a, d), as the book shows it before day ``d``.

    Only what the book writes counts: events, tickets, deals and NPS answers from its first
    day on, with ``covered`` scaling a window that reaches before that day, exactly as
    ``demo_oracle`` reads the tables. Distinct users are the users the account engaged
    (the event writer draws each event's user among them), which the written events show
    almost exactly.
    """
    first = cal.first

    def bounds(lo: int, hi: int) -> tuple[np.ndarray, np.ndarray]:
        start = np.maximum(d - lo, first)
        return start, np.maximum(d - hi, start)

    cum = np.zeros((acc.n, cal.days + 1), dtype=np.int64)
    np.cumsum(counts, axis=1, out=cum[:, 1:])
    (q0, q1), (b0, b1) = bounds(TREND_DAYS, 0), bounds(2 * TREND_DAYS, TREND_DAYS)
    quarter = (cum[a, q1] - cum[a, q0]) * TREND_DAYS / covered(q1 - q0)
    before = (cum[a, b1] - cum[a, b0]) * TREND_DAYS / covered(b1 - b0)
    (t0, t1), (y0, y1) = bounds(90, 0), bounds(180, 0)
    known = np.minimum(q1 - q0, b1 - b0) >= MIN_COVER
    del cum
    days = d[:, None] + np.arange(-30, 0)[None, :]
    c = np.where(days >= first, counts[a[:, None], days], 0)
    recent = c.sum(axis=1)
    ten = (days - acc.since[a][:, None]).astype(np.float64)
    h = health.h[a[:, None], days].astype(np.float64)
    engaged = np.clip(
        np.round(acc.seats[a][:, None] * engagement(h, ten)), 1, acc.holders[a][:, None]
    )
    lost = days >= health.lost[a][:, None]
    users = np.where(c > 0, np.maximum(engaged - lost, 1), 0).max(axis=1)
    now = d * DAY_US
    # the latest NPS answer before d, given inside the book
    nps = surveys["kind"] == 0
    keys = (surveys["account"][nps].astype(np.int64) << SHIFT) + surveys["at"][nps]
    i = np.maximum(np.searchsorted(keys, (a.astype(np.int64) << SHIFT) + now) - 1, 0)
    answered = (
        (len(keys) > 0)
        & (surveys["account"][nps][i] == a)
        & (surveys["at"][nps][i] >= first * DAY_US)
    )
    score = np.where(answered, surveys["score"][nps][i], NPS_MISSING)
    tkeys = (tickets["account"].astype(np.int64) << SHIFT) + tickets["opened"]
    opened = _window_sum(tkeys, np.arange(len(tkeys) + 1), a, t0 * DAY_US, now)
    opened = opened * 90 / covered(t1 - t0)
    dkeys = (deals["account"].astype(np.int64) << SHIFT) + deals["day"]
    dcum = np.concatenate([[0.0], np.cumsum(deals["value"])])
    value = _window_sum(dkeys, dcum, a, y0, y1) * 180 / covered(y1 - y0)
    return {
        "contract_term": (acc.term[a] == 1).astype(np.float64),
        "seat_utilisation": users / licensed,
        "user_depth": np.log((recent + 1) / np.maximum(users, 1)),
        "deal_value": np.log1p(value),
        "tickets": np.log1p(opened),
        "nps": score.astype(np.float64),
        "champion_loss": ((health.lost[a] <= d - 30) | (recent == 0)).astype(np.float64),
        "usage_trend": np.where(known, np.log((quarter + 1) / (before + 1)), 0.0),
    }

"""How each discover candidate goes with churn, and which candidates say the same thing.

For each candidate, from the observations alone (numpy, no loop over rows):

- **coverage**: the share of observations with a value, also among the churned and among
  the others: a value present mostly when the account churned is suspect (``caveat``);
- **AUC** and **direction**: the chance that a churned observation has a *lower* value than
  one that stayed (``metrics.auc``); above 0.5 the metric is "higher is healthier", below
  it "lower is healthier" and the AUC shown is 1 - that, so every AUC reads the same way
  (0.5 chance, 1 perfect);
- **held-out AUC**: the direction read on the earlier dates, judged on the later ones
  (``summary.split_dates``: no label of the earlier dates reaches the later ones). A
  candidate whose held-out AUC is under 0.5 changed direction over time: *unstable*;
- **cohorts**: churn rate by quantile cohort of the value (deciles, or one cohort per value
  when there are few), as "Fighting Churn with Data" plots them, and the churn rate of the
  observations without a value.

Candidates are grouped by rank correlation: in order of AUC (those with a caveat last),
each candidate joins the first stronger one it correlates with beyond ``SAME`` (|Spearman|
on observations where both have a value), or leads a group of its own. Only group leaders
go into a starter model.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from stethoscope.backtest import metrics
from stethoscope.backtest.summary import split_dates

if TYPE_CHECKING:
    from stethoscope.backtest.candidates import Candidate
    from stethoscope.backtest.discover import Values

SAME = 0.8
COHORTS = 10
FEW_VALUES = 6
# correlations read at most this many observations (evenly spaced), and need this many
# shared ones
CORRELATION_ROWS = 40_000
OVERLAP = 30
# a value present this many times as often for churned observations as for the rest (and
# for fewer than half of the rest) is suspect: see Judged.caveat
LOPSIDED = 2.0
LOPSIDED_STAYED = 0.5


@dataclass
class Judged:
    """One candidate's figures (see the module doc)."""

    candidate: Candidate
    coverage: float
    auc: float | None
    direction: str | None  # "higher" or "lower" is healthier
    auc_held_out: float | None
    cohorts: list[dict[str, Any]]
    missing: dict[str, Any]
    coverage_churned: float | None = None
    coverage_stayed: float | None = None
    leader: str | None = None  # the stronger candidate it says the same as
    correlation: float | None = None

    @property
    def caveat(self) -> str | None:
        """The candidate's own caveat, or: its value is there mostly when the account
        churned, as when a feed writes the churn into the data (a contract's end date
        set when the customer cancelled, read as known from the line's start)."""
        if self.candidate.caveat:
            return self.candidate.caveat
        c, s = self.coverage_churned, self.coverage_stayed
        if c is not None and s is not None and s < LOPSIDED_STAYED and c >= LOPSIDED * s:
            return (
                f"has a value for {c:.0%} of churned observations and {s:.0%} of the others: "
                "it may be written from the churn itself"
            )
        return None

    @property
    def name(self) -> str:
        return self.candidate.name

    @property
    def stable(self) -> bool:
        return self.auc_held_out is None or self.auc_held_out >= 0.5

    def to_json(self, rank: int) -> dict[str, Any]:
        c = self.candidate
        return {
            "rank": rank,
            "name": c.name,
            "family": c.family,
            "description": c.description,
            "metric": c.spec,
            "helpers": {k: v for k, v in c.metrics.items() if k != c.name},
            "caveat": self.caveat,
            "coverage": self.coverage,
            "coverage_churned": self.coverage_churned,
            "coverage_stayed": self.coverage_stayed,
            "auc": self.auc,
            "direction": self.direction,
            "auc_held_out": self.auc_held_out,
            "stable": self.stable,
            "group": self.leader or c.name,
            "correlation_with_group": self.correlation,
            "cohorts": self.cohorts,
            "missing": self.missing,
        }


@dataclass
class Judgement:
    """Every candidate judged, strongest first, with the held-out split used."""

    items: list[Judged]
    fit_dates: list[dt.date] = field(default_factory=list)
    test_dates: list[dt.date] = field(default_factory=list)

    def by_name(self) -> dict[str, Judged]:
        return {j.name: j for j in self.items}

    def leaders(self) -> list[Judged]:
        return [j for j in self.items if j.leader is None and j.auc is not None]

    def to_json(self) -> list[dict[str, Any]]:
        return [j.to_json(i + 1) for i, j in enumerate(self.items)]

    def groups_json(self) -> list[dict[str, Any]]:
        out = []
        for lead in self.leaders():
            members = [
                {"name": j.name, "correlation": j.correlation, "auc": j.auc}
                for j in self.items
                if j.leader == lead.name
            ]
            out.append({"leader": lead.name, "auc": lead.auc, "members": members})
        return out


def oriented(x: np.ndarray, y: np.ndarray) -> tuple[float | None, str | None]:
    """(AUC read the healthy way, direction): see the module doc."""
    a = metrics.auc(x, y)
    if a is None:
        return None, None
    return (a, "higher") if a >= 0.5 else (1 - a, "lower")


def held_out(x: np.ndarray, y: np.ndarray, fit: np.ndarray, test: np.ndarray) -> float | None:
    """The AUC on ``test`` rows of the direction read on ``fit`` rows."""
    a_fit = metrics.auc(x[fit], y[fit])
    a_test = metrics.auc(x[test], y[test])
    if a_fit is None or a_test is None:
        return None
    return a_test if a_fit >= 0.5 else 1 - a_test


def cohorts(x: np.ndarray, y: np.ndarray, n: int = COHORTS) -> dict[str, Any]:
    """Churn by quantile cohort of the value (one cohort per value when it takes at most
    ``FEW_VALUES``), lowest values first; and of the observations without a value."""
    ok = ~np.isnan(x)
    v, t = x[ok], y[ok]
    out: list[dict[str, Any]] = []
    if len(v):
        values = np.unique(v)
        if len(values) <= FEW_VALUES:
            edges = values
        else:
            edges = np.unique(np.quantile(v, np.linspace(0, 1, n + 1)[:-1], method="lower"))
        which = np.searchsorted(edges, v, side="right") - 1
        counts = np.bincount(which, minlength=len(edges))
        churned = np.bincount(which, weights=t, minlength=len(edges))
        sums = np.bincount(which, weights=v, minlength=len(edges))
        for i in np.flatnonzero(counts):
            m = which == i
            out.append(
                {
                    "low": float(v[m].min()),
                    "high": float(v[m].max()),
                    "mean": float(sums[i] / counts[i]),
                    "observations": int(counts[i]),
                    "churned": int(churned[i]),
                    "churn_rate": float(churned[i] / counts[i]),
                }
            )
    miss = ~ok
    return {
        "cohorts": out,
        "missing": {
            "observations": int(miss.sum()),
            "churned": int(y[miss].sum()),
            "churn_rate": float(y[miss].mean()) if miss.any() else None,
        },
    }


def rank_correlations(columns: list[np.ndarray]) -> np.ndarray:
    """|Spearman| between every two columns over the rows where both have a value (each
    column ranked once over its own values; pairs sharing fewer than ``OVERLAP`` rows: 0).
    Pairwise-complete Pearson of the ranks, as a few matrix products."""
    if not columns:
        return np.zeros((0, 0))
    n = len(columns[0])
    take = np.arange(n) if n <= CORRELATION_ROWS else np.linspace(0, n - 1, CORRELATION_ROWS)
    idx = take.astype(int)
    ranks = np.zeros((len(idx), len(columns)))
    mask = np.zeros_like(ranks)
    for j, col in enumerate(columns):
        c = col[idx]
        ok = ~np.isnan(c)
        ranks[ok, j] = _ranks(c[ok])
        mask[ok, j] = 1.0
    count = mask.T @ mask
    s = ranks.T @ mask  # s[i, j]: sum of column i's ranks over rows where j has a value
    ss = (ranks**2).T @ mask
    sxy = ranks.T @ ranks
    with np.errstate(invalid="ignore", divide="ignore"):
        cov = count * sxy - s * s.T
        var = (count * ss - s**2) * (count * ss - s**2).T
        r = np.where((count >= OVERLAP) & (var > 0), cov / np.sqrt(var), 0.0)
    out: np.ndarray = np.abs(np.nan_to_num(r))
    return out


def _ranks(v: np.ndarray) -> np.ndarray:
    """Ranks from 1, ties sharing their mean rank."""
    _, inverse, counts = np.unique(v, return_inverse=True, return_counts=True)
    ends = np.cumsum(counts)
    return (ends - (counts - 1) / 2.0)[inverse]


def judge(values: Values, chosen: list[Candidate], *, horizon: int, lead: int) -> Judgement:
    """Every candidate's figures on ``values``, strongest first, grouped (module doc)."""
    y = values.label
    fit_dates, test_dates = split_dates(values.dates, horizon, lead)
    fit, test = values.rows(fit_dates), values.rows(test_dates)
    items = []
    for c in chosen:
        x = values.values[c.name]
        a, direction = oriented(x, y)
        split = held_out(x, y, fit, test) if fit_dates else None
        has = ~np.isnan(x)
        items.append(
            Judged(
                c,
                float(has.mean()) if len(x) else 0.0,
                a,
                direction,
                split,
                **cohorts(x, y),
                coverage_churned=float(has[y == 1].mean()) if (y == 1).any() else None,
                coverage_stayed=float(has[y == 0].mean()) if (y == 0).any() else None,
            )
        )
    items.sort(key=lambda j: (-(j.auc or 0.0), j.name))
    # a group is led by its strongest candidate without a caveat where it has one, so that
    # a sound metric is not hidden behind a suspect one saying the same
    judged = sorted(
        (j for j in items if j.auc is not None),
        key=lambda j: (j.caveat is not None, -(j.auc or 0.0), j.name),
    )
    r = rank_correlations([values.values[j.name] for j in judged])
    leaders: list[int] = []
    for i, j in enumerate(judged):
        same = next((k for k in leaders if r[i, k] > SAME), None)
        if same is None:
            leaders.append(i)
        else:
            j.leader = judged[same].name
            j.correlation = round(float(r[i, same]), 3)
    return Judgement(items, fit_dates, test_dates)

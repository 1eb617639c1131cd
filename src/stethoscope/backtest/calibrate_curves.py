"""Grading curves fitted from data, and measures that point the wrong way.

``fit_curve`` grades a metric by what its values say about churn: the values are cut into
quantile bins, the churn rate of each bin is made monotone in the value (pool adjacent
violators, in the direction the data runs), neighbouring bins with the closest rates are
merged until a few steps remain, and each step's grade is its churn rate placed between
the worst bin (0) and the best (100). The cuts are rounded to two significant figures (a
whole number when the values are whole), so that the result reads as a ``thresholds``
grading a person can check: ``{points: [[3, 40], [12, 100]], below: 0}``.

``reversed_`` says whether a grade's AUC is clearly under 0.5: the grade ranks churners
*higher*, so the measure's direction is the wrong way round for this book.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from stethoscope.backtest import metrics

# a curve of fewer churned observations than this is noise
MIN_CHURNED = 10
STEPS = 4
BINS = 10
# neighbouring steps closer than this many grade points are merged
SAME_GRADE = 15
# the smallest share of the observations with a value a first bin may hold
MIN_BIN = 0.05
# an AUC this far under 0.5, and under it by two standard errors, is a reversed measure
REVERSED_BELOW = 0.47


@dataclass(frozen=True)
class Curve:
    """A step grading: ``below`` under the first cut, then the grade of the highest cut
    reached (the engine's ``thresholds``). ``rates``: the churn rate of each step, as
    fitted (``below``'s first), for the report."""

    points: tuple[tuple[float, float], ...]
    below: float
    rates: tuple[float, ...] = ()

    def grade(self, values: np.ndarray) -> np.ndarray:
        """The grade of each value (NaN for a missing value)."""
        cuts = np.array([p[0] for p in self.points], dtype=float)
        grades = np.array([self.below, *[p[1] for p in self.points]], dtype=float)
        safe = np.where(np.isnan(values), -np.inf, values)
        out = grades[np.searchsorted(cuts, safe, side="right")]
        return np.where(np.isnan(values), np.nan, out)

    def to_yaml(self) -> dict[str, object]:
        """The ``thresholds`` key of a measure, long form."""
        points = [[_plain(a), _plain(g)] for a, g in self.points]
        return {"points": points, "below": _plain(self.below)}

    def to_json(self) -> dict[str, object]:
        return {
            "points": [list(p) for p in self.points],
            "below": self.below,
            "churn_rates": [round(r, 4) for r in self.rates],
        }


def _plain(x: float) -> float | int:
    return int(x) if float(x).is_integer() else x


def nice(x: float, whole: bool) -> float:
    """``x`` rounded to two significant figures (to a whole number when the metric's
    values are whole): 0.01234 -> 0.012, 13.7 -> 14, 1234 -> 1200."""
    if x == 0 or not math.isfinite(x):
        return 0.0
    digits = 1 - math.floor(math.log10(abs(x)))
    r = round(x, digits)
    return float(round(r)) if whole and digits > 0 else float(r)


def fit_curve(values: np.ndarray, labels: np.ndarray, *, steps: int = STEPS) -> Curve | None:
    """A monotone step grading of churn ``labels`` (0/1) on raw metric ``values`` (NaN:
    missing, left out), at most ``steps`` steps; None when the values hold no monotone
    signal (fewer than ``MIN_CHURNED`` churned, one distinct value, or one step left)."""
    ok = ~np.isnan(values)
    v, y = values[ok], labels[ok].astype(float)
    if y.sum() < MIN_CHURNED or y.sum() == len(y) or len(np.unique(v)) < 2:
        return None
    whole = bool(np.all(np.mod(v, 1) == 0))
    # bins of equal counts; a value is never split across two bins
    qs = np.quantile(v, np.linspace(0, 1, BINS + 1)[1:-1], method="lower")
    edges = np.unique(np.concatenate([[v.min()], [e for e in qs if e > v.min()]]))
    idx = np.searchsorted(edges, v, side="right") - 1
    n = np.bincount(idx, minlength=len(edges)).astype(float)
    k = np.bincount(idx, weights=y, minlength=len(edges))
    keep = n > 0
    edges, n, k = edges[keep], n[keep], k[keep]
    a = metrics.auc(v, y)
    healthier_up = a is None or a >= 0.5  # higher values churn less
    bins = [[float(e), float(nn), float(kk)] for e, nn, kk in zip(edges, n, k, strict=True)]
    bins = _pool(bins, healthier_up)
    while len(bins) > steps:
        gaps = [abs(_rate(bins[i]) - _rate(bins[i + 1])) for i in range(len(bins) - 1)]
        i = int(np.argmin(gaps))
        bins[i : i + 2] = [_merge(bins[i], bins[i + 1])]
    bins = _rounded(bins, whole)
    # a first step too small to trust joins the next
    while len(bins) > 1 and bins[0][1] < MIN_BIN * len(v):
        bins[0:2] = [_merge(bins[0], bins[1])]
    if len(bins) < 2:
        return None
    rates = [_rate(b) for b in bins]
    worst, best = max(rates), min(rates)
    if worst - best <= 0:
        return None
    # steps whose grades would differ by less than SAME_GRADE read as one
    while len(bins) > 2:
        gaps = [abs(_rate(bins[i]) - _rate(bins[i + 1])) for i in range(len(bins) - 1)]
        i = int(np.argmin(gaps))
        if gaps[i] >= SAME_GRADE / 100 * (worst - best):
            break
        bins[i : i + 2] = [_merge(bins[i], bins[i + 1])]
    rates = [_rate(b) for b in bins]
    worst, best = max(rates), min(rates)
    grades = [float(5 * round(20 * (worst - r) / (worst - best))) for r in rates]
    points = tuple((b[0], g) for b, g in zip(bins[1:], grades[1:], strict=True))
    return Curve(points, grades[0], tuple(rates))


def _rate(b: list[float]) -> float:
    return b[2] / b[1]


def _merge(a: list[float], b: list[float]) -> list[float]:
    return [a[0], a[1] + b[1], a[2] + b[2]]


def _pool(bins: list[list[float]], healthier_up: bool) -> list[list[float]]:
    """Pool adjacent violators: churn never rising with the value (``healthier_up``) or
    never falling."""
    out: list[list[float]] = []
    for b in bins:
        out.append(list(b))
        while len(out) > 1 and (
            _rate(out[-2]) < _rate(out[-1]) if healthier_up else _rate(out[-2]) > _rate(out[-1])
        ):
            last = out.pop()
            out[-1] = _merge(out[-1], last)
    return out


def _rounded(bins: list[list[float]], whole: bool) -> list[list[float]]:
    """Cuts rounded to nice numbers; bins whose cuts collapse together are merged."""
    out: list[list[float]] = [list(bins[0])]
    for b in bins[1:]:
        cut = nice(b[0], whole)
        if cut <= out[-1][0]:
            out[-1] = _merge(out[-1], b)
        else:
            out.append([cut, b[1], b[2]])
    return out


def percentile_grades(
    values: np.ndarray, as_of: np.ndarray, within: np.ndarray | None, lower: bool
) -> np.ndarray:
    """The engine's ``percentile`` grading of raw ``values`` (see engine/grading.py), among
    the observations of the same date (and ``within`` group, e.g. segment): the share of the
    others an account ranks at or above, ties taking the best rank of the tie, 50 when
    alone. A flipped percentile measure is graded by this with its new direction: with ties
    (every account with no tickets), that is not 100 minus the old grade."""
    out = np.full(len(values), np.nan)
    keys = (
        as_of.astype(str) if within is None else np.char.add(as_of.astype(str), within.astype(str))
    )
    known = ~np.isnan(values)
    for key in np.unique(keys[known]):
        m = known & (keys == key)
        v = values[m]
        s = np.sort(v)
        n = len(v)
        # accounts ranked at or below each one, better being lower values when ``lower``
        below = n - np.searchsorted(s, v, side="left") if lower else np.searchsorted(s, v, "right")
        out[m] = 50.0 if n == 1 else (below - 1) / (n - 1) * 100
    return out


def reversed_(auc: float | None, churned: int, retained: int) -> bool:
    """Whether a grade's AUC is clearly under 0.5: under ``REVERSED_BELOW`` and under 0.5
    by two standard errors (Hanley and McNeil's)."""
    if auc is None or churned < MIN_CHURNED or retained < 1 or auc >= REVERSED_BELOW:
        return False
    a = 1 - auc  # the formula reads an AUC above 0.5; the error is the same either side
    q1, q2 = a / (2 - a), 2 * a * a / (1 + a)
    var = (a * (1 - a) + (churned - 1) * (q1 - a * a) + (retained - 1) * (q2 - a * a)) / (
        churned * retained
    )
    return auc + 2 * math.sqrt(max(var, 0.0)) < 0.5

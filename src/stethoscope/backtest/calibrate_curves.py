"""Grading curves fitted from data, and measures that point the wrong way.

``fit_curve`` grades a metric by what its values say about churn, for ``calibrate`` and
for ``discover``'s starter model alike: the values are cut into fine quantile bins, the
churn rate of each bin is made monotone in the value (pool adjacent violators, in the
direction the data runs, or the one given), which finds where churn changes (a renewal
90 days out, a seat use of one half) wherever it is, and neighbouring steps closest in
churn are merged until a few remain, each holding a fair share of the observations. Each
step's grade places the log-odds of its churn between the worst step (0) and the best
(100): grades so placed add up as evidence does, so a weighted sum of them is what a
logistic regression on the measures gives, where grades placed by the rate itself would
crowd healthy steps (1% and 3% churn) together at the top. The cuts are rounded to two
significant figures (a whole number when the values are whole), so that the result reads
as a ``thresholds`` grading a person can check: ``{points: [[3, 40], [12, 100]], below: 0}``.

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
STEPS = 6
BINS = 40
# the smallest share of the observations with a value a step may hold
MIN_STEP = 0.03
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
    # the log-odds of churn graded 0 and 100, the ends of the scale
    worst: float = 0.0
    best: float = 0.0

    def grade_of(self, rate: float, n: int) -> float:
        """The grade, in fives, of ``n`` observations churning at ``rate`` on this curve's
        scale, clipped to 0-100 (the observations without a value, say)."""
        odds = float(log_odds(np.array([rate]), np.array([float(n)]))[0])
        return float(5 * round(20 * min(max((self.worst - odds) / (self.worst - self.best), 0), 1)))

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


def fit_curve(
    values: np.ndarray, labels: np.ndarray, *, steps: int = STEPS, direction: str | None = None
) -> Curve | None:
    """A monotone step grading of churn ``labels`` (0/1) on raw metric ``values`` (NaN:
    missing, left out), at most ``steps`` steps, healthier where ``direction`` says
    (``higher``/``lower``; by default the way the data runs); None when the values hold no
    monotone signal (fewer than ``MIN_CHURNED`` churned, one distinct value, or one step
    left)."""
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
    if direction is None:
        a = metrics.auc(v, y)
        healthier_up = a is None or a >= 0.5  # higher values churn less
    else:
        healthier_up = direction == "higher"
    bins = [[float(e), float(nn), float(kk)] for e, nn, kk in zip(edges, n, k, strict=True)]
    bins = _rounded(_pool(bins, healthier_up), whole)
    bins = _merged(bins, steps, MIN_STEP * len(v))
    if len(bins) < 2:
        return None
    odds = log_odds(np.array([_rate(b) for b in bins]), np.array([b[1] for b in bins]))
    # a rate of 0 is kept off 0 by half an observation of its own step: never so far that
    # it passes a neighbour
    odds = np.minimum.accumulate(odds) if healthier_up else np.maximum.accumulate(odds)
    worst, best = float(odds.max()), float(odds.min())
    if worst - best <= 0:
        return None
    grades = [float(5 * round(20 * (worst - o) / (worst - best))) for o in odds]
    # steps graded alike read as one
    cuts = [(b[0], g) for b, g in zip(bins[1:], grades[1:], strict=True)]
    points = tuple((c, g) for (c, g), before in zip(cuts, grades[:-1], strict=True) if g != before)
    if not points:
        return None
    return Curve(points, grades[0], tuple(_rate(b) for b in bins), worst, best)


def log_odds(rate: np.ndarray, n: np.ndarray) -> np.ndarray:
    """The log-odds of churn rates read off ``n`` observations each, kept off 0 and 1 by
    half an observation."""
    r = np.clip(rate, 0.5 / n, 1 - 0.5 / n)
    out: np.ndarray = np.log(r / (1 - r))
    return out


def _merged(bins: list[list[float]], steps: int, min_n: float) -> list[list[float]]:
    """Neighbouring bins merged, those whose churn differs by the fewest standard errors
    (a two-proportion z) first, until at most ``steps`` remain and each holds ``min_n``
    observations (a bin too small joins its closer neighbour). Merging neighbours of a
    monotone curve keeps it monotone. (Merging further, until every cut left separates
    rates two standard errors apart, lost 0.005 of held-out AUC on the random books of
    bench/predictive.py: a weak step still ranks.)"""

    def z(i: int) -> float:
        (_, n1, k1), (_, n2, k2) = bins[i][:3], bins[i + 1][:3]
        p = (k1 + k2) / (n1 + n2)
        se = math.sqrt(max(p * (1 - p), 1e-12) * (1 / n1 + 1 / n2))
        return abs(k1 / n1 - k2 / n2) / se

    bins = [list(b) for b in bins]
    while len(bins) > 1:
        small = [i for i, b in enumerate(bins) if b[1] < min_n]
        pairs = range(len(bins) - 1)
        if small:
            pairs = range(max(small[0] - 1, 0), min(small[0] + 1, len(bins) - 1))
        i = min(pairs, key=z)
        if len(bins) <= steps and not small:
            break
        bins[i : i + 2] = [_merge(bins[i], bins[i + 1])]
    return bins


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

"""The numbers under ``calibrate``: time splits, the weight fit, and nesting fitted weights
back into a model's groups.

A scorecard is fitted *flat*: one column per measure under it (at any depth), whose
effective weight in the scorecard is the product of the weight shares along its path. An
L2-regularised logistic regression of churn on those grades, with coefficients kept
non-negative in the healthy direction, gives each measure's fitted flat weight. ``nest``
then writes weights at every level so that the nested model's effective weights equal the
flat ones: a group's weight in its parent is the fitted weight of everything under it, and
its members' inner weights are their shares of that. This is exact for a tree; a measure
or group reached by more than one path (or a group used by several scorecards that want it
weighted differently inside) can only be approximated, and ``Nested.gap`` says by how much.

Nothing here reads a database or the model file: ``discover`` can call ``fit`` on any
matrix of grades with their observation dates.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from stethoscope.backtest import metrics

if TYPE_CHECKING:
    from stethoscope.model.types import Item, Model

C_GRID = (0.01, 0.1, 1.0, 10.0)
# fewer churned observations than this to fit on: weights are left as they are
MIN_CHURNED = 10
STRONG_CORRELATION = 0.8

# node (a scorecard or a group) -> member -> weight
Weights = dict[str, dict[str, float]]


@dataclass(frozen=True)
class Split:
    """One held-out date and the dates fitted on for it: every earlier date whose label
    window (date + lead + horizon) closed by the held-out date, so no outcome the test
    could see was known when fitting and no observation is on both sides."""

    train: tuple[dt.date, ...]
    test: dt.date

    def to_json(self) -> dict[str, object]:
        return {"train": [d.isoformat() for d in self.train], "test": self.test.isoformat()}


def dates_before(dates: list[dt.date], when: dt.date, gap: int) -> list[dt.date]:
    """The dates whose label window (``gap`` days) closed by ``when``."""
    return [d for d in dates if d + dt.timedelta(days=gap) <= when]


def splits(dates: list[dt.date], gap: int) -> list[Split]:
    """Walk-forward splits: each date with at least one earlier date to fit on."""
    out = []
    for d in dates:
        train = dates_before(dates, d, gap)
        if train:
            out.append(Split(tuple(train), d))
    return out


def rows(as_of: np.ndarray, dates: list[dt.date] | tuple[dt.date, ...]) -> np.ndarray:
    """The observations dated on one of ``dates``."""
    return np.isin(as_of, np.array(list(dates), dtype="datetime64[D]"))


# -- the flat fit ---------------------------------------------------------------------


def fit_weights(x: np.ndarray, y: np.ndarray, c: float = 1.0) -> np.ndarray:
    """Non-negative coefficients, one per column of ``x`` (grades 0-100, NaN missing and
    imputed with the column mean), of an L2 logistic regression of churn ``y`` (0/1) on
    the grades, signed so that a higher grade means less churn. A column whose coefficient
    comes out negative is dropped and the fit repeated; all zeros when none helps."""
    coef = np.zeros(x.shape[1])
    known = ~np.isnan(x).all(axis=0)
    if not known.any() or not 0 < y.sum() < len(y):
        return coef
    means = np.zeros(x.shape[1])
    means[known] = np.nanmean(x[:, known], axis=0)
    z = -np.where(np.isnan(x), means, x) / 100.0
    active = [j for j in range(x.shape[1]) if known[j] and z[:, j].std() > 0]
    while active:
        b = logistic(z[:, active], y.astype(float), c)
        if (b > 0).all():
            coef[active] = b
            break
        active = [j for j, v in zip(active, b, strict=True) if v > 0]
    return coef


def logistic(z: np.ndarray, y: np.ndarray, c: float, iterations: int = 100) -> np.ndarray:
    """The coefficients (intercept left out) of a logistic regression of ``y`` on the
    columns of ``z`` minimising ``c * log loss + |coefficients|^2 / 2``, the intercept not
    penalised: scikit-learn's L2 ``LogisticRegression(C=c)``, by Newton's method. With a
    few dozen columns it converges in a handful of steps; scikit-learn's L-BFGS took 150 ms
    a fit here, and the walk-forward makes about fifty of them."""
    n, k = z.shape
    x = np.column_stack([z, np.ones(n)])
    penalty = np.full(k + 1, 1.0 / c)
    penalty[-1] = 0.0
    beta = np.zeros(k + 1)
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-np.clip(x @ beta, -30, 30)))
        grad = x.T @ (p - y) + penalty * beta
        hess = (x.T * (p * (1 - p))) @ x + np.diag(penalty)
        step = np.linalg.lstsq(hess, grad, rcond=None)[0]
        beta -= step
        if np.abs(step).max() < 1e-9:
            break
    return beta[:k]


def flat_score(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """The engine's rollup of a flat scorecard: known grades weighted, the rest skipped."""
    known = ~np.isnan(x)
    den = (known * w).sum(axis=1)
    num = (np.nan_to_num(x) * w).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / den, np.nan)


def choose_c(x: np.ndarray, y: np.ndarray, as_of: np.ndarray, gap: int) -> float:
    """The C of ``C_GRID`` with the best AUC on the last date, fitted on the dates whose
    labels closed before it (1.0 when there are too few)."""
    dates = [d.astype(object) for d in np.unique(as_of)]
    if len(dates) < 2:
        return 1.0
    train = rows(as_of, dates_before(dates, dates[-1], gap))
    test = rows(as_of, [dates[-1]])
    if y[train].sum() < MIN_CHURNED or not y[test].any() or not train.any():
        return 1.0
    best, best_auc = 1.0, -1.0
    for c in C_GRID:
        w = fit_weights(x[train], y[train], c)
        a = metrics.auc(flat_score(x[test], w), y[test]) if w.any() else None
        if a is not None and a > best_auc:
            best, best_auc = c, a
    return best


@dataclass(frozen=True)
class Fit:
    weights: np.ndarray  # non-negative, one per column; all zeros: nothing predicts
    c: float


def fit(x: np.ndarray, y: np.ndarray, as_of: np.ndarray, *, gap: int) -> Fit:
    """Weights for the columns of ``x`` (grades of observations dated ``as_of``, labels
    ``y`` over a window of ``gap`` days): the regularisation chosen in time order
    (``choose_c``), then fitted on every row."""
    c = choose_c(x, y, as_of, gap)
    return Fit(fit_weights(x, y, c), c)


def hundred(w: dict[str, float]) -> dict[str, int]:
    """Weights as whole numbers summing to 100 (largest remainders), zeros left out."""
    names = list(w)
    v = np.array([max(w[n], 0.0) for n in names], dtype=float)
    if v.sum() <= 0:
        return {}
    raw = v / v.sum() * 100
    base = np.floor(raw).astype(int)
    for j in np.argsort(-(raw - base), kind="stable")[: 100 - base.sum()]:
        base[j] += 1
    return {n: int(b) for n, b in zip(names, base, strict=True) if b > 0}


# -- the model's structure ------------------------------------------------------------


@dataclass
class Nested:
    """Weights at every level: each scorecard's on its direct members, each group's on
    its own; ``gap`` per scorecard: the largest difference, in points of 100, between a
    measure's effective weight in the nested model and its fitted flat weight."""

    cards: Weights
    groups: Weights
    gap: dict[str, float] = field(default_factory=dict)


def weights_of(model: Model) -> Nested:
    """The model's own weights, as a ``Nested``."""

    def w(items: tuple[Item, ...]) -> dict[str, float]:
        return {i.name: float(i.weight) for i in items}

    return Nested(
        {c: w(s.items) for c, s in model.scorecards.items()},
        {g: w(s.items) for g, s in model.groups.items()},
    )


def effective(nested: Nested, card: str) -> dict[str, float]:
    """Each measure's nominal share (0-1) of a scorecard: products of weight shares along
    its paths, summed over paths."""
    out: dict[str, float] = defaultdict(float)

    def walk(members: dict[str, float], share: float) -> None:
        total = sum(members.values())
        if total <= 0:
            return
        for name, w in members.items():
            if name in nested.groups:
                walk(nested.groups[name], share * w / total)
            else:
                out[name] += share * w / total

    walk(nested.cards[card], 1.0)
    return dict(out)


def score(nested: Nested, card: str, grades: dict[str, np.ndarray], n: int) -> np.ndarray:
    """A scorecard's score (0-100) as the engine rolls it up: at every node the known
    members weighted, the missing ones skipped and the rest re-weighted."""
    memo: dict[str, np.ndarray] = {}

    def node(members: dict[str, float]) -> np.ndarray:
        num, den = np.zeros(n), np.zeros(n)
        for name, w in members.items():
            v = group(name) if name in nested.groups else grades[name]
            known = ~np.isnan(v)
            num += np.where(known, v * w, 0.0)
            den += np.where(known, w, 0.0)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(den > 0, num / den, np.nan)

    def group(name: str) -> np.ndarray:
        if name not in memo:
            memo[name] = node(nested.groups[name])
        return memo[name]

    return node(nested.cards[card])


def nest(
    model: Model, flat: dict[str, dict[str, float]], share: dict[str, float] | None = None
) -> Nested:
    """Nested weights reproducing the fitted flat weights ``flat`` (scorecard -> measure
    -> weight) as closely as the model's shape allows, as whole numbers summing to 100 at
    every node. A measure reached by several paths has its weight split among them in
    proportion to the old model's; a group used in several scorecards takes the inner
    weights of all of them pooled (``share``: each scorecard's share of the observations).
    A scorecard not in ``flat`` keeps its weights; so does a group no fit reaches."""
    old = weights_of(model)
    cards: Weights = {c: dict(w) for c, w in old.cards.items()}
    pooled: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for card, target in flat.items():
        total = sum(target.values())
        if total <= 0:
            continue
        nominal = _paths(old, card)
        mass: dict[tuple[str, ...], float] = {}
        for m, paths in nominal.items():
            p_total = sum(paths.values())
            for path, p in paths.items():
                part = p / p_total if p_total > 0 else 1 / len(paths)
                mass[path] = target.get(m, 0.0) / total * part
        # the weight of a node on a path is the fitted mass of every measure below it
        below: dict[tuple[str, ...], float] = defaultdict(float)
        for path, v in mass.items():
            for k in range(1, len(path) + 1):
                below[path[:k]] += v
        cards[card] = {n: below[(n,)] for n in old.cards[card]}
        weight = (share or {}).get(card, 1.0)
        for prefix, v in below.items():
            if len(prefix) > 1:
                pooled[prefix[-2]][prefix[-1]] += v * weight
    groups: Weights = {g: dict(w) for g, w in old.groups.items()}
    for g, inner in pooled.items():
        if sum(inner.values()) > 0:
            groups[g] = {n: inner.get(n, 0.0) for n in old.groups[g]}

    def whole(w: dict[str, float], keep: dict[str, float]) -> dict[str, float]:
        return {k: float(v) for k, v in hundred(w).items()} or keep

    out = Nested(
        {c: whole(w, old.cards[c]) for c, w in cards.items()},
        {g: whole(w, old.groups[g]) for g, w in groups.items()},
    )
    for card, target in flat.items():
        total = sum(target.values())
        if total <= 0:
            continue
        eff = effective(out, card)
        out.gap[card] = max(
            abs(eff.get(m, 0.0) - target.get(m, 0.0) / total) * 100 for m in set(eff) | set(target)
        )
    return out


def _paths(nested: Nested, card: str) -> dict[str, dict[tuple[str, ...], float]]:
    """Each measure under a scorecard: its paths (member names from the scorecard down)
    with the nominal share of each."""
    out: dict[str, dict[tuple[str, ...], float]] = defaultdict(dict)

    def walk(members: dict[str, float], prefix: tuple[str, ...], share: float) -> None:
        total = sum(members.values()) or 1.0
        for name, w in members.items():
            path = (*prefix, name)
            if name in nested.groups:
                walk(nested.groups[name], path, share * w / total)
            else:
                out[name][path] = share * w / total

    walk(nested.cards[card], (), 1.0)
    return dict(out)


def group_shares(nested: Nested, flat: dict[str, float], card: str) -> dict[str, float]:
    """Each group's share (percent) of a scorecard's fitted flat weight: the fitted weight
    of the measures under it (a measure under several groups counts in each)."""
    total = sum(flat.values())
    out: dict[str, float] = defaultdict(float)
    if total <= 0:
        return {}
    for m, paths in _paths(nested, card).items():
        for path in paths:
            for g in {p for p in path[:-1]}:
                out[g] += flat.get(m, 0.0) / total * 100 / len(paths)
    return {g: round(v, 1) for g, v in sorted(out.items())}


def correlated_pairs(
    grades: dict[str, np.ndarray], names: list[str], *, at_least: float = STRONG_CORRELATION
) -> list[dict[str, Any]]:
    """Pairs of ``names`` whose grades (or values) correlate by ``at_least`` (|r|) where
    both are known, over at least 30 observations: candidates for one group, strongest
    first."""
    out = []
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            ga, gb = grades[a], grades[b]
            m = ~np.isnan(ga) & ~np.isnan(gb)
            if m.sum() < 30 or ga[m].std() == 0 or gb[m].std() == 0:
                continue
            r = float(np.corrcoef(ga[m], gb[m])[0, 1])
            if abs(r) >= at_least:
                out.append(
                    {"a": a, "b": b, "correlation": round(r, 3), "observations": int(m.sum())}
                )
    return sorted(out, key=lambda p: -abs(p["correlation"]))


# -- bands ---------------------------------------------------------------------------


def assign_bands(model: Model, score: np.ndarray, cuts: list[dict[str, Any]]) -> np.ndarray:
    """The band of each score under thresholds ``cuts`` (``band_cuts``' answer)."""
    out = np.full(len(score), model.bands[-1].name, dtype=object)
    for b in reversed(cuts):
        if b["below"] is not None:
            out[score < b["below"]] = b["name"]
    out[np.isnan(score)] = None
    return out


def churn_by_score(score: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct scores and an isotonic (never rising with the score) fit of churn at
    each, by pooling adjacent violators: what ``probability.fit(..., "isotonic")`` gives at
    those scores, without importing scikit-learn (6 s cold on this machine) for it."""
    grid, inverse = np.unique(score, return_inverse=True)
    n = np.bincount(inverse).astype(float)
    k = np.bincount(inverse, weights=y)
    blocks: list[list[float]] = []  # [churned, observations, distinct scores]
    for nn, kk in zip(n, k, strict=True):
        blocks.append([kk, nn, 1])
        while len(blocks) > 1 and blocks[-2][0] / blocks[-2][1] < blocks[-1][0] / blocks[-1][1]:
            last = blocks.pop()
            blocks[-1] = [blocks[-1][0] + last[0], blocks[-1][1] + last[1], blocks[-1][2] + last[2]]
    p = np.concatenate([np.full(int(b[2]), b[0] / b[1]) for b in blocks])
    return grid, p


def band_cuts(model: Model, score: np.ndarray, y: np.ndarray) -> list[dict[str, Any]]:
    """New band thresholds on the new score: with N bands, boundary i (worst first) is the
    lowest score whose fitted churn probability falls below base rate x 2^(N-2-i), e.g.
    red below twice the base rate, yellow below the base rate. A boundary the curve never
    crosses keeps its old value; so does one the lowest score is already under (a band of
    nobody, which the model could not hold: a band's ``below`` is above the scale's
    minimum)."""
    ok = ~np.isnan(score)
    out: list[dict[str, Any]] = []
    bands = list(model.bands)
    if not ok.any() or not 0 < y[ok].sum() < ok.sum():
        return [{"name": b.name, "below": b.below, "old_below": b.below} for b in bands]
    base = float(y[ok].mean())
    grid, p = churn_by_score(score[ok], y[ok])
    last = -np.inf
    n = len(bands)
    for i, b in enumerate(bands):
        if b.below is None:
            out.append({"name": b.name, "below": None, "old_below": None})
            continue
        target = base * 2 ** (n - 2 - i)
        under = grid[p < target]
        crossed = len(under) and under.min() > grid.min()
        below = round(float(under.min()), model.scale.decimals) if crossed else b.below
        if below <= last:
            below = b.below if b.below > last else last + 10**-model.scale.decimals
        last = below
        out.append(
            {"name": b.name, "below": below, "old_below": b.below, "churn_probability_at": target}
        )
    return out

"""Fitting a model's weights (and band thresholds) on backtest observations.

For each scorecard of the score, an L2-regularised logistic regression of churn on the
grades of the scorecard's own members (its measures' grades, its groups' scores; 0-100,
a missing one imputed with the training mean) gives one coefficient per member. The
coefficients are kept non-negative in the healthy direction (a higher grade may only mean
less churn): a member whose coefficient comes out negative is dropped and the fit
repeated. Normalised to sum to 100 and rounded, the coefficients are the new weights: the
score becomes (up to its scale) the fitted log-odds of staying.

Everything is judged on held-out dates, in time order: for each later observation date,
the weights are fitted on the earlier dates whose labels were complete by then (date +
lead + horizon at or before it), and the old and new scores are compared on that date.
The regularisation strength is chosen inside the training dates the same way (fitted on
the earlier ones, validated on the last). The weights written to the new file are fitted
on every date. A group's own inner weights are kept as they are.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from stethoscope.backtest import metrics, probability
from stethoscope.backtest.observations import Observations

if TYPE_CHECKING:
    from stethoscope.model.types import Item, Model

C_GRID = (0.01, 0.1, 1.0, 10.0)
# fewer churned observations than this in a scorecard: its weights are left as they are
MIN_CHURNED = 10
# a member with less than this share of the weight, or whose own AUC is this close to
# chance, adds nothing worth its place
SMALL_WEIGHT = 2
CHANCE = 0.52
STRONG_CORRELATION = 0.8


@dataclass
class CardFit:
    scorecard: str
    members: list[str]
    old: dict[str, float]
    new: dict[str, int] | None  # None: kept (too few churned observations)
    note: str = ""


@dataclass
class Calibration:
    score: str
    cards: list[CardFit]
    old_auc: float | None
    new_auc: float | None
    held_out_dates: list[str]
    held_out_observations: int
    bands: list[dict[str, Any]]
    flags: list[dict[str, Any]] = field(default_factory=list)
    correlated: list[dict[str, Any]] = field(default_factory=list)
    c: float = 1.0

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": "calibration",
            "score": self.score,
            "held_out": {
                "dates": self.held_out_dates,
                "observations": self.held_out_observations,
                "old_auc": self.old_auc,
                "new_auc": self.new_auc,
            },
            "regularisation_c": self.c,
            "scorecards": [
                {
                    "scorecard": c.scorecard,
                    "old": c.old,
                    "new": c.new,
                    "note": c.note,
                }
                for c in self.cards
            ],
            "bands": self.bands,
            "adds_nothing": self.flags,
            "correlated": self.correlated,
        }


def _features(obs: Observations, items: tuple[Item, ...]) -> np.ndarray:
    cols = [obs.grades[i.name] if i.kind == "measure" else obs.groups[i.name] for i in items]
    return np.column_stack(cols) if cols else np.zeros((len(obs), 0))


def _impute(x: np.ndarray, means: np.ndarray) -> np.ndarray:
    return np.where(np.isnan(x), means, x)


def _fit(x: np.ndarray, y: np.ndarray, c: float) -> np.ndarray:
    """Non-negative coefficients (healthy direction) of an L2 logistic regression."""
    from sklearn.linear_model import LogisticRegression

    means = np.nanmean(np.where(np.isnan(x).all(axis=0), 0.0, x), axis=0)
    z = -_impute(x, np.nan_to_num(means)) / 100.0
    active = [j for j in range(x.shape[1]) if not np.isnan(x[:, j]).all()]
    coef = np.zeros(x.shape[1])
    while active:
        lr = LogisticRegression(C=c, max_iter=500)
        lr.fit(z[:, active], y.astype(int))
        b = lr.coef_[0]
        if (b > 0).all():
            coef[active] = b
            break
        active = [j for j, v in zip(active, b, strict=True) if v > 0]
    return coef


def _score(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """The engine's rollup of a flat scorecard: known grades weighted, the rest skipped."""
    known = ~np.isnan(x)
    den = (known * w).sum(axis=1)
    num = (np.nan_to_num(x) * w).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / den, np.nan)


def _dates_before(dates: list[dt.date], when: dt.date, gap: int) -> list[dt.date]:
    return [d for d in dates if d + dt.timedelta(days=gap) <= when]


def _rows(obs: Observations, dates: list[dt.date]) -> np.ndarray:
    return np.isin(obs.as_of, np.array(dates, dtype="datetime64[D]"))


def _choose_c(obs: Observations, x: np.ndarray, dates: list[dt.date], gap: int) -> float:
    """The C of the grid with the best AUC on the last date, fitted on the dates before
    it (1.0 when there are too few)."""
    if len(dates) < 2:
        return 1.0
    train = _rows(obs, _dates_before(dates, dates[-1], gap))
    test = _rows(obs, [dates[-1]])
    y = obs.label
    if y[train].sum() < MIN_CHURNED or not y[test].any() or train.sum() == 0:
        return 1.0
    best, best_auc = 1.0, -1.0
    for c in C_GRID:
        w = _fit(x[train], y[train], c)
        a = metrics.auc(_score(x[test], w), y[test]) if w.any() else None
        if a is not None and a > best_auc:
            best, best_auc = c, a
    return best


def _hundred(w: np.ndarray, names: list[str]) -> dict[str, int]:
    """Weights as whole numbers summing to 100 (largest remainders), zeros left out."""
    if w.sum() <= 0:
        return {}
    raw = w / w.sum() * 100
    base = np.floor(raw).astype(int)
    for j in np.argsort(-(raw - base), kind="stable")[: 100 - base.sum()]:
        base[j] += 1
    return {n: int(v) for n, v in zip(names, base, strict=True) if v > 0}


def calibrate(
    obs: Observations,
    model: Model,
    score: str,
    *,
    horizon: int,
    lead: int = 0,
) -> Calibration:
    gap = horizon + lead
    dates = obs.dates
    y = obs.label
    cards = sorted({s.scorecard for s in model.scores[score].segments})
    card_of = obs["scorecard"].astype(str)
    # held-out: every date with earlier dates whose labels were complete by then
    held = [d for d in dates if _dates_before(dates, d, gap)]
    new_scores = np.full(len(obs), np.nan)
    old_scores = obs.score
    fits: list[CardFit] = []
    chosen: list[float] = []
    final_w: dict[str, np.ndarray] = {}
    for card in cards:
        items = model.scorecards[card].items
        names = [i.name for i in items]
        in_card = card_of == card
        x = _features(obs, items)
        old_w = np.array([i.weight for i in items], dtype=float)
        for d in held:
            train_dates = _dates_before(dates, d, gap)
            tr = _rows(obs, train_dates) & in_card
            te = _rows(obs, [d]) & in_card
            if y[tr].sum() < MIN_CHURNED:
                new_scores[te] = _score(x[te], old_w)
                continue
            c = _choose_c(obs.take(in_card), x[in_card], train_dates, gap)
            w = _fit(x[tr], y[tr], c)
            new_scores[te] = _score(x[te], w if w.any() else old_w)
        old = {n: float(v) for n, v in zip(names, old_w, strict=True)}
        if y[in_card].sum() < MIN_CHURNED:
            fits.append(
                CardFit(
                    card,
                    names,
                    old,
                    None,
                    f"kept: {int(y[in_card].sum())} churned observations, fewer than {MIN_CHURNED}",
                )
            )
            final_w[card] = old_w
            continue
        c = _choose_c(obs.take(in_card), x[in_card], dates, gap)
        chosen.append(c)
        w = _fit(x[in_card], y[in_card], c)
        new = _hundred(w, names)
        if not new:
            fits.append(CardFit(card, names, old, None, "kept: no member predicts churn"))
            final_w[card] = old_w
            continue
        final_w[card] = np.array([new.get(n, 0) for n in names], dtype=float)
        dropped = [n for n in names if n not in new]
        note = f"left out (add nothing here): {', '.join(dropped)}" if dropped else ""
        fits.append(CardFit(card, names, old, new, note))
    test = _rows(obs, held) & ~np.isnan(old_scores) & ~np.isnan(new_scores)
    old_auc = metrics.auc(old_scores[test], y[test]) if test.any() else None
    new_auc = metrics.auc(new_scores[test], y[test]) if test.any() else None
    everywhere = np.full(len(obs), np.nan)
    for card in cards:
        m = card_of == card
        everywhere[m] = _score(_features(obs, model.scorecards[card].items)[m], final_w[card])
    scale = model.scale
    scaled = scale.min + (scale.max - scale.min) * everywhere / 100
    return Calibration(
        score,
        fits,
        old_auc,
        new_auc,
        [d.isoformat() for d in held],
        int(test.sum()),
        _bands(model, scaled, y),
        _flags(obs, fits, y),
        _correlated(obs, model, score),
        float(np.median(chosen)) if chosen else 1.0,
    )


def _bands(model: Model, score: np.ndarray, y: np.ndarray) -> list[dict[str, Any]]:
    """New band thresholds on the new score: with N bands, boundary i (worst first) is the
    lowest score whose fitted churn probability falls below base rate x 2^(N-2-i), e.g.
    red below twice the base rate, yellow below the base rate. A boundary the curve never
    crosses keeps its old value."""
    ok = ~np.isnan(score)
    out: list[dict[str, Any]] = []
    bands = list(model.bands)
    if not ok.any() or not 0 < y[ok].sum() < ok.sum():
        return [{"name": b.name, "below": b.below, "old_below": b.below} for b in bands]
    mapping = probability.fit(score[ok], y[ok], "isotonic")
    base = float(y[ok].mean())
    grid = np.unique(score[ok])
    p = mapping.predict(grid)
    last = -np.inf
    n = len(bands)
    for i, b in enumerate(bands):
        if b.below is None:
            out.append({"name": b.name, "below": None, "old_below": None})
            continue
        target = base * 2 ** (n - 2 - i)
        under = grid[p < target]
        below = round(float(under.min()), model.scale.decimals) if len(under) else b.below
        if below <= last:
            below = b.below if b.below > last else last + 10**-model.scale.decimals
        last = below
        out.append(
            {"name": b.name, "below": below, "old_below": b.below, "churn_probability_at": target}
        )
    return out


def _flags(obs: Observations, fits: list[CardFit], y: np.ndarray) -> list[dict[str, Any]]:
    out = []
    for f in fits:
        if f.new is None:
            continue
        for n in f.members:
            w = f.new.get(n, 0)
            grade = obs.grades.get(n, obs.groups.get(n))
            m = obs["scorecard"].astype(str) == f.scorecard
            own = metrics.auc(grade[m], y[m]) if grade is not None else None
            reasons = []
            if w < SMALL_WEIGHT:
                reasons.append(f"fitted weight {w} of 100")
            if own is not None and own < CHANCE:
                reasons.append(f"its own AUC is {own:.3f}")
            if own is None:
                reasons.append("no grade to judge it by")
            if reasons:
                out.append(
                    {"scorecard": f.scorecard, "member": n, "auc": own, "why": "; ".join(reasons)}
                )
    return out


def _correlated(obs: Observations, model: Model, score: str) -> list[dict[str, Any]]:
    """Pairs of measures whose grades correlate strongly: candidates for one group."""
    from stethoscope.backtest.observations import graded

    names, _ = graded(model, score)
    out = []
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            ga, gb = obs.grades[a], obs.grades[b]
            m = ~np.isnan(ga) & ~np.isnan(gb)
            if m.sum() < 30 or ga[m].std() == 0 or gb[m].std() == 0:
                continue
            r = float(np.corrcoef(ga[m], gb[m])[0, 1])
            if abs(r) >= STRONG_CORRELATION:
                out.append(
                    {"a": a, "b": b, "correlation": round(r, 3), "observations": int(m.sum())}
                )
    return sorted(out, key=lambda p: -abs(p["correlation"]))


def model_text(model: Model, cal: Calibration, *, source: str, when: dt.date) -> str:
    """The model's YAML with the fitted weights and band thresholds, as a new file (the
    comments of the original are not carried over; its keys and their order are)."""
    import yaml

    data = yaml.safe_load(model.source)
    for f in cal.cards:
        if f.new is None:
            continue
        card = data["scorecards"][f.scorecard]
        weights = {n: f.new[n] for n in f.members if n in f.new}
        if isinstance(card, dict) and "weights" in card:
            card["weights"] = weights
        else:
            data["scorecards"][f.scorecard] = weights
    data["bands"] = [
        {
            k: v
            for k, v in (("name", b.name), ("below", nb["below"]), ("label", b.label))
            if v not in (None, "")
        }
        for b, nb in zip(model.bands, cal.bands, strict=True)
    ]
    h = cal.to_json()["held_out"]
    header = (
        f"# {model.name}, calibrated by `stethoscope calibrate` on {when.isoformat()} from "
        f"{source} (version {model.version[:12]}).\n"
        f"# Held-out AUC of '{cal.score}' on {len(h['dates'])} later dates: "
        f"{_fmt(h['old_auc'])} with the old weights, {_fmt(h['new_auc'])} with weights fitted\n"
        "# this way on the dates before each (these weights are fitted on every date).\n"
        "# Review the weights and thresholds before using this file as the project's model.\n"
    )
    return header + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def _fmt(v: float | None) -> str:
    return "-" if v is None else f"{v:.3f}"

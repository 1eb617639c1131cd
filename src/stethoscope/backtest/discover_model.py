"""The starter model of ``stethoscope discover``: the best uncorrelated candidates, graded
and weighted on the observations, as a model file for a person to review.

0. **The gate**: where nearly all churn (``GATED``) falls on observations whose term ends
   within the horizon (days to the term's end), as it does where contracts run for a term,
   the candidates are judged and graded on those observations only, and days to the term's
   end is a measure of its own, graded on every observation. Judged over every observation,
   a behaviour that decides who leaves at renewal is drowned by the many observations no
   renewal can follow: on bench/predictive.py's random books, where all churn falls at term
   ends, a monthly contract scored 0.55 of AUC alone and 0.63-0.75 where a term ends, some
   in the other direction; the gap to the oracle fell from 0.018 to 0.010 on average.
1. **Selection**: group leaders (``discover_stats``), strongest first, that are stable over
   time, carry no ``caveat`` (a value without history, or one present mostly when the
   account churned), have a value for at least
   ``MIN_COVERAGE`` of the observations and an AUC of at least ``MIN_AUC``; at most N.
2. **Grading**: each measure grades its metric with readable ``thresholds``: a step curve
   of churn on the metric's values, monotone in the measure's direction, each step graded
   by the log-odds of its churn (``calibrate_curves.fit_curve``, the curve ``calibrate``
   fits). Observations without a value are graded by their own churn rate on that scale
   (``missing:``) when there are ``MIN_MISSING`` of them.
3. **Weights**: an L2-regularised logistic regression of churn on the grades (a grade
   still missing imputed with the mean), coefficients kept non-negative in the healthy direction (a
   measure that comes out negative is dropped and the fit repeated), normalised to 100. The
   regularisation is chosen on time: fitted on earlier dates, judged on the later ones.
4. **Bands**: on the weighted score, red below the score where an isotonic fit of churn
   falls under twice the base rate, yellow below where it falls under the base rate (a
   quantile when the curve never crosses), so churn falls band by band.

The whole recipe runs twice: on the earlier dates alone, judged on the later ones (the
held-out figures of the report), and on every date, for the file written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from stethoscope.backtest import discover_text, metrics
from stethoscope.backtest.calibrate_curves import fit_curve
from stethoscope.backtest.calibrate_fit import C_GRID, fit_weights, flat_score
from stethoscope.backtest.discover_stats import judge
from stethoscope.backtest.discover_text import BANDS
from stethoscope.backtest.summary import split_dates

if TYPE_CHECKING:
    from stethoscope.backtest.candidates import Candidate
    from stethoscope.backtest.discover import Settings, Values
    from stethoscope.backtest.discover_stats import Judged, Judgement

MIN_AUC = 0.55
MIN_COVERAGE = 0.1
MIN_CHURNED = 10
# observations without a value needed to grade them by their own churn rate
MIN_MISSING = 100


# churn this concentrated where a term ends within the horizon makes the contract a gate
GATED = 0.9
# the candidates that say when a term ends (the contract's own first)
GATES = ("days_to_term_end", "days_to_renewal")


@dataclass(frozen=True)
class Gate:
    """Where the contract lets churn happen: the observations ``focus`` whose term ends
    within the horizon (``name``, days to the term's end), holding ``churned_share`` of
    the churned ones (module doc, 0)."""

    name: str
    focus: np.ndarray
    churned: int  # of the focus
    churned_share: float

    def take(self, rows: np.ndarray, label: np.ndarray) -> Gate:
        """The gate on ``rows`` alone (``label``: the labels of every row)."""
        focus, y = self.focus[rows], label[rows]
        churned = int(y[focus].sum())
        return Gate(self.name, focus, churned, churned / y.sum() if y.any() else 0.0)

    def to_json(self) -> dict[str, Any]:
        return {
            "measure": self.name,
            "observations": int(self.focus.sum()),
            "share_of_observations": float(self.focus.mean()),
            "churned": self.churned,
            "share_of_churned": self.churned_share,
        }


def gate_of(values: Values, chosen: list[Candidate], reach: int) -> Gate | None:
    """The gate, when nearly all churn (``GATED``) falls where a term ends within ``reach``
    days (horizon and lead) and that is not nearly every observation; else None."""
    usable = {c.name for c in chosen if c.caveat is None}
    y = values.label
    for name in GATES:
        x = values.values.get(name)
        if x is None or name not in usable or not y.any():
            continue
        focus = np.nan_to_num(x, nan=np.inf) <= reach
        share = float(y[focus].sum() / y.sum())
        if share >= GATED and 0.05 <= focus.mean() <= 0.9:
            return Gate(name, focus, int(y[focus].sum()), share)
        return None
    return None


@dataclass
class Measure:
    name: str
    direction: str
    auc: float
    points: list[tuple[float, int]]
    below: int
    weight: int = 0
    # the grade of an observation without a value (the measure's ``missing:``), or None to
    # skip it
    missing: int | None = None

    def grade(self, x: np.ndarray) -> np.ndarray:
        """The engine's ``thresholds`` grading: the grade of the highest point reached."""
        at = np.array([p for p, _ in self.points])
        grades = np.array([self.below] + [g for _, g in self.points], dtype=float)
        out = grades[np.searchsorted(at, x, side="right")]
        gone = np.nan if self.missing is None else float(self.missing)
        return np.where(np.isnan(x), gone, out)


@dataclass
class Fitted:
    measures: list[Measure]
    bands: list[float]  # the `below` of every band but the last
    c: float


@dataclass
class Starter:
    """The starter model's text and figures, or why there is none."""

    text: str = ""
    problem: str | None = None
    figures: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.problem is None

    def to_json(self) -> dict[str, Any]:
        return self.figures


def grading(
    x: np.ndarray, y: np.ndarray, direction: str
) -> tuple[list[tuple[float, int]], int, int | None]:
    """(points, below, missing) of a thresholds grading read off churn by value (module
    doc; no points when the values hold no monotone signal); ``missing`` grades the
    observations without a value by their churn rate on the same scale, when there are
    enough of them to read one."""
    curve = fit_curve(x, y, direction=direction)
    if curve is None:
        return [], 50, None
    points = [(float(at), int(g)) for at, g in curve.points]
    gone = y[np.isnan(x)]
    missing = (
        int(curve.grade_of(float(gone.mean()), len(gone))) if len(gone) >= MIN_MISSING else None
    )
    return points, int(curve.below), missing


def _hundred(w: np.ndarray) -> np.ndarray:
    """Weights as whole numbers summing to 100 (largest remainders)."""
    raw = w / w.sum() * 100
    base = np.floor(raw).astype(int)
    for j in np.argsort(-(raw - base), kind="stable")[: 100 - base.sum()]:
        base[j] += 1
    out: np.ndarray = base
    return out


def _short(values: Values, name: str, rows: np.ndarray) -> np.ndarray:
    """Which of ``rows`` have no value of ``name`` for want of history (discover.short_history)."""
    short = values.short.get(name)
    return short[rows] if short is not None else np.zeros(int(rows.sum()), dtype=bool)


def _choose_c(grades: np.ndarray, y: np.ndarray, as_of: np.ndarray, gap: tuple[int, int]) -> float:
    """The C of the grid whose fit on the earlier dates best ranks the later ones (the
    held-out split of the report, several dates: calibrate's walk-forward judges on the
    last date alone, which on four monthly dates chose worse here)."""
    dates = [d.astype(object) for d in np.unique(as_of)]
    fit_d, test_d = split_dates(dates, *gap)
    fit = np.isin(as_of, np.array(fit_d, dtype="datetime64[D]"))
    test = np.isin(as_of, np.array(test_d, dtype="datetime64[D]"))
    if not fit_d or y[fit].sum() < MIN_CHURNED or not y[test].any():
        return 1.0
    best, best_auc = 1.0, -1.0
    for c in C_GRID:
        w = fit_weights(grades[fit], y[fit], c)
        a = metrics.auc(flat_score(grades[test], w), y[test]) if w.any() else None
        if a is not None and a > best_auc:
            best, best_auc = c, a
    return best


def select(judgement: Judgement, n: int) -> list[Judged]:
    """The candidates a starter model takes (module doc, 1)."""
    out: list[Judged] = []
    for j in judgement.leaders():
        if len(out) >= n:
            break
        if (
            j.caveat is None
            and j.stable
            and j.coverage >= MIN_COVERAGE
            and (j.auc or 0.0) >= MIN_AUC
        ):
            out.append(j)
    return out


def fit(
    values: Values,
    rows: np.ndarray,
    judgement: Judgement,
    n: int,
    gap: tuple[int, int],
    gate: Gate | None = None,
) -> Fitted | str:
    """The recipe of the module doc on ``rows``; a text saying why when nothing fits.
    With a ``gate``, ``judgement`` is of its focus, the measures are graded there, and the
    gate itself is a measure graded on every row."""
    y = values.label[rows]
    if y.sum() < MIN_CHURNED:
        return f"{int(y.sum())} churned observations, fewer than {MIN_CHURNED} to fit on"
    focus = gate.focus[rows] if gate else np.ones(len(y), dtype=bool)
    chosen = [j for j in select(judgement, n + len(GATES)) if not gate or j.name not in GATES]
    measures = []
    for j in chosen[: n - 1 if gate else n]:
        assert j.direction is not None
        assert j.auc is not None
        x, has = values.values[j.name][rows], focus & ~_short(values, j.name, rows)
        points, below, missing = grading(x[has], y[has], j.direction)
        if points:  # a grading that gives everyone the same grade tells nobody apart
            measures.append(Measure(j.name, j.direction, j.auc, points, below, missing=missing))
    if gate:
        x = values.values[gate.name][rows]
        a = metrics.auc(x, y) or 0.5  # the healthy way: far from the term's end
        direction = "higher" if a >= 0.5 else "lower"
        points, below, missing = grading(x, y, direction)
        if points:
            measures.append(
                Measure(gate.name, direction, max(a, 1 - a), points, below, missing=missing)
            )
    if not measures:
        return (
            f"no candidate reaches an AUC of {MIN_AUC} with a value for {MIN_COVERAGE:.0%} of "
            "the observations, stable over time and with history"
        )
    # a value unknown for want of history is no grade (the fit imputes the mean)
    grades = np.column_stack(
        [
            np.where(_short(values, m.name, rows), np.nan, m.grade(values.values[m.name][rows]))
            for m in measures
        ]
    )
    as_of = values.as_of[rows]
    c = _choose_c(grades, y, as_of, gap)
    w = fit_weights(grades, y, c)
    if not w.any():
        return "no measure keeps a positive weight in the fit"
    whole = _hundred(w)
    kept = []
    for m, v in zip(measures, whole, strict=True):
        m.weight = int(v)
        if v > 0:
            kept.append(m)
    score = flat_score(grades, whole.astype(float))
    return Fitted(kept, _bands(score, y), c)


def _bands(score: np.ndarray, y: np.ndarray) -> list[float]:
    """The `below` of red and yellow (module doc, 4)."""
    from sklearn.isotonic import IsotonicRegression

    ok = ~np.isnan(score)
    s, t = score[ok], y[ok]
    base = float(t.mean())
    iso = IsotonicRegression(increasing=False, out_of_bounds="clip").fit(s, t)
    grid = np.unique(s)
    p = iso.predict(grid)
    out: list[float] = []
    for target, share in ((2 * base, 0.2), (base, 0.5)):
        under = grid[p < target]
        cut = float(under.min()) if len(under) else float(np.quantile(s, share))
        below_share = float((s < cut).mean())
        if not 0.02 <= below_share <= 0.9:  # a band of almost nobody or almost everybody
            cut = float(np.quantile(s, share))
        cut = round(cut, 1)
        if out and cut <= out[-1]:
            cut = round(max(float(np.quantile(s, share)), out[-1] + 0.1), 1)
        out.append(min(cut, 99.9 if not out else 100.0))
    return out


def scores(fitted: Fitted, values: Values, rows: np.ndarray) -> np.ndarray:
    grades = np.column_stack([m.grade(values.values[m.name][rows]) for m in fitted.measures])
    return flat_score(grades, np.array([m.weight for m in fitted.measures], dtype=float))


def band_of(score: np.ndarray, bands: list[float]) -> np.ndarray:
    names = np.array([b for b, _ in BANDS], dtype=object)
    which = np.searchsorted(np.array(bands), score, side="right")
    out: np.ndarray = names[np.clip(which, 0, len(names) - 1)]
    out[np.isnan(score)] = None
    return out


def figures(fitted: Fitted, values: Values, rows: np.ndarray) -> dict[str, Any]:
    """AUC, top-decile lift and churn by band of the fitted score on ``rows``."""
    s = scores(fitted, values, rows)
    y = values.label[rows]
    band = band_of(s, fitted.bands)
    per_band = []
    for name, _ in BANDS:
        m = band == name
        per_band.append(
            {
                "band": name,
                "observations": int(m.sum()),
                "churned": int(y[m].sum()),
                "churn_rate": float(y[m].mean()) if m.any() else None,
            }
        )
    return {
        "observations": int(rows.sum()),
        "churned": int(y.sum()),
        "auc": metrics.auc(s, y),
        "lift_top_decile": metrics.lift(
            s, y, values.as_of[rows], values.account_id[rows].astype(str)
        ),
        "bands": per_band,
        "monotonic": metrics.monotonic(per_band),
    }


def starter(
    values: Values,
    chosen: list[Candidate],
    judgement: Judgement,
    *,
    settings: Settings,
    measures: int,
    gate: Gate | None = None,
) -> Starter:
    """The starter model (module doc): held-out figures from the recipe run on the earlier
    dates, and the file from the recipe run on every date."""
    gap = (settings.horizon, settings.lead)
    everything = np.ones(len(values), dtype=bool)
    final = fit(values, everything, judgement, measures, gap, gate)
    if isinstance(final, str):
        return Starter(problem=final)
    held: dict[str, Any] | None = None
    if judgement.fit_dates:
        fit_rows = values.rows(judgement.fit_dates)
        test_rows = values.rows(judgement.test_dates)
        sub = values.take(fit_rows)
        sub_gate = gate.take(fit_rows, values.label) if gate else None
        early = fit(
            sub,
            np.ones(len(sub), dtype=bool),
            judge(
                sub.take(sub_gate.focus) if sub_gate else sub,
                chosen,
                horizon=settings.horizon,
                lead=settings.lead,
            ),
            measures,
            gap,
            sub_gate,
        )
        if not isinstance(early, str):
            held = figures(early, values, test_rows) | {
                "fit_dates": [d.isoformat() for d in judgement.fit_dates],
                "test_dates": [d.isoformat() for d in judgement.test_dates],
                "measures": [m.name for m in early.measures],
            }
    specs = {c.name: c for c in chosen}
    text = discover_text.model_text(final, specs, settings=settings, held_out=held)
    return Starter(
        text,
        figures={
            "measures": [
                {
                    "name": m.name,
                    "direction": m.direction,
                    "auc": m.auc,
                    "weight": m.weight,
                    "thresholds": {"points": [list(p) for p in m.points], "below": m.below},
                    "missing": m.missing,
                }
                for m in final.measures
            ],
            "bands": [
                {"name": name, "below": b, "label": label}
                for (name, label), b in zip(BANDS, [*final.bands, None], strict=True)
            ],
            "regularisation_c": final.c,
            "in_sample": figures(final, values, everything),
            "held_out": held,
        },
    )

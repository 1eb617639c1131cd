"""Fitting a model on backtest observations: weights at every level, measures that point
the wrong way, grading curves, band thresholds; each change judged on held-out dates.

The changes are made in steps, each on top of the last, and each is judged the same way:

1. **weights**: every scorecard is fitted flat (``calibrate_fit``): one L2 logistic
   regression of churn on the grades of every measure under it, at any depth, with
   non-negative coefficients in the healthy direction; the fitted flat weights are then
   written back at every level (each group's inner weights, the scorecard's weights on
   its groups) so that the nested model reproduces them.
2. **flips**: a measure whose grade ranks churners *higher* (its AUC clearly under 0.5,
   ``calibrate_curves.reversed_``) is turned round (``100 - grade``: its direction, or its
   grading's grades, reversed) before the weights are refitted.
3. **curves**: a numeric measure's grading is replaced by a step curve fitted on the raw
   metric against churn (``calibrate_curves.fit_curve``), where curves fitted on earlier
   dates beat the measure's current grading by ``CURVE_GAIN`` of AUC on the held-out dates
   (a split: those among its training dates); the weights are refitted.

Held out, in time order: for each observation date with earlier dates whose labels were
complete by then (``calibrate_fit.splits``), every decision (flips, curves, the
regularisation, weights, band thresholds) is made on the earlier dates only, and the
resulting model scores that date. The figures of each step (AUC, top-decile lift, churn by
band) are read on those held-out scores, beside the old model's on the same observations.
The file written is fitted on every date.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from stethoscope.backtest import calibrate_fit as cf
from stethoscope.backtest import metrics
from stethoscope.backtest.calibrate_curves import (
    Curve,
    fit_curve,
    percentile_grades,
    reversed_,
)
from stethoscope.backtest.observations import Observations, graded
from stethoscope.model.types import Boolean, Categorical, Decay, Percentile

if TYPE_CHECKING:
    from stethoscope.model.types import Model

# a measure with less than this share of the fitted weight, or whose own AUC is this
# close to chance, adds nothing worth its place
SMALL_WEIGHT = 2
CHANCE = 0.52
# a fitted curve replaces a grading when its held-out AUC is at least this much higher
CURVE_GAIN = 0.01
# the nested model reproducing the flat fit only to within more points than this is said
NESTED_GAP = 2.0

Grades = dict[str, np.ndarray]


@dataclass
class CardFit:
    scorecard: str
    old: dict[str, float]  # the scorecard's direct members, as written
    new: dict[str, int] | None  # None: kept
    note: str = ""
    flat: dict[str, int] = field(default_factory=dict)  # fitted weight of every measure
    group_shares: dict[str, float] = field(default_factory=dict)
    gap: float | None = None  # points of 100 between the nested and the flat weights


@dataclass
class MeasureFit:
    measure: str
    auc: float | None  # its grade's own AUC, every observation whose scorecard uses it
    held_out_auc: float | None  # the same on the held-out dates
    reversed: bool = False
    flipped: bool = False
    curve: Curve | None = None  # adopted for the new file
    curve_auc: float | None = None  # held out, curves fitted on earlier dates
    grade_auc: float | None = None  # held out, the grading it replaces (after any flip)
    note: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "measure": self.measure,
            "auc": self.auc,
            "held_out_auc": self.held_out_auc,
            "reversed": self.reversed,
            "flipped": self.flipped,
            "curve": self.curve.to_json() if self.curve else None,
            "curve_held_out_auc": self.curve_auc,
            "grading_held_out_auc": self.grade_auc,
            "note": self.note,
        }


@dataclass
class Step:
    """One step's held-out figures: the model after this change (and those before it)."""

    name: str
    changes: list[str]
    auc: float | None
    flat_auc: float | None  # the flat fit itself, before nesting (None for the old model)
    lift: float | None
    bands: list[dict[str, Any]]
    monotonic: bool | None  # None: fewer than two bands hold observations
    # False: this step lowered the held-out AUC, and the file leaves its changes out
    kept: bool = True

    def to_json(self) -> dict[str, Any]:
        return {
            "step": self.name,
            "changes": self.changes,
            "kept": self.kept,
            "auc": self.auc,
            "flat_auc": self.flat_auc,
            "lift_top_decile": self.lift,
            "bands": self.bands,
            "monotonic": self.monotonic,
        }


@dataclass
class Calibration:
    score: str
    cards: list[CardFit]
    groups: list[dict[str, Any]]
    measures: list[MeasureFit]
    steps: list[Step]
    splits: list[cf.Split]
    held_out_observations: int
    bands: list[dict[str, Any]]
    flags: list[dict[str, Any]] = field(default_factory=list)
    correlated: list[dict[str, Any]] = field(default_factory=list)
    c: float = 1.0
    flatten: bool = False

    @property
    def old_auc(self) -> float | None:
        return self.steps[0].auc if self.steps else None

    @property
    def new_auc(self) -> float | None:
        kept = [s for s in self.steps if s.kept]
        return kept[-1].auc if kept else None

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": "calibration",
            "score": self.score,
            "held_out": {
                "dates": [s.test.isoformat() for s in self.splits],
                "observations": self.held_out_observations,
                "old_auc": self.old_auc,
                "new_auc": self.new_auc,
                "splits": [s.to_json() for s in self.splits],
            },
            "steps": [s.to_json() for s in self.steps],
            "regularisation_c": self.c,
            "flatten": self.flatten,
            "scorecards": [
                {
                    "scorecard": c.scorecard,
                    "old": c.old,
                    "new": c.new,
                    "note": c.note,
                    "fitted_flat": c.flat,
                    "group_shares": c.group_shares,
                    "nested_gap": c.gap,
                }
                for c in self.cards
            ],
            "groups": self.groups,
            "measures": [m.to_json() for m in self.measures],
            "bands": self.bands,
            "adds_nothing": self.flags,
            "correlated": self.correlated,
        }


def calibrate(
    obs: Observations,
    model: Model,
    score: str,
    *,
    horizon: int,
    lead: int = 0,
    flips: bool = True,
    curves: bool = True,
    flatten: bool = False,
) -> Calibration:
    """Fit ``model``'s ``score`` on ``obs`` (see the module doc). ``flips`` and ``curves``
    turn those steps on; ``flatten`` writes each scorecard's fitted measures directly
    instead of nesting them in the model's groups."""
    from stethoscope.engine.rollup import members

    job = _Job(obs, model, score, horizon + lead, flatten)
    cards = job.cards
    measures = sorted({m for c in cards for m in members(model, c)[0]})
    fits = {m: job.diagnose(m, flips) for m in measures}
    weights = job.judge("weights")
    # refitted weights that rank churn worse held out than the model's own are not kept
    judged = [("weights", job.changes("weights"), *weights, job.better(weights[0], obs.score))]
    for name in ("flips", "curves") if flips else ("curves",):
        if name == "curves" and curves:
            for m in measures:
                job.try_curve(fits[m])
        changes = job.changes(name)
        if not changes or (name == "curves" and not curves):
            continue
        held, flat, bands = job.judge(name)
        # flips and curves only where they raise the held-out AUC of the steps before
        before = next((j[2] for j in reversed(judged) if j[-1]), obs.score)
        kept = job.better(held, before)
        if not kept:
            job.drop(name, fits)
        judged.append((name, changes, held, flat, bands, kept))
    # every step is read on the same observations: those each of them scored
    for j in judged:
        job.common &= ~np.isnan(j[2])
    c = job.common
    steps = [job.step("old", [], obs.score[c], None, obs["band"][c])]
    steps += [job.step(n, ch, h[c], f[c], b[c], k) for n, ch, h, f, b, k in judged]
    final = job.grades(next(s.name for s in reversed(steps) if s.kept), None)
    refit = any(s.kept for s in steps[1:])
    cards_fit, nested, chosen = job.final_fit(final) if refit else job.kept(steps[0], steps[1])
    everywhere = np.full(len(obs), np.nan)
    for card in cards:
        m = job.card_of == card
        everywhere[m] = cf.score(nested, card, {k: v[m] for k, v in final.items()}, int(m.sum()))
    groups = [
        {"group": g, "old": dict(old), "new": {k: int(v) for k, v in nested.groups[g].items()}}
        for g, old in cf.weights_of(model).groups.items()
        if not flatten and _shares(nested.groups[g]) != _shares(old)
    ]
    return Calibration(
        score,
        cards_fit,
        groups,
        [fits[m] for m in measures],
        steps,
        job.splits,
        int(job.common.sum()),
        cf.band_cuts(model, job.scaled(everywhere), obs.label),
        _flags(job, cards_fit, final),
        cf.correlated_pairs(obs.grades, graded(model, score)[0]),
        float(np.median(chosen)) if chosen else 1.0,
        flatten,
    )


class _Job:
    """The observations, the model and the splits of one calibration, and the steps'
    working arrays."""

    def __init__(
        self, obs: Observations, model: Model, score: str, gap: int, flatten: bool
    ) -> None:
        from stethoscope.engine.rollup import members

        self.obs, self.model, self.gap, self.flatten = obs, model, gap, flatten
        self.y = obs.label
        self.cards = sorted({s.scorecard for s in model.scores[score].segments})
        self.under = {c: members(model, c)[0] for c in self.cards}
        self.card_of = obs["scorecard"].astype(str)
        self.splits = cf.splits(obs.dates, gap)
        self.test = cf.rows(obs.as_of, [s.test for s in self.splits])
        self.common = self.test & ~np.isnan(obs.score)
        # per split: the measures flipped and the curves fitted on its training dates
        self.split_flips: list[set[str]] = [set() for _ in self.splits]
        self.split_curves: list[dict[str, Curve]] = [{} for _ in self.splits]
        self.final_flips: set[str] = set()
        self.final_curves: dict[str, Curve] = {}
        self._flipped: dict[str, np.ndarray] = {}

    def flipped(self, name: str) -> np.ndarray:
        """A measure's grades turned round as the new file grades it: 100 - g, except a
        percentile (without rules) ranked again the other way, ties and all."""
        if name not in self._flipped:
            m = self.model.measures[name]
            values = self.obs.values.get(m.metric)
            g = 100 - self.obs.grades[name]
            if isinstance(m.grading, Percentile) and values is not None and not m.rules:
                within = self.obs["segment"] if m.grading.within == "segment" else None
                lower = m.direction == "higher"  # the new direction
                g = _missing(percentile_grades(values, self.obs.as_of, within, lower), m.missing)
            self._flipped[name] = g
        return self._flipped[name]

    def uses(self, measure: str) -> np.ndarray:
        return np.isin(self.card_of, [c for c in self.cards if measure in self.under[c]])

    def scaled(self, s: np.ndarray) -> np.ndarray:
        sc = self.model.scale
        return sc.min + (sc.max - sc.min) * s / 100

    # -- diagnostics per measure ------------------------------------------------------

    def diagnose(self, name: str, flips: bool) -> MeasureFit:
        g, y, use = self.obs.grades[name], self.y, self.uses(name)
        ho = use & self.test
        fit = MeasureFit(name, metrics.auc(g[use], y[use]), metrics.auc(g[ho], y[ho]))
        fit.reversed = _is_reversed(g[ho], y[ho])
        for i, s in enumerate(self.splits):
            tr = use & cf.rows(self.obs.as_of, s.train)
            if flips and _flippable(self.model, name) and _is_reversed(g[tr], y[tr]):
                self.split_flips[i].add(name)
        if fit.reversed and flips:
            if _flippable(self.model, name):
                fit.flipped = True
                self.final_flips.add(name)
                fit.note = "reversed: higher grades churned more; flipped"
            else:
                fit.note = "reversed: higher grades churned more; a decay grading cannot be flipped"
        elif fit.reversed:
            fit.note = "reversed: higher grades churned more"
        return fit

    def try_curve(self, fit: MeasureFit) -> None:
        """Fit the measure's curve per split and judge it held out against its grading:
        a split uses its curve when the curve won on the held-out dates among its own
        training dates, and the file when it won on all of them, by ``CURVE_GAIN``."""
        measure = self.model.measures[fit.measure]
        values = self.obs.values.get(measure.metric)
        if values is None or measure.rules or isinstance(measure.grading, Boolean | Categorical):
            return
        use, y = self.uses(fit.measure), self.y
        base = self.obs.grades[fit.measure]
        current = np.full(len(self.obs), np.nan)
        curved = np.full(len(self.obs), np.nan)
        fitted: list[Curve | None] = []
        for i, s in enumerate(self.splits):
            te = use & cf.rows(self.obs.as_of, [s.test])
            g = self.flipped(fit.measure) if fit.measure in self.split_flips[i] else base
            current[te] = g[te]
            tr = use & cf.rows(self.obs.as_of, s.train)
            curve = fit_curve(values[tr], y[tr])
            fitted.append(curve)
            curved[te] = (
                g[te] if curve is None else _missing(curve.grade(values), measure.missing)[te]
            )

        def wins(rows: np.ndarray) -> tuple[bool, float | None, float | None]:
            a, b = metrics.auc(curved[rows], y[rows]), metrics.auc(current[rows], y[rows])
            return a is not None and a >= (b or 0.5) + CURVE_GAIN, a, b

        # a training date scored by a curve fitted on the dates before it is the same
        # whichever later split reads it: the held-out dates among a split's training
        # dates judge its curve without a look at its own held-out date
        for i, (s, curve) in enumerate(zip(self.splits, fitted, strict=True)):
            inner = use & cf.rows(
                self.obs.as_of, [t.test for t in self.splits if t.test in s.train]
            )
            if curve is not None and inner.any() and wins(inner)[0]:
                self.split_curves[i][fit.measure] = curve
        won, fit.curve_auc, fit.grade_auc = wins(use & self.test)
        if not won:
            return
        final = fit_curve(values[use], y[use])
        if final is not None:
            fit.curve = final
            self.final_curves[fit.measure] = final
            fit.note = (fit.note + "; " if fit.note else "") + "grading fitted from churn"

    def drop(self, step: str, fits: dict[str, MeasureFit]) -> None:
        """Leave a step's changes out of the file (it lowered the held-out AUC)."""
        why = f"not written: the {step} did not raise the held-out AUC"
        for f in fits.values():
            if step == "flips" and f.flipped:
                f.flipped = False
                f.note = f"reversed: higher grades churned more; {why}"
            if step == "curves" and f.curve is not None:
                f.curve = None
                f.note = f"a fitted grading won on its own; {why}"
        if step == "flips":
            self.final_flips.clear()
            for s in self.split_flips:
                s.clear()
        else:
            self.final_curves.clear()
            for c in self.split_curves:
                c.clear()

    def better(self, held: np.ndarray, before: np.ndarray) -> bool:
        """Whether held-out scores ``held`` rank churn better than ``before``, on the
        observations both scored (a tie keeps the simpler model: no change)."""
        m = self.common & ~np.isnan(held) & ~np.isnan(before)
        new, old = metrics.auc(held[m], self.y[m]), metrics.auc(before[m], self.y[m])
        return new is not None and (old is None or new > old)

    # -- the steps ----------------------------------------------------------------------

    def changes(self, step: str) -> list[str]:
        if step == "weights":
            return ["weights fitted at every level" if not self.flatten else "weights, flat"]
        if step == "flips":
            names = sorted(set().union(self.final_flips, *self.split_flips))
            return [f"flip {n}" for n in names]
        names = sorted(set(self.final_curves).union(*self.split_curves))
        return [f"curve {n}" for n in names]

    def grades(self, step: str, split: int | None) -> Grades:
        """The grades after ``step`` (and the steps before it), with the decisions of a
        split's training dates, or the final ones (``split`` None)."""
        out = dict(self.obs.grades)
        if step in ("flips", "curves"):
            for m in self.final_flips if split is None else self.split_flips[split]:
                out[m] = self.flipped(m)
        if step == "curves":
            curves = self.final_curves if split is None else self.split_curves[split]
            for m, curve in curves.items():
                measure = self.model.measures[m]
                out[m] = _missing(curve.grade(self.obs.values[measure.metric]), measure.missing)
        return out

    def judge(self, step: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The held-out scores of the model after ``step`` (nested as it would be
        written, and the flat fit itself) and their bands: each split's model fitted on
        its training dates only."""
        n = len(self.obs)
        held, flat_held = np.full(n, np.nan), np.full(n, np.nan)
        bands = np.full(n, None, dtype=object)
        for i, s in enumerate(self.splits):
            g = self.grades(step, i)
            tr = cf.rows(self.obs.as_of, s.train)
            te = cf.rows(self.obs.as_of, [s.test])
            flat = {}
            for card in self.cards:
                inc = (self.card_of == card) & (tr | te)
                x = np.column_stack([g[m] for m in self.under[card]])
                fit_rows = inc & tr
                if self.y[fit_rows].sum() < cf.MIN_CHURNED:
                    continue
                f = cf.fit(x[fit_rows], self.y[fit_rows], self.obs.as_of[fit_rows], gap=self.gap)
                if f.weights.any():
                    flat[card] = dict(zip(self.under[card], f.weights, strict=True))
                    flat_held[inc & te] = cf.flat_score(x[inc & te], f.weights)
            nested = self._nested(flat, tr)
            trained = np.full(n, np.nan)
            for card in self.cards:
                m = (self.card_of == card) & (tr | te)
                sub = {k: g[k][m] for k in self.under[card]}
                trained[m] = cf.score(nested, card, sub, int(m.sum()))
            held[te] = trained[te]
            flat_held[te] = np.where(np.isnan(flat_held[te]), trained[te], flat_held[te])
            cuts = cf.band_cuts(self.model, self.scaled(trained[tr]), self.y[tr])
            bands[te] = cf.assign_bands(self.model, self.scaled(trained[te]), cuts)
        return held, flat_held, bands

    def _nested(self, flat: dict[str, dict[str, float]], rows: np.ndarray) -> cf.Nested:
        if self.flatten:
            old = cf.weights_of(self.model)
            cards = {
                c: {k: float(v) for k, v in cf.hundred(flat[c]).items()}
                if c in flat
                else old.cards[c]
                for c in old.cards
            }
            return cf.Nested(cards, old.groups)
        share = {c: float(((self.card_of == c) & rows).sum()) for c in self.cards}
        return cf.nest(self.model, flat, share)

    def step(
        self,
        name: str,
        changes: list[str],
        s: np.ndarray,
        flat: np.ndarray | None,
        band: np.ndarray,
        kept: bool = True,
    ) -> Step:
        """A step's figures from its held-out scores on the common observations."""
        rows = self.common
        y = self.y[rows]
        names = [b.name for b in self.model.bands]
        rates = metrics.band_rates(
            band, y, self.obs["arr"][rows], self.obs["churned_arr"][rows], names
        )
        return Step(
            name,
            changes,
            metrics.auc(s, y),
            metrics.auc(flat, y) if flat is not None else None,
            metrics.lift(s, y, self.obs.as_of[rows], self.obs["account_id"][rows]),
            rates,
            metrics.monotonic(rates),
            kept,
        )

    # -- the file ---------------------------------------------------------------------

    def kept(self, old: Step, refit: Step) -> tuple[list[CardFit], cf.Nested, list[float]]:
        """The model's own weights: no step ranked churn better held out (a tie keeps it)."""
        w = cf.weights_of(self.model)
        note = f"kept: refitted weights ranked churn no better held out ({_auc(refit.auc)} "
        note += f"against the model's {_auc(old.auc)})"
        return [CardFit(c, w.cards[c], None, note) for c in self.cards], w, []

    def final_fit(self, g: Grades) -> tuple[list[CardFit], cf.Nested, list[float]]:
        old = cf.weights_of(self.model)
        flat: dict[str, dict[str, float]] = {}
        notes: dict[str, str] = {}
        chosen: list[float] = []
        for card in self.cards:
            inc = self.card_of == card
            churned = int(self.y[inc].sum())
            if churned < cf.MIN_CHURNED:
                notes[card] = f"kept: {churned} churned observations, fewer than {cf.MIN_CHURNED}"
                continue
            x = np.column_stack([g[m] for m in self.under[card]])
            f = cf.fit(x[inc], self.y[inc], self.obs.as_of[inc], gap=self.gap)
            chosen.append(f.c)
            if not f.weights.any():
                notes[card] = "kept: no measure predicts churn"
                continue
            flat[card] = dict(zip(self.under[card], f.weights, strict=True))
        nested = self._nested(flat, np.ones(len(self.obs), dtype=bool))
        out = []
        for card in self.cards:
            if card not in flat:
                out.append(CardFit(card, old.cards[card], None, notes[card]))
                continue
            fitted = cf.hundred(flat[card])
            dropped = [m for m in self.under[card] if m not in fitted]
            note = [f"left out (add nothing here): {', '.join(dropped)}"] if dropped else []
            gap = None if self.flatten else nested.gap.get(card)
            if gap is not None and gap > NESTED_GAP:
                note.append(
                    f"the model's groups reproduce the fitted weights only to within {gap:.1f} "
                    "points of 100 (a measure or group is used in more than one place); "
                    "--flatten writes the scorecard flat"
                )
            out.append(
                CardFit(
                    card,
                    old.cards[card],
                    {k: int(v) for k, v in nested.cards[card].items()},
                    "; ".join(note),
                    fitted,
                    cf.group_shares(old, flat[card], card),
                    gap,
                )
            )
        return out, nested, chosen


def _auc(a: float | None) -> str:
    return "-" if a is None else f"{a:.3f}"


def _shares(w: dict[str, float]) -> dict[str, float]:
    total = sum(w.values()) or 1.0
    return {k: round(v / total, 3) for k, v in w.items() if v > 0}


def _is_reversed(g: np.ndarray, y: np.ndarray) -> bool:
    known = ~np.isnan(g)
    churned = int(y[known].sum())
    return reversed_(metrics.auc(g, y), churned, int(known.sum()) - churned)


def _flippable(model: Model, name: str) -> bool:
    return not isinstance(model.measures[name].grading, Decay)


def _missing(grade: np.ndarray, missing: object) -> np.ndarray:
    """A missing value graded as the measure says (``skip``: left missing)."""
    if isinstance(missing, int | float):
        return np.where(np.isnan(grade), float(missing), grade)
    return grade


def _flags(job: _Job, fits: list[CardFit], g: Grades) -> list[dict[str, Any]]:
    """Measures that add nothing where they are: a small fitted weight, or an own AUC
    near chance (on the final grades, after any flip or curve)."""
    out = []
    y = job.y
    for f in fits:
        if f.new is None:
            continue
        m = job.card_of == f.scorecard
        for n in job.under[f.scorecard]:
            w = f.flat.get(n, 0)
            own = metrics.auc(g[n][m], y[m])
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

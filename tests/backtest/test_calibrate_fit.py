"""The fitting under ``calibrate``, on observations generated with a known cause of churn
(no database): weights at every level, reversed measures, fitted curves, time splits."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
import yaml

from stethoscope.backtest import calibrate_fit as cf
from stethoscope.backtest.calibrate import _Job, calibrate
from stethoscope.backtest.calibrate_curves import STEPS, fit_curve, nice, reversed_
from stethoscope.backtest.calibrate_text import model_text
from stethoscope.backtest.observations import Observations
from stethoscope.model.loader import parse_model
from stethoscope.model.types import Model, Thresholds

HORIZON = 90
FIRST = dt.date(2024, 7, 1)
MODEL = """\
name: grouped
bands:
  - {name: red, below: 40}
  - {name: yellow, below: 60}
  - {name: green}
metrics:
  active_days_30d: {table: events, aggregate: active_days, window: 30d}
  tickets_90d: {table: tickets, aggregate: count, window: 90d}
  nps: {table: surveys, where: {kind: nps}, aggregate: latest, column: score, window: 365d}
measures:
  usage: {metric: active_days_30d, percentile: {}}
  tickets: {metric: tickets_90d, percentile: {}}
  nps: {metric: nps, nps: {}}
groups:
  engagement: {usage: 1, nps: 1}
  support: {tickets: 1}
scorecards:
  main: {engagement: 1, support: 1}
scores:
  health:
    segments: [{scorecard: main}]
"""

TWO_CARDS = MODEL.replace(
    "  main: {engagement: 1, support: 1}",
    "  main: {engagement: 1, support: 1}\n  smb: {engagement: 1}",
).replace(
    "segments: [{scorecard: main}]",
    "segments: [{when: \"segment == 'smb'\", scorecard: smb}, {scorecard: main}]",
)


def _rank(v: np.ndarray) -> np.ndarray:
    return np.argsort(np.argsort(v, kind="stable"), kind="stable") / (len(v) - 1) * 100


def book(
    model: Model,
    *,
    seed: int = 0,
    accounts: int = 400,
    dates: int = 12,
    coarse: bool = False,
    smb: bool = False,
) -> Observations:
    """Observations of ``accounts`` on ``dates`` monthly dates, graded as ``model`` grades
    (tickets by percentile "higher is better", or ``coarse``ly: any ticket grades 0);
    churn rises with tickets, falls with active days and is higher among NPS detractors.
    With ``smb``, every other account is scored by the scorecard ``smb``, and churns by its
    NPS alone."""
    rng = np.random.default_rng(seed)
    parts: dict[str, list[np.ndarray]] = {}
    for i in range(dates):
        tickets = rng.poisson(2.0, accounts).astype(float)
        active = rng.integers(0, 31, accounts).astype(float)
        nps = np.where(rng.random(accounts) < 0.3, np.nan, rng.integers(0, 11, accounts))
        detractor = np.where(np.isnan(nps), 0.0, nps <= 6)
        logit = -2.8 + 0.5 * np.minimum(tickets, 6) - 0.05 * (active - 15) + 0.6 * detractor
        small = (np.arange(accounts) % 2 == 1) & smb
        logit = np.where(small, -3.0 + 2.5 * detractor, logit)
        label = (rng.random(accounts) < 1 / (1 + np.exp(-logit))).astype(float)
        g_tickets = np.where(tickets < 1, 100.0, 0.0) if coarse else _rank(tickets)
        g_nps = np.where(np.isnan(nps), np.nan, np.where(nps >= 9, 100, np.where(nps >= 7, 50, 0)))
        day = np.datetime64(FIRST + dt.timedelta(days=30 * i), "D")
        for k, v in {
            "as_of": np.full(accounts, day),
            "account_id": np.array([f"a{j:03d}" for j in range(accounts)], dtype=object),
            "label": label,
            "card": np.where(small, "smb", "main").astype(object),
            "usage": _rank(active),
            "tickets": g_tickets,
            "nps": g_nps,
            "v_active_days_30d": active,
            "v_tickets_90d": tickets,
            "v_nps": nps,
        }.items():
            parts.setdefault(k, []).append(v)
    col = {k: np.concatenate(v) for k, v in parts.items()}
    n = len(col["label"])
    grades = {m: col[m] for m in ("usage", "tickets", "nps")}
    old = np.full(n, np.nan)
    for card in np.unique(col["card"]):
        m = col["card"] == card
        sub = {k: v[m] for k, v in grades.items()}
        old[m] = cf.score(cf.weights_of(model), str(card), sub, int(m.sum()))
    bands = model.bands
    cols = {
        "account_id": col["account_id"],
        "scorecard": col["card"],
        "band": cf.assign_bands(model, old, [{"name": b.name, "below": b.below} for b in bands]),
        "score": old,
        "label": col["label"],
        "arr": np.full(n, 1000.0),
        "churned_arr": col["label"] * 1000.0,
    }
    for k in ("segment", "owner", "renewal_month", "parent_id"):
        cols[k] = np.full(n, None, dtype=object)
    cols["coverage"] = np.ones(n)
    values = {k[2:]: v for k, v in col.items() if k.startswith("v_")}
    return Observations(col["as_of"], cols, grades, {}, values)


@pytest.fixture(scope="module")
def model() -> Model:
    return parse_model(MODEL)


def test_weights_are_fitted_inside_groups_and_the_nested_model_scores_as_the_flat_fit(
    model: Model,
) -> None:
    cal = calibrate(book(model), model, "health", horizon=HORIZON, curves=False, flips=False)
    (card,) = cal.cards
    assert card.new is not None
    assert set(card.flat) == {"usage", "nps"}  # tickets points the wrong way: left out
    (engagement,) = [g for g in cal.groups if g["group"] == "engagement"]
    # the group's inner weights are the measures' shares of its fitted weight
    inner = engagement["new"]
    assert inner["usage"] / sum(inner.values()) == pytest.approx(
        card.flat["usage"] / (card.flat["usage"] + card.flat["nps"]), abs=0.02
    )
    assert card.new["engagement"] == 100  # support holds no fitted weight: left out
    assert card.gap is not None
    assert card.gap < 1
    weights = cal.steps[1]
    assert weights.name == "weights"
    assert weights.flat_auc is not None
    assert weights.auc == pytest.approx(weights.flat_auc, abs=0.005)


def test_a_reversed_measure_is_detected_flipped_and_judged_held_out(model: Model) -> None:
    obs = book(model)
    cal = calibrate(obs, model, "health", horizon=HORIZON, curves=False)
    by = {m.measure: m for m in cal.measures}
    assert by["tickets"].reversed
    assert by["tickets"].flipped
    assert by["tickets"].held_out_auc is not None
    assert by["tickets"].held_out_auc < 0.4
    assert not by["usage"].reversed
    steps = {s.name: s for s in cal.steps}
    assert steps["flips"].changes == ["flip tickets"]
    assert steps["flips"].kept
    assert steps["flips"].auc > steps["weights"].auc + 0.05  # type: ignore[operator]
    assert cal.new_auc == steps["flips"].auc
    text = model_text(model, cal, source="model.yaml", when=dt.date(2025, 1, 1))
    new = parse_model(text, "new.yaml")
    assert new.measures["tickets"].direction == "lower"
    assert new.measures["usage"].direction == "higher"
    assert "# Held out (" in text
    assert "  flips    AUC" in text


def test_a_measure_that_is_not_reversed_is_never_flipped(model: Model) -> None:
    assert not reversed_(0.49, 500, 5000)  # close to chance
    assert not reversed_(0.40, 5, 50)  # too few churned to tell
    assert reversed_(0.40, 200, 2000)
    assert not reversed_(0.60, 200, 2000)


def test_a_fitted_curve_is_written_as_readable_thresholds_the_loader_accepts(
    model: Model,
) -> None:
    coarse = parse_model(
        MODEL.replace(
            "tickets: {metric: tickets_90d, percentile: {}}",
            "tickets: {metric: tickets_90d, thresholds: {points: [[1, 0]], below: 100}}",
        )
    )
    cal = calibrate(book(coarse, coarse=True), coarse, "health", horizon=HORIZON)
    by = {m.measure: m for m in cal.measures}
    tickets = by["tickets"]
    assert tickets.curve is not None
    assert tickets.curve_auc is not None
    assert tickets.grade_auc is not None
    assert tickets.curve_auc >= tickets.grade_auc + 0.01
    steps = {s.name: s for s in cal.steps}
    assert steps["curves"].kept
    text = model_text(coarse, cal, source="model.yaml", when=dt.date(2025, 1, 1))
    new = parse_model(text, "new.yaml")
    grading = new.measures["tickets"].grading
    assert isinstance(grading, Thresholds)
    assert 1 <= len(grading.points) <= STEPS - 1
    cuts = [a for a, _ in grading.points]
    assert all(nice(a, whole=True) == a for a in cuts)
    grades = [grading.below, *[g for _, g in grading.points]]
    assert grades == sorted(grades, reverse=True)  # more tickets, lower grade
    assert grades[0] == 100
    assert grades[-1] == 0
    written = yaml.safe_load(text)["measures"]["tickets"]
    assert set(written) == {"metric", "thresholds", "description"}


def test_fit_curve_finds_a_step_and_rounds_its_cut() -> None:
    rng = np.random.default_rng(1)
    v = rng.uniform(0, 1000, 5000)
    y = (rng.random(5000) < np.where(v < 312.7, 0.3, 0.05)).astype(float)
    curve = fit_curve(v, y)
    assert curve is not None
    assert curve.below == 0
    # the step up is where churn falls (a bin astride 312.7 may make a step of its own)
    cut = next(at for at, grade in curve.points if grade >= 70)
    assert 250 <= cut <= 350
    # steps below it are the noise of one churn rate: graded near the bottom
    assert all(grade <= 25 for at, grade in curve.points if at < 250)
    for at, _ in curve.points:
        assert at == nice(at, whole=False)
        assert len(str(int(at)).rstrip("0")) <= 2  # two significant figures
    grades = [g for _, g in curve.points]
    assert grades == sorted(grades)
    assert grades[-1] == 100
    assert fit_curve(v, np.zeros(5000)) is None  # no churn: no curve


def test_nesting_reproduces_the_flat_fit_or_says_how_far_it_is() -> None:
    # a measure in two groups: its fitted weight is split between them, exactly
    shared = parse_model(MODEL.replace("support: {tickets: 1}", "support: {tickets: 1, usage: 1}"))
    nested = cf.nest(shared, {"main": {"usage": 0.1, "nps": 0.0, "tickets": 0.9}})
    eff = cf.effective(nested, "main")
    assert eff["usage"] == pytest.approx(0.1, abs=0.01)
    assert nested.gap["main"] < 1
    # a group shared by two scorecards that want it mixed differently inside: only
    # approximately, and the gap says so
    two = parse_model(TWO_CARDS)
    apart = cf.nest(
        two,
        {"main": {"usage": 0.45, "nps": 0.05, "tickets": 0.5}, "smb": {"usage": 0.1, "nps": 0.9}},
    )
    assert max(apart.gap.values()) > 20
    tree = cf.nest(parse_model(MODEL), {"main": {"usage": 0.3, "nps": 0.1, "tickets": 0.6}})
    assert tree.cards["main"] == {"engagement": 40, "support": 60}
    assert tree.groups["engagement"] == {"usage": 75, "nps": 25}
    assert tree.gap["main"] < 0.5


def test_groups_that_cannot_reproduce_the_fit_say_so_and_flatten_can(model: Model) -> None:
    two = parse_model(TWO_CARDS)
    obs = book(two, smb=True)
    cal = calibrate(obs, two, "health", horizon=HORIZON, curves=False)
    cards = {c.scorecard: c for c in cal.cards}
    # main wants engagement mostly usage, smb wants it all NPS: one group cannot be both
    assert cards["main"].flat["usage"] > cards["main"].flat.get("nps", 0)
    assert set(cards["smb"].flat) == {"nps"}
    worst = max(cards.values(), key=lambda c: c.gap or 0)
    assert worst.gap is not None
    assert worst.gap > 2
    assert "--flatten writes the scorecard flat" in worst.note
    flat = calibrate(obs, two, "health", horizon=HORIZON, curves=False, flatten=True)
    assert {c.scorecard: c.new for c in flat.cards} == {c.scorecard: c.flat for c in flat.cards}
    steps = {s.name: s.auc for s in cal.steps}
    assert {s.name: s.auc for s in flat.steps}["flips"] > steps["flips"]  # type: ignore[operator]


def test_flatten_writes_the_scorecard_of_measures(model: Model) -> None:
    cal = calibrate(book(model), model, "health", horizon=HORIZON, curves=False, flatten=True)
    (card,) = cal.cards
    assert card.new == card.flat
    assert set(card.new or {}) <= {"usage", "tickets", "nps"}
    text = model_text(model, cal, source="model.yaml", when=dt.date(2025, 1, 1))
    new = parse_model(text, "new.yaml")
    assert {i.name for i in new.scorecards["main"].items} == set(card.flat)
    steps = {s.name: s for s in cal.steps}
    assert steps["flips"].auc == pytest.approx(steps["flips"].flat_auc, abs=0.005)


def test_train_and_test_never_share_a_date_nor_a_label_window(model: Model) -> None:
    obs = book(model, dates=8)
    splits = cf.splits(obs.dates, HORIZON)
    assert [s.test for s in splits] == obs.dates[3:]
    for s in splits:
        train = cf.rows(obs.as_of, s.train)
        test = cf.rows(obs.as_of, [s.test])
        assert not (train & test).any()
        assert all(d + dt.timedelta(days=HORIZON) <= s.test for d in s.train)
    # what a held-out date scores does not depend on its own labels, nor later ones
    job = _Job(obs, model, "health", HORIZON, flatten=False)
    held, _, _ = job.judge("weights")
    last = obs.dates[-1]
    shuffled = obs.take(np.ones(len(obs), dtype=bool))
    later = obs.as_of == np.datetime64(last)
    shuffled.cols["label"] = obs.label.copy()
    shuffled.cols["label"][later] = 1 - shuffled.cols["label"][later]
    again, _, _ = _Job(shuffled, model, "health", HORIZON, flatten=False).judge("weights")
    np.testing.assert_array_equal(held, again)


def test_churn_by_score_is_the_isotonic_fit_the_backtest_uses() -> None:
    from stethoscope.backtest import probability

    rng = np.random.default_rng(3)
    s = np.round(rng.uniform(0, 100, 3000), 1)
    y = (rng.random(3000) < 0.3 - 0.002 * s).astype(float)
    grid, p = cf.churn_by_score(s, y)
    np.testing.assert_allclose(p, probability.fit(s, y, "isotonic").predict(grid))
    assert (np.diff(p) <= 0).all()


def test_weights_that_rank_no_better_held_out_are_not_written() -> None:
    """A scorecard of one measure ranks accounts as any positive weight does: the refit
    ties the model held out, and a tie keeps the model's own weights (calibrate writes a
    change only where it helps)."""
    one = parse_model(
        MODEL.replace("  main: {engagement: 1, support: 1}", "  main: {usage: 3}").replace(
            "groups:\n  engagement: {usage: 1, nps: 1}\n  support: {tickets: 1}\n", ""
        )
    )
    cal = calibrate(book(one), one, "health", horizon=HORIZON, curves=False, flips=False)
    (card,) = cal.cards
    assert card.new is None
    assert card.old == {"usage": 3.0}
    assert card.note.startswith("kept: refitted weights ranked churn no better held out")
    weights = next(s for s in cal.steps if s.name == "weights")
    assert not weights.kept
    assert weights.auc == pytest.approx(cal.steps[0].auc)
    text = model_text(one, cal, source="model.yaml", when=dt.date(2025, 1, 1))
    assert parse_model(text, "new.yaml").scorecards["main"].items[0].weight == 3

"""Calibration on a book whose churn is caused by one known measure: the fitted weights put
most of the weight on it, and the held-out AUC rises."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml

from stethoscope import runner
from stethoscope.backtest.calibrate_curves import percentile_grades
from stethoscope.backtest.observations import observe
from stethoscope.model.loader import load_model
from stethoscope.model.types import Thresholds
from stethoscope.project import Project
from tests.conftest import DemoBook

END = dt.date(2025, 6, 30)
MODEL = """\
name: three-even
scale: {min: 0, max: 100, decimals: 1}
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
  tickets: {metric: tickets_90d, percentile: {}, direction: lower}
  nps: {metric: nps, nps: {}}
scorecards:
  main: {usage: 1, tickets: 1, nps: 1}
scores:
  health:
    segments: [{scorecard: main}]
"""
EVERY, HORIZON = 30, 90
START = END - dt.timedelta(days=300)
# the same measures in groups, tickets graded "higher is better": the wrong way round here
GROUPED = """\
name: grouped
scale: {min: 0, max: 100, decimals: 1}
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
  tickets: {metric: tickets_90d, percentile: {}, description: "More tickets, more engaged."}
  nps: {metric: nps, nps: {}}
groups:
  engagement: {usage: 1, nps: 1}
  support:
    description: Support load.
    weights: {tickets: 1}
scorecards:
  main: {engagement: 1, support: 1}
scores:
  health:
    segments: [{scorecard: main}]
"""


def _churn_caused_by_tickets(p: Project, dates: list[dt.date]) -> int:
    """Replace the book's churn: at each date, an active account churns 20 days later with a
    probability that depends on its tickets grade then, and on nothing else."""
    con = p.store.con
    con.execute("DELETE FROM outcomes WHERE kind = 'churned'").fetchall()
    model = p.load_model()
    rng = np.random.default_rng(7)
    n = 0
    for d in dates:
        runner.frame_into(con, model, d, "_cause")
        rows = con.execute(
            "SELECT account_id, g__tickets FROM _cause ORDER BY account_id"
        ).fetchall()
        grade = np.array([g for _, g in rows], dtype=float)
        p_churn = 1 / (1 + np.exp(-(-5.0 + 0.055 * (100 - grade))))
        for (acc, _), hit in zip(rows, rng.random(len(rows)) < p_churn, strict=True):
            if hit:
                con.execute(
                    "INSERT INTO outcomes (id, account_id, kind, date, arr_change) "
                    "VALUES (?, ?, 'churned', ?, -1000)",
                    [f"c_{acc}_{d}", acc, d + dt.timedelta(days=20)],
                ).fetchall()
                n += 1
    return n


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory, demo_book: DemoBook) -> Path:
    folder = demo_book(tmp_path_factory.mktemp("caused"), accounts=400, months=12, end=END)
    (folder / "model.yaml").write_text(MODEL)
    (folder / "grouped.yaml").write_text(GROUPED)
    with Project.open(folder) as p:
        first = END - dt.timedelta(days=330)
        dates = [first + dt.timedelta(days=EVERY * i) for i in range(12)]
        assert _churn_caused_by_tickets(p, dates) > 60
    return folder


@pytest.fixture(scope="module")
def grouped(book: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], Path]:
    out = tmp_path_factory.mktemp("out") / "calibrated.yaml"
    with Project.open(book) as p:
        r = p.calibrate(out, model=book / "grouped.yaml", start=START, every=EVERY, horizon=HORIZON)
    return r, out


def test_calibrate_puts_most_weight_on_the_cause_and_held_out_auc_rises(
    book: Path, tmp_path: Path
) -> None:
    out = tmp_path / "calibrated.yaml"
    before = (book / "model.yaml").read_text()
    with Project.open(book) as p:
        r = p.calibrate(out, start=END - dt.timedelta(days=300), every=EVERY, horizon=HORIZON)
        old = p.backtest(
            start=END - dt.timedelta(days=300), every=EVERY, horizon=HORIZON, save=False
        )
        new = p.backtest(
            model=out, start=END - dt.timedelta(days=300), every=EVERY, horizon=HORIZON, save=False
        )
    (card,) = r["scorecards"]
    weights = card["new"]
    assert sum(weights.values()) == 100
    assert all(isinstance(w, int) for w in weights.values())
    assert weights["tickets"] > 60, weights
    assert weights["tickets"] == max(weights.values())
    h = r["held_out"]
    assert len(h["dates"]) >= 5
    assert h["observations"] > 500
    assert h["new_auc"] > h["old_auc"] + 0.03, h
    # the new file is a new model; the user's file is untouched
    assert (book / "model.yaml").read_text() == before
    written = yaml.safe_load(out.read_text())
    assert written["scorecards"]["main"] == weights
    assert r["out"]["version"] != r["model"]["version"]
    # measures that add nothing are pointed out
    flagged = {f["member"] for f in r["adds_nothing"]}
    assert "tickets" not in flagged
    # thresholds are increasing, and on the scale
    below = [b["below"] for b in r["bands"] if b["below"] is not None]
    assert below == sorted(below)
    assert all(0 <= x <= 100 for x in below)
    # the new model, backtested, also ranks churn better
    assert new.report["auc"] > old.report["auc"]


def test_calibrate_refuses_to_overwrite_its_model(book: Path) -> None:
    from stethoscope.errors import DataError

    with Project.open(book) as p, pytest.raises(DataError, match="never overwrites"):
        p.calibrate(book / "model.yaml")


def test_a_grouped_model_is_fitted_through_its_groups_and_its_reversed_measure_flipped(
    grouped: tuple[dict[str, Any], Path],
) -> None:
    r, out = grouped
    (card,) = r["scorecards"]
    assert sum(card["fitted_flat"].values()) == 100
    assert card["fitted_flat"]["tickets"] == max(card["fitted_flat"].values())
    # the scorecard weighs each group by its share of the fitted weight (churn here is
    # caused by tickets alone: engagement adds nothing and is left out)
    assert card["new"] == {g: round(v) for g, v in card["group_shares"].items() if round(v)}
    assert card["nested_gap"] < 2
    measures = {m["measure"]: m for m in r["measures"]}
    assert measures["tickets"]["reversed"]
    assert measures["tickets"]["held_out_auc"] < 0.45
    steps = {s["step"]: s for s in r["steps"]}
    assert list(steps)[:3] == ["old", "weights", "flips"]
    assert steps["flips"]["kept"]
    assert "flip tickets" in steps["flips"]["changes"]
    assert steps["flips"]["auc"] > steps["old"]["auc"] + 0.1
    for s in r["steps"][1:]:
        assert s["auc"] == pytest.approx(s["flat_auc"], abs=0.01)
    assert r["held_out"]["new_auc"] > r["held_out"]["old_auc"] + 0.1
    # the file: weights at both levels, tickets turned round (or graded by a curve that
    # falls with more tickets), a long-form group keeps its description
    written = yaml.safe_load(out.read_text())
    assert written["scorecards"]["main"] == card["new"]
    assert written["groups"]["support"]["description"] == "Support load."
    model = load_model(out)
    assert model.version == r["out"]["version"]
    tickets = model.measures["tickets"]
    if measures["tickets"]["curve"]:
        assert isinstance(tickets.grading, Thresholds)
        assert tickets.grading.below >= tickets.grading.points[-1][1]
    else:
        assert tickets.direction == "lower"


def test_the_new_file_backtests_as_calibrate_reported(
    book: Path, grouped: tuple[dict[str, Any], Path]
) -> None:
    r, out = grouped
    assert (book / "grouped.yaml").read_text() == GROUPED  # never overwritten
    text = out.read_text()
    assert text.startswith("# grouped, calibrated by `stethoscope calibrate`")
    for s in r["steps"]:
        assert f"  {s['step']:<8} AUC {s['auc']:.3f}" in text
    with Project.open(book) as p:
        new = p.backtest(model=out, start=START, every=EVERY, horizon=HORIZON, save=False)
        old = p.backtest(
            model=book / "grouped.yaml", start=START, every=EVERY, horizon=HORIZON, save=False
        )
        raw = observe(
            p.store.con,
            p.load_model(book / "grouped.yaml"),
            "health",
            list(old.settings.dates),
            horizon=HORIZON,
            values=True,
        )
    assert new.report["auc"] > old.report["auc"] + 0.1
    # the backtest of the old model already says tickets runs the wrong way
    reversed_ = {m["name"] for m in old.report["measures"] if m["reversed"]}
    assert "tickets" in reversed_
    assert "tickets" not in {m["name"] for m in new.report["measures"] if m["reversed"]}
    # what calibrate judged as tickets turned round is what the engine grades from the file
    if not r["measures"][[m["measure"] for m in r["measures"]].index("tickets")]["curve"]:
        judged = percentile_grades(raw.values["tickets_90d"], raw.as_of, None, lower=True)
        np.testing.assert_allclose(new.observations.grades["tickets"], judged, atol=1e-9)
        assert not np.allclose(judged, 100 - raw.grades["tickets"])  # ties: not 100 - g
    splits = r["held_out"]["splits"]
    assert len(splits) >= 5
    for s in splits:
        test = dt.date.fromisoformat(s["test"])
        assert all(
            dt.date.fromisoformat(d) + dt.timedelta(days=HORIZON) <= test for d in s["train"]
        )

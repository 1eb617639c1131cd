"""Leakage. A backtest scores each date with only the data known then, so:

- when churn is timed independently of anything before it, and only the data *after* the
  observation date reveals it (the account goes quiet once it churned), the backtest
  cannot do better than chance, while the same labels scored with data from after the
  date (a leaky backtest, built here on purpose) are predicted easily;
- data dated after an observation date never changes that date's scores.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np

from stethoscope import runner
from stethoscope.backtest import metrics
from stethoscope.backtest.observations import observe
from stethoscope.contract.schema import TABLES, q
from stethoscope.model.presets import preset_text
from stethoscope.project import Project
from tests.conftest import DemoBook

END = dt.date(2025, 6, 30)
START = END - dt.timedelta(days=365)


def _timed_tables() -> list[tuple[str, str]]:
    return [
        (t.name, t.time_column)
        for t in TABLES.values()
        if t.time_column and "account_id" in t.names and t.name != "outcomes"
    ]


def _bootstrap_auc(
    score: np.ndarray, label: np.ndarray, who: np.ndarray, n: int = 400
) -> list[float]:
    accounts, inv = np.unique(who.astype(str), return_inverse=True)
    rng = np.random.default_rng(1)
    out = []
    for _ in range(n):
        w = np.bincount(rng.integers(0, len(accounts), len(accounts)), minlength=len(accounts))
        a = metrics.auc(score, label, w[inv].astype(float))
        if a is not None:
            out.append(a)
    return out


def test_churn_that_only_later_data_reveals_is_not_predicted(
    tmp_path: Path, demo_book: DemoBook
) -> None:
    demo_book(tmp_path, accounts=400, months=12, end=END)  # the book test_calibrate starts on
    (tmp_path / "model.yaml").write_text(preset_text("four-signals"))
    with Project.open(tmp_path) as p:
        con = p.store.con
        con.execute("DELETE FROM outcomes WHERE kind = 'churned'").fetchall()
        ids = [r[0] for r in con.execute("SELECT id FROM accounts ORDER BY id").fetchall()]
        rng = np.random.default_rng(3)
        for acc in rng.choice(ids, size=len(ids) // 3, replace=False):
            day = START + dt.timedelta(days=int(rng.integers(60, 364)))
            con.execute(
                "INSERT INTO outcomes (id, account_id, kind, date, arr_change) "
                "VALUES (?, ?, 'churned', ?, -500)",
                [f"x_{acc}", str(acc), day],
            ).fetchall()
        # after a churn the account goes quiet: its data stops (one statement a table, not
        # one an account and table: 900 deletes, each reading the events, took 4 s)
        for table, col in _timed_tables():
            con.execute(
                f"DELETE FROM {q(table)} t USING outcomes o WHERE o.account_id = t.account_id "
                f"AND o.kind = 'churned' AND CAST(t.{q(col)} AS DATE) > o.date"
            ).fetchall()
        b = p.backtest(every=30, horizon=90, save=False)
        obs = b.observations
        assert obs.label.sum() > 40
        auc = b.report["auc"]
        spread = _bootstrap_auc(obs.score, obs.label, obs["account_id"])
        lo, hi = np.percentile(spread, [2.5, 97.5])
        assert lo <= 0.5 <= hi, (auc, lo, hi)
        assert abs(auc - 0.5) < 0.08
        assert abs(b.report["lift_top_decile"] - 1) < 0.6

        # the same labels, scored at the end of each horizon (data the backtest must not see)
        con.execute("DELETE FROM outcomes WHERE kind = 'churned'").fetchall()
        model = p.load_model()
        leaky = np.full(len(obs), np.nan)
        for d in obs.dates:
            runner.frame_into(con, model, d + dt.timedelta(days=90), "_leak")
            later = dict(con.execute("SELECT account_id, score__health FROM _leak").fetchall())
            m = obs.as_of == np.datetime64(d)
            leaky[m] = [np.nan if later.get(a) is None else later[a] for a in obs["account_id"][m]]
        assert metrics.auc(leaky, obs.label) > 0.7


def test_data_after_an_observation_date_never_changes_its_scores(
    tmp_path: Path, demo_book: DemoBook
) -> None:
    demo_book(tmp_path, accounts=400, months=12, end=END)
    (tmp_path / "model.yaml").write_text(preset_text("successscore"))
    with Project.open(tmp_path) as p:
        con = p.store.con
        model = p.load_model()
        day = END - dt.timedelta(days=200)
        dates = [day, day + dt.timedelta(days=30), day + dt.timedelta(days=60)]
        full = observe(con, model, "health", dates, horizon=90)
        for table, col in [*_timed_tables(), ("outcomes", "date")]:
            con.execute(
                f"DELETE FROM {q(table)} WHERE CAST({q(col)} AS DATE) > ?", [day]
            ).fetchall()
        cut = observe(con, model, "health", [day], horizon=90)
    first = full.take(full.as_of == np.datetime64(day))
    assert len(first) == len(cut) > 150
    assert list(first["account_id"]) == list(cut["account_id"])
    np.testing.assert_array_equal(first.score, cut.score)
    assert list(first["band"]) == list(cut["band"])
    for name in first.grades:
        np.testing.assert_array_equal(first.grades[name], cut.grades[name])
    for name in first.groups:
        np.testing.assert_array_equal(first.groups[name], cut.groups[name])
    # the labels did read the later outcomes: deleting them changed what churned
    assert first.label.sum() > 0
    assert cut.label.sum() == 0

"""90 days of the demo book's history through the rules: alerts open, tasks follow, and the
per-rule report measures precision against the churn the book really has."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from stethoscope.model.presets import preset_text
from stethoscope.project import Project
from stethoscope.store.results import row_dicts

END = dt.date(2025, 6, 30)
START = END - dt.timedelta(days=89)
RULES = """
alerts:
  rules:
    investigate: {kind: below, threshold: 70, severity: investigate, channels: [],
                  task: {playbook: yellow}}
    act: {kind: below, threshold: 60, channels: [], task: {playbook: red, due: 3d}}
    sudden-drop: {kind: drop, points: 15, within: 14d, channels: []}
    turned-red: {kind: band_change, to: [red], channels: []}
    detractor: {kind: detractor, channels: [], task: {playbook: nps-detractor}}
    adoption-red: {kind: red, group: adoption, channels: []}
"""


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Project]:
    folder = tmp_path_factory.mktemp("demo")
    (folder / "model.yaml").write_text(preset_text("dear") + RULES)
    with Project.open(folder) as p:
        p.load_demo(accounts=150, months=12, end=END)
        p.run(start=START, end=END)
        yield p


@pytest.mark.slow
def test_ninety_days_of_history_open_alerts_and_tasks(demo: Project) -> None:
    alerts = demo.alerts(limit=100_000)
    rules = {a.rule for a in alerts}
    assert rules == {"investigate", "act", "sudden-drop", "turned-red", "detractor", "adoption-red"}
    # at most one open alert per account and rule
    open_pairs = [(a.rule, a.account_id) for a in alerts if a.status == "open"]
    assert len(open_pairs) == len(set(open_pairs))
    assert all(START <= a.opened_on <= END for a in alerts)
    tasks = demo.tasks(limit=100_000)
    with_task = [a for a in alerts if a.rule in ("investigate", "act", "detractor")]
    assert len(tasks) == len(with_task)


@pytest.mark.slow
def test_the_report_measures_precision_against_the_books_churn(demo: Project) -> None:
    report = {r.rule: r for r in demo.alert_report()}
    assert set(report) == {
        "investigate",
        "act",
        "sudden-drop",
        "turned-red",
        "detractor",
        "adoption-red",
    }
    # recomputed here from the rows, in Python, for every rule
    con = demo.store.con
    churn = {
        r["account_id"]: r["d"]
        for r in row_dicts(
            con,
            "SELECT account_id, min(date) AS d FROM outcomes WHERE kind = 'churned' "
            "GROUP BY account_id",
        )
    }
    book = {
        r[0]
        for r in con.execute(
            "SELECT DISTINCT account_id FROM score_history WHERE as_of BETWEEN ? AND ?",
            [START, END],
        ).fetchall()
    }
    churned = {a for a, d in churn.items() if a in book and d > START}
    assert churned, "the demo book churns accounts within the 90 days"
    alerts = demo.alerts(limit=100_000)
    for rule, row in report.items():
        mine = [a for a in alerts if a.rule == rule]
        alerted = {a.account_id for a in mine}
        after = {
            a.account_id
            for a in mine
            if a.account_id in churn
            and a.opened_on <= churn[a.account_id] <= a.opened_on + dt.timedelta(180)
        }
        caught = {
            c for c in churned if any(a.account_id == c and a.opened_on <= churn[c] for a in mine)
        }
        assert row.alerts == len(mine), rule
        assert row.alerted == len(alerted), rule
        assert row.churned_after == len(after), rule
        assert row.precision == round(len(after) / len(alerted), 4), rule
        assert row.churned == len(churned), rule
        assert row.missed == len(churned - caught), rule
        assert row.recall == round(len(caught) / len(churned), 4), rule
    # the health rules together catch most of the churn the book has (an account with an
    # open act alert gets no investigate one as well); an alert is no coin toss: alerted
    # accounts churn more often than the book's scored accounts do
    health = [a for a in alerts if a.rule in ("investigate", "act")]
    caught = {
        c for c in churned if any(a.account_id == c and a.opened_on <= churn[c] for a in health)
    }
    assert len(caught) / len(churned) >= 0.5
    base = len(churned) / len(book)
    assert report["adoption-red"].precision > base


@pytest.mark.slow
def test_outcomes_per_alert_name_the_later_score_and_renewal(demo: Project) -> None:
    rows = demo.alert_outcomes(rule="act", limit=100_000)
    assert rows
    assert all(r.rule == "act" for r in rows)
    early = [r for r in rows if r.opened_on <= END - dt.timedelta(days=30)]
    assert all(r.score_later is not None for r in early)
    assert {r.outcome for r in rows} <= {"renewed", "churned", None}
    assert all(r.task_status == "open" for r in rows)

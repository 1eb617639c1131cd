"""Issue 17 item 10: tell model changes from customer changes. An account that moves to
another scorecard (leaving onboarding) loses points without the customer changing: the
week's drops mark it and list it after the customers' own drops, `explain --vs` says so,
and drop and band-change alerts do not fire on it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from stethoscope.project import Project
from tests.conftest import STORES, open_project

MODEL = """\
name: moves
bands:
  - {name: red, below: 60}
  - {name: green}
metrics:
  level: {attribute: attributes.level, kind: number}
  stage: {attribute: attributes.stage, kind: text}
measures:
  level: {metric: level, linear: [0, 100]}
  strict: {metric: level, linear: [50, 100]}
scorecards:
  onboarding: {level: 1}
  standard: {strict: 1}
scores:
  health:
    segments:
      - {name: new, when: "stage == 'new'", scorecard: onboarding}
      - {name: rest, scorecard: standard}
alerts:
  rules:
    fell: {kind: drop, points: 15, within: 7d, channels: []}
    turned-red: {kind: band_change, to: [red], channels: []}
"""
DAY = dt.date(2025, 3, 1)


@pytest.fixture(params=STORES)
def project(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Project]:
    (tmp_path / "model.yaml").write_text(MODEL)
    p = open_project(request, str(request.param), tmp_path)
    yield p
    p.close()


def put(project: Project, folder: Path, at: dt.date, rows: dict[str, tuple[int, str]]) -> None:
    """The accounts' level and stage in force from ``at``."""
    lines = ["id,name,customer_since,level,stage,updated_at"]
    lines += [f"{a},Acct {a},2024-01-01,{lvl},{stage},{at}" for a, (lvl, stage) in rows.items()]
    (folder / "accounts.csv").write_text("\n".join(lines) + "\n")
    project.import_file("accounts", folder / "accounts.csv", mode="upsert")


def test_a_move_to_another_scorecard_is_not_a_customer_drop(
    project: Project, tmp_path: Path
) -> None:
    # a1 leaves onboarding with the same level: 76 on onboarding, 52 (red) on standard
    # a2 stays on standard and really falls: level 90 -> 70, score 80 -> 40
    put(project, tmp_path, DAY, {"a1": (76, "new"), "a2": (90, "old")})
    project.run(as_of=DAY)
    later = DAY + dt.timedelta(days=1)
    put(project, tmp_path, later, {"a1": (76, "old"), "a2": (70, "old")})
    project.run(as_of=later)

    drops = project.book_overview(as_of=later, drops_since=DAY)["drops"]
    assert [(d["account_id"], d["change"], d["moved"]) for d in drops] == [
        ("a2", -40.0, None),
        ("a1", -24.0, "scorecard onboarding → standard"),
    ]
    change = project.explain_change("a1", vs=DAY, as_of=later)
    assert change.moved == ["scorecard onboarding → standard", "segment new → rest"]
    assert project.explain_change("a2", vs=DAY, as_of=later).moved == []
    # the drop rule fires on the customer only; a2 also turned red, a1 entered red by a move
    assert sorted((a.rule, a.account_id) for a in project.alerts()) == [
        ("fell", "a2"),
        ("turned-red", "a2"),
    ]

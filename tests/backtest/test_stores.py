"""A backtest gives the same figures on DuckDB and on Postgres, at both levels, and keeps
its report in either store."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from stethoscope.model.presets import preset_text
from stethoscope.project import Project
from tests.conftest import open_project

pytestmark = pytest.mark.postgres
END = dt.date(2025, 6, 30)


@pytest.fixture(scope="module")
def books(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, Project]]:
    projects = {}
    for store in ("duckdb", "postgres"):
        p = open_project(request, store, tmp_path_factory.mktemp(store))
        (p.settings.project_dir / "model.yaml").write_text(preset_text("four-signals"))
        p.load_demo(accounts=150, months=12, end=END, seed=3)
        projects[store] = p
    yield projects
    for p in projects.values():
        p.close()


@pytest.mark.parametrize("level", ["account", "parent"])
def test_duckdb_and_postgres_backtest_alike(books: dict[str, Project], level: str) -> None:
    duck, pg = (
        books[s].backtest(every=30, horizon=90, level=level).to_json()
        for s in ("duckdb", "postgres")
    )
    assert duck["observations"] > 500
    assert duck["churned"] > 10
    assert duck["rows"]["account_id"] == pg["rows"]["account_id"]
    assert duck["rows"]["label"] == pg["rows"]["label"]
    assert duck["rows"]["score"] == pytest.approx(pg["rows"]["score"])
    for key in ("auc", "lift_top_decile", "churn_rate", "monotonic"):
        assert duck[key] == pytest.approx(pg[key]), key
    assert duck["bands"] == pg["bands"]
    stored = books["postgres"].latest_backtest()
    assert stored is not None
    assert stored["auc"] == pytest.approx(pg["auc"])


def test_duckdb_and_postgres_calibrate_alike(books: dict[str, Project], tmp_path: Path) -> None:
    # the raw metric values the curves are fitted on come out of either store alike
    duck, pg = (
        books[s].calibrate(tmp_path / f"{s}.yaml", every=45, horizon=90)
        for s in ("duckdb", "postgres")
    )
    assert len(duck["steps"]) >= 2
    for a, b in zip(duck["steps"], pg["steps"], strict=True):
        assert a["step"] == b["step"]
        assert a["auc"] == pytest.approx(b["auc"])
    assert duck["scorecards"] == pg["scorecards"]
    for a, b in zip(duck["measures"], pg["measures"], strict=True):
        assert (a["measure"], a["curve"], a["flipped"]) == (b["measure"], b["curve"], b["flipped"])
        assert a["held_out_auc"] == pytest.approx(b["held_out_auc"])
        assert a["curve_held_out_auc"] == pytest.approx(b["curve_held_out_auc"])
    assert (tmp_path / "duckdb.yaml").read_text() == (tmp_path / "postgres.yaml").read_text()

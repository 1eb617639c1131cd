"""The same demo book, with CSM inputs, scored on DuckDB and on Postgres: every stored
column agrees exactly (scores, bands, coverage; every metric value and age, grade, group
score, effective weight and contribution of the run's frame). Ties at the scale's
decimals are tests/engine/test_rounding.py's."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

from stethoscope.model.presets import list_presets, preset_text
from stethoscope.project import Project
from stethoscope.store.results import detail_table, row_dicts
from tests.conftest import open_project

END = dt.date(2025, 6, 30)
DATES = (END - dt.timedelta(days=1), END)

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def books(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, Project]]:
    """The demo book, loaded on each store."""
    projects = {}
    for store in ("duckdb", "postgres"):
        p = open_project(request, store, tmp_path_factory.mktemp(store))
        p.load_demo(accounts=120, months=6, end=END, seed=7)
        (p.settings.project_dir / "model.yaml").write_text(preset_text("successscore"))
        for i, r in enumerate(p.accounts(limit=6).items):  # gut checks, as CSMs enter them
            p.add_input(r.id, "gut_check", str(i * 2), reason="checked", author="t")
        projects[store] = p
    yield projects
    for p in projects.values():
        p.close()


def scored(p: Project, preset: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    (p.settings.project_dir / "model.yaml").write_text(preset_text(preset))
    model = p.load_model()
    p.run(start=DATES[0], end=DATES[1])
    book = [
        r.model_dump(include={"account_id", "score", "band", "coverage", "scorecard"})
        for score in model.scores
        for d in DATES
        for r in p.scores(score=score, as_of=d, sort="name")
    ]
    frame = row_dicts(
        p.store.con,
        f'SELECT * FROM "{detail_table(model.version)}" WHERE as_of BETWEEN ? AND ? '
        "ORDER BY as_of, account_id",
        list(DATES),
    )
    # every column, but the run's id, which differs by nature
    stored = [{k: v for k, v in r.items() if k != "run_id"} for r in frame]
    return book, stored


@pytest.mark.parametrize("preset", list_presets())
def test_duckdb_and_postgres_score_the_demo_book_alike(
    books: dict[str, Project], preset: str
) -> None:
    duck_book, duck_grades = scored(books["duckdb"], preset)
    pg_book, pg_grades = scored(books["postgres"], preset)
    assert len(duck_book) > 100
    assert pg_book == duck_book
    assert len(pg_grades) == len(duck_grades)
    assert any(k.startswith("c__") for k in duck_grades[0])  # contributions are compared
    for d, p in zip(duck_grades, pg_grades, strict=True):
        assert p == d, d["account_id"]


def test_the_demo_books_are_the_same(books: dict[str, Project]) -> None:
    duck, pg = (books[s].store.counts() for s in ("duckdb", "postgres"))
    assert duck == pg
    assert duck["events"] > 1000

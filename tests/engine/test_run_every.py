"""`run --every`: history at dates some days (or calendar months) apart, in one run through
the backfill, stores exactly those dates, each exactly as a single run of it would, and
leaves the days between them as they were."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from stethoscope.errors import DataError
from stethoscope.model.presets import preset_text
from stethoscope.project import Project
from stethoscope.steps import forward, parse_step
from stethoscope.store import current
from stethoscope.store.results import detail_table, row_dicts
from tests.conftest import STORES, open_project, run_cli

END = dt.date(2025, 6, 30)


@pytest.fixture(scope="module", params=STORES)
def book(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Project]:
    p = open_project(request, request.param, tmp_path_factory.mktemp(request.param))
    p.load_demo(accounts=60, months=5, end=END, seed=5)
    (p.settings.project_dir / "model.yaml").write_text(preset_text("four-signals"))
    yield p
    p.close()


def detail(p: Project, first: dt.date, last: dt.date) -> list[dict[str, Any]]:
    rows = row_dicts(
        p.store.con,
        f'SELECT * FROM "{detail_table(p.load_model().version)}" WHERE as_of BETWEEN ? AND ? '
        "ORDER BY as_of, account_id",
        [first, last],
    )
    for r in rows:
        r.pop("run_id")
    return rows


def history(p: Project, first: dt.date, last: dt.date) -> list[tuple[Any, ...]]:
    return p.store.con.execute(
        "SELECT as_of, account_id, score_name, score, band, coverage, segment, scorecard, "
        "run_id FROM score_history WHERE model_version = ? AND as_of BETWEEN ? AND ? "
        "ORDER BY 1, 2, 3",
        [p.load_model().version, first, last],
    ).fetchall()


def current_rows(p: Project) -> list[tuple[Any, ...]]:
    sql = f"SELECT {', '.join(current.COLUMNS)} FROM current_scores"
    return sorted(p.store.con.execute(sql).fetchall())


@pytest.mark.parametrize(
    ("first", "last", "every", "expected"),
    [
        (
            dt.date(2025, 5, 2),
            dt.date(2025, 5, 22),
            "1w",
            ["2025-05-02", "2025-05-09", "2025-05-16"],
        ),
        (
            dt.date(2025, 3, 31),
            dt.date(2025, 6, 29),
            "1mo",
            ["2025-03-31", "2025-04-30", "2025-05-31"],
        ),
    ],
)
def test_a_run_every_step_stores_those_dates_as_single_runs_would(
    book: Project, first: dt.date, last: dt.date, every: str, expected: list[str]
) -> None:
    r = book.run(start=first, end=last, every=every)
    assert (r.dates, r.every, r.as_of_from, r.as_of_to) == (
        len(expected),
        str(parse_step(every)),
        expected[0],
        expected[-1],
    )
    dates = {dt.date.fromisoformat(d) for d in expected}
    stored = [row for row in history(book, first, last) if row[8] == r.run_id]
    assert sorted({row[0].isoformat() for row in stored}) == expected
    at_once = [row for row in detail(book, first, last) if row["as_of"] in dates]
    assert len(at_once) >= 40 * len(expected)
    # the same dates, one run each, replace them with exactly the same rows
    for d in sorted(dates):
        book.run(as_of=d)
    one_by_one = [row for row in detail(book, first, last) if row["as_of"] in dates]
    assert len(one_by_one) == len(at_once)
    for a, b in zip(at_once, one_by_one, strict=True):
        assert a == b, (a["as_of"], a["account_id"], {k: (a[k], b[k]) for k in a if a[k] != b[k]})
    again = [row[:8] for row in history(book, first, last) if row[0] in dates]
    assert again == [row[:8] for row in stored]


def test_the_days_between_the_dates_keep_their_history(book: Project) -> None:
    first, last = dt.date(2025, 6, 20), dt.date(2025, 6, 30)
    daily = book.run(start=first, end=last)
    weekly = book.run(start=first, end=last, every="7d")
    runs = {row[0]: row[8] for row in history(book, first, last)}
    assert len(runs) == 11
    weekdays = set(forward(first, last, parse_step("7d")))
    assert {d for d, run in runs.items() if run == weekly.run_id} == weekdays
    assert {d for d, run in runs.items() if run == daily.run_id} == set(runs) - weekdays
    # each account's current scores are what recomputing them from the history gives
    kept = current_rows(book)
    current.rebuild(book.store.con)
    assert current_rows(book) == kept


def test_every_needs_a_span_and_a_real_step(book: Project) -> None:
    with pytest.raises(DataError, match=r"^--every 7d needs the dates to walk"):
        book.run(every="1w")
    with pytest.raises(DataError, match=r"^--every: expected a step like 7d, 2w or 1mo"):
        book.run(start=END, end=END, every="weekly")


def test_the_cli_refuses_a_bad_step_before_touching_the_store(tmp_path: Path) -> None:
    (tmp_path / "stethoscope.toml").write_text('database_url = "stethoscope.duckdb"\n')
    r = run_cli("run", "--from", "2025-06-01", "--every", "month", cwd=tmp_path)
    assert r.returncode == 1
    assert "--every: expected a step like 7d, 2w or 1mo, got 'month'" in r.stderr + r.stdout
    assert not (tmp_path / "stethoscope.duckdb").exists()

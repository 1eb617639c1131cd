"""Issue 17 item 9: presets that notice missing data. On a book with only usage and
subscriptions, `validate` and `run` warn per measure when its table has no rows, when its
event names never occur, and when a `missing:` grade would grade every account on a source
that has no rows; a model reading what is there gets no warning."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from stethoscope.model.presets import preset_text
from stethoscope.project import Project
from tests.conftest import STORES, filled_project, run_cli

ACCOUNTS = "id,name,customer_since,seats\na1,Acme,2024-01-01,5\na2,Beta,2024-02-01,\n"
EVENTS = (
    "account_id,user_id,event,timestamp\na1,u1,report_created,2025-02-20T10:00:00\n"
    "a1,u2,login,2025-02-21T10:00:00\na2,u3,login,2025-02-22T10:00:00\n"
)


def _book(p: Project) -> None:
    for table, text in (("accounts", ACCOUNTS), ("events", EVENTS)):
        path = p.settings.project_dir / f"{table}.csv"
        path.write_text(text)
        p.import_file(table, path)


@pytest.fixture(params=STORES)
def book(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Project]:
    (tmp_path / "model.yaml").write_text(preset_text("successscore"))
    p = filled_project(request, str(request.param), tmp_path, "data-warnings", _book)
    yield p
    p.close()


def test_measures_on_sources_without_rows_are_named(book: Project) -> None:
    warnings = {w.measure: w.message for w in book.data_warnings()}
    assert warnings["nps"] == "it reads surveys, which has no rows: missing for every account"
    assert warnings["last_contact"] == (
        "it reads touchpoints, which has no rows: missing for every account; `missing: 0` "
        "then grades every account 0 on it, as if known (unknown is not red): import the "
        "data, or remove `missing:`"
    )
    # usage is there: the measures on events and on seats are fine
    assert {"usage_days", "licence_use", "usage_trend"}.isdisjoint(warnings)


def test_event_names_that_never_occur_are_named(book: Project, tmp_path: Path) -> None:
    model = tmp_path / "other.yaml"
    model.write_text(
        "name: t\nmetrics:\n"
        "  reports: {table: events, where: {event: [report_creatd]}, aggregate: count}\n"
        "  logins: {table: events, where: {event: login}, aggregate: count}\n"
        "  stage: {attribute: attributes.stage, kind: text}\n"
        "measures:\n  reports: {metric: reports, linear: [0, 5]}\n"
        "  logins: {metric: logins, linear: [0, 5]}\n"
        "  stage: {metric: stage, categories: {live: 100}, other: 0}\n"
        "scorecards:\n  main: {reports: 1, logins: 1, stage: 1}\n"
    )
    assert [str(w) for w in book.data_warnings(model)] == [
        "measure reports: no row of events has event report_creatd: missing or zero for "
        "every account (most common: login, report_created)",
        "measure stage: no account has attributes.stage: missing for every account",
    ]


@pytest.mark.slow
def test_validate_and_run_print_the_warnings(book: Project, tmp_path: Path) -> None:
    book.close()  # the CLI opens the project itself
    for args in (("validate",), ("run", "--as-of", "2025-02-28")):
        done = run_cli(*args, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        out = " ".join(done.stdout.split())
        assert "warning measure nps: it reads surveys, which has no rows" in out, args


def test_nothing_to_warn_of_before_a_store_exists(tmp_path: Path) -> None:
    (tmp_path / "stethoscope.toml").write_text('database_url = "stethoscope.duckdb"\n')
    (tmp_path / "model.yaml").write_text(preset_text("successscore"))
    with Project.open(tmp_path) as p:
        assert p.data_warnings() == []
    assert not (tmp_path / "stethoscope.duckdb").exists()

"""Schema migrations upgrade a store made by an older Stethoscope in place, keeping its
data, on DuckDB and on Postgres."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from stethoscope.store import migrations
from stethoscope.store.database import connect
from tests.conftest import STORES, open_project


@pytest.mark.parametrize("store", STORES)
def test_an_older_store_is_upgraded_in_place_keeping_its_data(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, store: str
) -> None:
    project = open_project(request, store, tmp_path, empty=True)
    settings = project.settings
    # a store as the release with migrations 1 and 2 left it, holding data
    with monkeypatch.context() as m:
        m.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:2])
        con = connect(settings)
        assert migrations.migrate(con) == [1, 2]
    con.execute(
        "INSERT INTO accounts (id, name, customer_since) VALUES ('a1', 'Acme', DATE '2024-01-01')"
    ).fetchall()
    con.execute(
        "INSERT INTO runs (id, model_version, as_of_from, as_of_to, started_at, status) "
        "VALUES ('r1', 'v1', DATE '2024-06-30', DATE '2024-06-30', "
        "TIMESTAMP '2024-07-01 00:00:00', 'ok')"
    ).fetchall()
    con.close()

    # this release opens it: the rest is applied, each once, and recorded
    with project:
        assert [r.trigger for r in project.runs()] == ["cli"]
        assert project.status().counts["accounts"] == 1
        con = project.store.con
        applied = con.execute(
            "SELECT version, name FROM stethoscope_migrations ORDER BY version"
        ).fetchall()
        assert [v for v, _ in applied] == [v for v, _, _ in migrations.MIGRATIONS]
        assert project.keys() == []
        # the accounts it held became their first versions (migration 13)
        assert con.execute("SELECT id, valid_from, valid_to FROM account_versions").fetchall() == [
            ("a1", dt.datetime(2024, 1, 1), None)
        ]
        assert migrations.migrate(con) == []


@pytest.mark.parametrize("store", STORES)
def test_a_failed_migration_leaves_the_store_as_it_was(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, store: str
) -> None:
    project = open_project(request, store, tmp_path, empty=True)

    def broken(con: migrations.Connection) -> None:
        con.execute("CREATE TABLE half_done (id INTEGER)")
        con.execute("SELECT * FROM no_such_table")

    monkeypatch.setattr(migrations, "MIGRATIONS", [*migrations.MIGRATIONS, (99, "broken", broken)])
    with pytest.raises(Exception, match="no_such_table"):
        project.store  # noqa: B018
    monkeypatch.undo()
    with project:
        con = project.store.con
        versions = [
            r[0] for r in con.execute("SELECT version FROM stethoscope_migrations").fetchall()
        ]
        assert 99 not in versions
        tables = con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'half_done'"
        ).fetchone()
        assert tables == (0,)

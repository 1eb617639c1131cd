"""The schema a store has does not depend on its past: a store made today and one upgraded
from the first migration, one release at a time, have the same catalog on DuckDB and on
Postgres; what each migration changes is pinned in a snapshot, so an edit of an old
migration (or of anything it reads) shows as a diff; and the source tables are the data
contract the code reads them with.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from stethoscope.contract.schema import SQL_TYPES, TABLES, q
from stethoscope.store import current, migrations
from stethoscope.store.database import Connection, connect_postgres, ddl, dialect
from stethoscope.store.duckdb_file import connect as connect_file
from tests.conftest import STORES

Opener = Callable[[], Connection]
SNAPSHOTS = Path(__file__).parent / "snapshots"


@pytest.fixture
def new_database(request: pytest.FixtureRequest, tmp_path: Path) -> Callable[[str], Opener]:
    """new(store) -> a function that opens a connection to one new, empty database."""

    def new(store: str) -> Opener:
        if store == "postgres":
            url = request.getfixturevalue("new_postgres_database")(empty=True)
            return lambda: connect_postgres(url)
        path = tmp_path / f"{len(list(tmp_path.iterdir()))}.duckdb"
        return lambda: connect_file(path, timeout=10)

    return new


def catalog(con: Connection) -> dict[str, Any]:
    """What the engine's own catalog says of the database's tables: each table's columns in
    order (name, type, nullable, default), its constraints (primary keys, unique), the
    indexes and the sequences."""
    out: dict[str, Any] = {"tables": {}, "constraints": [], "indexes": [], "sequences": []}
    if dialect(con) == "postgres":
        columns = (
            "SELECT table_name, column_name, data_type, is_nullable, column_default "
            "FROM information_schema.columns WHERE table_schema = 'public' "
            "ORDER BY table_name, ordinal_position"
        )
        # NOT NULL is in the columns; information_schema would list it again as CHECK
        # constraints named by oid, which differ between any two databases
        constraints = (
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
            "FROM pg_constraint WHERE connamespace = 'public'::regnamespace ORDER BY 1, 2"
        )
        indexes = (
            "SELECT tablename, indexname, indexdef FROM pg_indexes "
            "WHERE schemaname = 'public' ORDER BY 1, 2"
        )
        sequences = (
            "SELECT sequence_name, data_type, start_value, increment "
            "FROM information_schema.sequences WHERE sequence_schema = 'public' ORDER BY 1"
        )
    else:
        columns = (
            "SELECT table_name, column_name, data_type, is_nullable, column_default "
            "FROM duckdb_columns() WHERE database_name = current_database() "
            "AND schema_name = 'main' ORDER BY table_name, column_index"
        )
        constraints = (
            "SELECT table_name, constraint_type, constraint_text FROM duckdb_constraints() "
            "WHERE database_name = current_database() AND constraint_type <> 'NOT NULL' "
            "ORDER BY ALL"
        )
        indexes = (
            "SELECT table_name, index_name, sql FROM duckdb_indexes() "
            "WHERE database_name = current_database() ORDER BY ALL"
        )
        sequences = (
            "SELECT sequence_name, start_value, increment_by FROM duckdb_sequences() "
            "WHERE database_name = current_database() ORDER BY ALL"
        )
    for table, name, type_, nullable, default in con.execute(columns).fetchall():
        column = (name, type_, nullable in (True, "YES"), default)
        out["tables"].setdefault(table, []).append(column)
    out["constraints"] = con.execute(constraints).fetchall()
    out["indexes"] = con.execute(indexes).fetchall()
    out["sequences"] = con.execute(sequences).fetchall()
    return out


def changes(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """What a migration changed in the catalog, a line per table, constraint, index or
    sequence it made, dropped or altered."""

    def column(c: tuple[Any, ...]) -> str:
        name, type_, nullable, default = c
        return (
            f"{name} {type_}"
            + ("" if nullable else " NOT NULL")
            + (f" DEFAULT {default}" if default is not None else "")
        )

    lines = []
    old, new = before["tables"], after["tables"]
    for table in sorted(old.keys() | new.keys()):
        if table not in new:
            lines.append(f"  - table {table}")
        elif table not in old:
            lines.append(f"  + table {table} ({', '.join(column(c) for c in new[table])})")
        elif old[table] != new[table]:
            gone = [f"- {column(c)}" for c in old[table] if c not in new[table]]
            made = [f"+ {column(c)}" for c in new[table] if c not in old[table]]
            lines.append(f"  ~ table {table}: {', '.join(gone + made)}")
    for kind, one in (
        ("constraints", "constraint"),
        ("indexes", "index"),
        ("sequences", "sequence"),
    ):
        lines += [
            f"  - {one} {' '.join(map(str, r))}" for r in before[kind] if r not in after[kind]
        ]
        lines += [
            f"  + {one} {' '.join(map(str, r))}" for r in after[kind] if r not in before[kind]
        ]
    return lines


def _history(con: Connection) -> None:
    """Two accounts, scored by two model versions on dates 7 and 30 days apart (as
    migration 2 left the tables)."""
    rows = [
        ("v1", "a1", dt.date(2024, 6, 30), 70.0),
        ("v1", "a1", dt.date(2024, 6, 23), 65.0),
        ("v1", "a1", dt.date(2024, 5, 31), 80.5),
        ("v1", "a2", dt.date(2024, 6, 23), 40.0),
        ("v2", "a1", dt.date(2024, 6, 30), 55.0),
    ]
    for version, account, as_of, score in rows:
        con.execute(
            "INSERT INTO score_history (run_id, model_version, as_of, account_id, score_name, "
            "score, band, coverage, segment, scorecard) "
            "VALUES ('r1', ?, ?, ?, 'health', ?, 'green', 1.0, 'smb', 'main')",
            [version, as_of, account, score],
        ).fetchall()


@pytest.mark.parametrize("store", STORES)
def test_a_store_upgraded_one_release_at_a_time_has_the_schema_of_one_made_today(
    new_database: Callable[[str], Opener], monkeypatch: pytest.MonkeyPatch, store: str
) -> None:
    today = new_database(store)()
    assert migrations.migrate(today) == [v for v, _, _ in migrations.MIGRATIONS]
    made_today = catalog(today)
    today.close()

    # each release opens the database the one before left, holding data, and adds its step
    open_old = new_database(store)
    steps: list[str] = []
    con = open_old()
    before = catalog(con)
    con.close()
    for n, (version, name, _) in enumerate(migrations.MIGRATIONS, start=1):
        con = open_old()
        with monkeypatch.context() as m:
            m.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:n])
            assert migrations.migrate(con) == [version]
        after = catalog(con)
        steps += [f"{version}: {name}", *changes(before, after)]
        before = after
        if version == 1:
            con.execute(
                "INSERT INTO accounts (id, name, customer_since) "
                "VALUES ('a1', 'Acme', DATE '2024-01-01'), ('a2', 'Beta', DATE '2023-06-15')"
            ).fetchall()
        if version == 2:
            _history(con)
        con.close()

    # What each migration did, as the engine's catalog reports it: a migration's lines change
    # only when it does. Refresh with STETHOSCOPE_UPDATE_SNAPSHOTS=1 after adding one.
    text = "\n".join(steps) + "\n"
    path = SNAPSHOTS / f"migrations.{store}.txt"
    if os.environ.get("STETHOSCOPE_UPDATE_SNAPSHOTS") or not path.exists():
        path.parent.mkdir(exist_ok=True)
        path.write_text(text)
    assert text == path.read_text()

    con = open_old()
    try:
        assert catalog(con) == made_today
        # migration 8 filled current_scores from the history: each account's latest date per
        # model version, with its change over 7 days (30 days before 2024-06-30 is 05-31)
        kept = con.execute(
            "SELECT model_version, account_id, as_of, score, change_7d, change_30d, change_90d "
            "FROM current_scores ORDER BY 1, 2"
        ).fetchall()
        assert kept == [
            ("v1", "a1", dt.date(2024, 6, 30), 70.0, 5.0, -10.5, None),
            ("v1", "a2", dt.date(2024, 6, 23), 40.0, None, None, None),
            ("v2", "a1", dt.date(2024, 6, 30), 55.0, None, None, None),
        ]
        # ... as the live code rebuilds them
        current.rebuild(con)
        every = f"SELECT {', '.join(current.COLUMNS)} FROM current_scores ORDER BY 1, 2, 3"
        rebuilt = con.execute(every).fetchall()
        assert [(r[0], r[1], r[3], r[4], *r[-3:]) for r in rebuilt] == kept
        # migration 13 made each account's first version
        assert con.execute(
            "SELECT id, valid_from, valid_to FROM account_versions ORDER BY id"
        ).fetchall() == [
            ("a1", dt.datetime(2024, 1, 1), None),
            ("a2", dt.datetime(2023, 6, 15), None),
        ]
    finally:
        con.close()


@pytest.mark.parametrize("store", STORES)
def test_the_source_tables_are_the_data_contract_of_today(
    new_database: Callable[[str], Opener], store: str
) -> None:
    """A column added to contract.schema without a migration to add it fails here."""
    con = new_database(store)()
    migrations.migrate(con)
    migrated = catalog(con)["tables"]
    con.close()

    con = new_database(store)()
    for t in TABLES.values():
        cols = ", ".join(
            f"{q(c.name)} {SQL_TYPES[c.type]}{' NOT NULL' if c.required else ''}" for c in t.columns
        )
        con.execute(ddl(con, f"CREATE TABLE {q(t.name)} ({cols})"))
    declared = catalog(con)["tables"]
    con.close()
    # by name: a new migration adds its column at the end, wherever the contract lists it
    assert {t: sorted(migrated[t]) for t in TABLES} == {t: sorted(declared[t]) for t in TABLES}


def test_the_migrations_import_no_live_schema() -> None:
    """The migrations carry their own SQL: of the package they use only the connection
    (dialect, the migration lock), never a module whose tables or code move on."""
    from tests.test_architecture import import_graph

    assert import_graph()["stethoscope.store.migrations"] == {"stethoscope.store.database"}

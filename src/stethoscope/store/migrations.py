"""Schema migrations of the store: an ordered list, each applied once, in a transaction.

The applied versions are recorded in ``stethoscope_migrations``; opening a store applies
what is missing, so a database made by an older Stethoscope is upgraded in place.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from stethoscope.contract.schema import SQL_TYPES, TABLES, q

if TYPE_CHECKING:
    import duckdb


def _source_tables(con: duckdb.DuckDBPyConnection) -> None:
    for t in TABLES.values():
        cols = ", ".join(
            f"{q(c.name)} {SQL_TYPES[c.type]}{' NOT NULL' if c.required else ''}" for c in t.columns
        )
        con.execute(f"CREATE TABLE IF NOT EXISTS {q(t.name)} ({cols})")


def _results(con: duckdb.DuckDBPyConnection) -> None:
    from stethoscope.store.results import create_tables

    create_tables(con)


MIGRATIONS: list[tuple[int, str, Callable[[duckdb.DuckDBPyConnection], None]]] = [
    (1, "source tables of the data contract", _source_tables),
    (2, "model versions, runs, score history, CSM inputs", _results),
]


def migrate(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Apply every migration not yet applied; return the versions applied now."""
    con.execute(
        "CREATE TABLE IF NOT EXISTS stethoscope_migrations "
        "(version INTEGER PRIMARY KEY, name VARCHAR, applied_at TIMESTAMP DEFAULT now())"
    )
    done = {r[0] for r in con.execute("SELECT version FROM stethoscope_migrations").fetchall()}
    applied = []
    for version, name, step in MIGRATIONS:
        if version in done:
            continue
        con.begin()
        try:
            step(con)
            con.execute(
                "INSERT INTO stethoscope_migrations (version, name) VALUES (?, ?)", [version, name]
            )
            con.commit()
        except BaseException:
            con.rollback()
            raise
        applied.append(version)
    return applied

"""The stores a project opens: the embedded DuckDB file, created on first use, or a
Postgres database; each with its schema brought up to date and its interrupted runs marked.

Opening the file waits while another process holds it (``duckdb_file``); while
``stethoscope serve`` runs, the CLI sends its work to the server instead of opening the
file at all (see ``store.lease`` and docs/concepts/storage.md).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from stethoscope.store.duckdb_file import connect
from stethoscope.store.migrations import migrate
from stethoscope.store.results import interrupt_dead

# importable from here as before (project.py); the store's own modules import it from
# store.transaction, beneath the stores
from stethoscope.store.transaction import transaction as transaction

if TYPE_CHECKING:
    import duckdb

    from stethoscope.store.database import Connection, Dialect
    from stethoscope.store.readers import PostgresReaders, Readers


class EmbeddedStore:
    """The DuckDB file of a project, with its schema up to date."""

    dialect: Dialect = "duckdb"

    def __init__(
        self,
        path: Path,
        *,
        timeout: float = 300.0,
        on_wait: Callable[[str], None] | None = None,
        memory_limit: str | None = None,
        threads: int = 0,
    ) -> None:
        self.path = path
        self.con = connect(
            path, timeout=timeout, on_wait=on_wait, memory_limit=memory_limit, threads=threads
        )
        migrate(self.con)
        interrupt_dead(self.con, holding_run_lock=False)  # a run its process never finished

    def close(self) -> None:
        self.con.close()

    def counts(self) -> dict[str, int]:
        return counts(self.con)

    def readers(self) -> Readers:
        """Cursors of the same database, to read beside the writer (store.readers)."""
        from stethoscope.store.readers import Readers

        return Readers(self._cursor)

    def _cursor(self) -> duckdb.DuckDBPyConnection:
        con = self.con.cursor()
        con.execute("SET TimeZone = 'UTC'")
        return con


class ServerStore:
    """A Postgres database, with its schema up to date: many processes may use it at once."""

    dialect: Dialect = "postgres"

    def __init__(self, url: str) -> None:
        from stethoscope.store.database import connect_postgres

        self.url = url
        self.con = connect_postgres(url)
        try:
            migrate(self.con)
            interrupt_dead(self.con, holding_run_lock=False)
        except BaseException:
            self.con.close()
            raise

    def close(self) -> None:
        self.con.close()

    def counts(self) -> dict[str, int]:
        return counts(self.con)

    def readers(self) -> PostgresReaders:
        """A pool of other sessions, to read beside the writer (store.readers)."""
        from stethoscope.store.readers import PostgresReaders

        return PostgresReaders(self.url)


def counts(con: Connection) -> dict[str, int]:
    """Rows per source table."""
    from stethoscope.contract.schema import TABLES, q

    out = {}
    for name in TABLES:
        row = con.execute(f"SELECT count(*) FROM {q(name)}").fetchone()
        out[name] = int(row[0]) if row else 0
    return out

"""The embedded store: one DuckDB file, created on first use.

DuckDB lets one process at a time open a file for writing. Stethoscope never lets that
surface as a raw lock error: a process that finds the file held waits for it (telling the
user who holds it) up to ``lock_timeout`` seconds, and while ``stethoscope serve`` runs,
the CLI sends its work to the server instead of opening the file at all (see
``store.lease`` and docs/concepts/storage.md).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from stethoscope.errors import StoreBusyError, StoreError
from stethoscope.store.migrations import migrate
from stethoscope.store.results import interrupt_dead

if TYPE_CHECKING:
    import duckdb

    from stethoscope.store.database import Connection, Dialect
    from stethoscope.store.readers import PostgresReaders, Readers

C = TypeVar("C", bound="Connection")

_LOCK = re.compile(r"Could not set lock on file .*?(?:\(PID (\d+)\))?", re.S)
_PID = re.compile(r"\(PID (\d+)\)")


def holder(pid: int | None) -> str:
    """Who holds the file, as a person would recognise it: the command line and PID."""
    if pid is None:
        return "another process"
    try:
        argv = [
            a.decode(errors="replace")
            for a in Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
            if a
        ]
    except OSError:
        return f"PID {pid}"
    words = [Path(argv[0]).name, *argv[1:]] if argv else []
    if len(words) > 1 and words[0].startswith("python"):
        if words[1] == "-m" and len(words) > 2:
            words = words[2:]  # python -m stethoscope import ... -> stethoscope ...
        elif words[1] == "-c":
            words = ["python", "-c", "..."]
        else:
            words = [Path(words[1]).name, *words[2:]]  # python .venv/bin/stethoscope ...
    text = " ".join(" ".join(words).split())
    return f"`{text[:80]}` (PID {pid})"


def connect(
    path: Path,
    *,
    timeout: float,
    on_wait: Callable[[str], None] | None = None,
    read_only: bool = False,
    memory_limit: str | None = None,
) -> duckdb.DuckDBPyConnection:
    """Open the DuckDB file, waiting while another process holds it."""
    import duckdb

    path.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + timeout
    told = False
    while True:
        try:
            con = duckdb.connect(str(path), read_only=read_only)
            con.execute("SET TimeZone = 'UTC'")
            # DuckDB would draw its own progress bar into our output on long queries
            con.execute("SET enable_progress_bar = false")
            if memory_limit:
                con.execute("SET memory_limit = ?", [memory_limit])
            return con
        except duckdb.IOException as e:
            if not _LOCK.search(str(e)):
                raise StoreError(f"cannot open the database {path}: {e}") from None
            m = _PID.search(str(e))
            busy = f"the database {path} is in use by {holder(int(m.group(1)) if m else None)}"
            if time.monotonic() >= deadline:
                raise StoreBusyError(
                    busy,
                    hint=f"waited {timeout:g} s; run the command again when it has finished, "
                    "or raise lock_timeout (STETHOSCOPE_LOCK_TIMEOUT)",
                ) from None
            if not told and on_wait:
                on_wait(f"waiting: {busy}")
                told = True
            time.sleep(0.1)
        except duckdb.Error as e:
            raise StoreError(f"cannot open the database {path}: {e}") from None


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
    ) -> None:
        self.path = path
        self.con = connect(path, timeout=timeout, on_wait=on_wait, memory_limit=memory_limit)
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


@contextmanager
def transaction(con: C) -> Iterator[C]:
    """All or nothing: commit what the block wrote, or roll it back if the block raises.
    DuckDB has no nested transactions: do not open one inside another."""
    con.begin()
    try:
        yield con
    except BaseException:
        con.rollback()
        raise
    con.commit()

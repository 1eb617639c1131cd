"""The store's connection: DuckDB in-process (the embedded default) or a Postgres server.

Stethoscope's SQL is written once against a small interface, the one a DuckDB connection
already has: ``execute(sql, params)`` with ``?`` placeholders returning a cursor with
``fetchall``, ``fetchone``, ``fetchmany`` and ``description``, and
``begin``/``commit``/``rollback``.
On DuckDB the connection itself is used, untouched. On Postgres, ``PostgresConnection``
gives a psycopg connection that interface: placeholders are translated, a statement
without a result answers its row count (as DuckDB does), and transactions are explicit.
Where the SQL itself differs, the module that owns it chooses by ``dialect(con)``.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Literal, Protocol, cast

from stethoscope.errors import RunInProgressError, StoreBusyError, StoreError

if TYPE_CHECKING:
    import psycopg
    from ibis.backends import BaseBackend

    from stethoscope.settings import Settings

Dialect = Literal["duckdb", "postgres"]
log = logging.getLogger(__name__)


class Cursor(Protocol):
    @property
    def description(self) -> Sequence[Sequence[Any]] | None: ...

    def fetchall(self) -> list[tuple[Any, ...]]: ...

    def fetchone(self) -> tuple[Any, ...] | None: ...

    def fetchmany(self, size: int = ...) -> list[tuple[Any, ...]]: ...


class Connection(Protocol):
    """What the store's code uses of a connection (a DuckDB connection is one)."""

    def execute(self, query: str, parameters: object = ..., /) -> Cursor: ...

    def begin(self) -> Any: ...

    def commit(self) -> Any: ...

    def rollback(self) -> Any: ...

    def close(self) -> None: ...


def is_postgres_url(url: str) -> bool:
    return url.startswith(("postgresql://", "postgres://", "postgresql+"))


@functools.lru_cache(maxsize=4096)
def translate(sql: str) -> str:
    """``?`` placeholders to psycopg's ``%s``, and ``%`` to ``%%``, outside quoted text and
    identifiers only (a ``?`` inside a string literal stays a character)."""
    out: list[str] = []
    quote: str | None = None
    for ch in sql:
        if quote:
            if ch == quote:
                quote = None
            out.append("%%" if ch == "%" else ch)
        elif ch in ("'", '"'):
            quote = ch
            out.append(ch)
        elif ch == "?":
            out.append("%s")
        elif ch == "%":
            out.append("%%")
        else:
            out.append(ch)
    return "".join(out)


class PostgresCursor:
    """A psycopg cursor that answers like DuckDB's: a statement without rows (INSERT,
    UPDATE, DELETE without RETURNING) fetches one row holding the number of rows it changed."""

    def __init__(self, cursor: psycopg.Cursor[Any]) -> None:
        self._cursor = cursor

    @property
    def description(self) -> list[tuple[Any, ...]] | None:
        d = self._cursor.description
        return (
            None if d is None else [(c.name, c.type_code, None, None, None, None, None) for c in d]
        )

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    def fetchall(self) -> list[tuple[Any, ...]]:
        if self._cursor.description is None:
            return [(self._cursor.rowcount,)]
        return self._cursor.fetchall()

    def fetchone(self) -> tuple[Any, ...] | None:
        if self._cursor.description is None:
            return (self._cursor.rowcount,)
        return self._cursor.fetchone()

    def fetchmany(self, size: int = 1) -> list[tuple[Any, ...]]:
        return self._cursor.fetchmany(size)


class PostgresConnection:
    """A psycopg connection with the interface of a DuckDB connection (see the module).

    It runs in autocommit mode, like DuckDB: a statement outside ``begin()`` commits on
    its own; ``begin()`` opens a transaction that ``commit()`` or ``rollback()`` ends.

    A session the server ended (a restart, a failover, an administrator's kill) fails the
    statement, or the transaction, that was using it: that caller is told, and nothing it
    was told succeeded is lost. The next statement outside a transaction opens a new
    session (``reopen``), so a long-lived process such as the server goes on by itself.
    Within a transaction it does not: its earlier statements went with the old session.
    """

    dialect: Dialect = "postgres"

    def __init__(
        self,
        raw: psycopg.Connection[Any],
        reopen: Callable[[], psycopg.Connection[Any]] | None = None,
    ) -> None:
        self.raw = raw
        self._reopen = reopen
        self._transaction = False
        self._backend: BaseBackend | None = None

    def _live(self) -> psycopg.Connection[Any]:
        """The session: a new one when the server ended the last between two transactions."""
        if self.raw.broken and self._reopen is not None and not self._transaction:
            self.raw = self._reopen()
            self._backend = None
            log.warning("opened a new session on the Postgres store: the server ended the last")
        return self.raw

    def execute(self, query: str, parameters: object = None, /) -> PostgresCursor:
        raw = self._live()
        if parameters:
            cur = raw.execute(translate(query), cast("Sequence[Any]", parameters))
        else:
            cur = raw.execute(query)
        return PostgresCursor(cur)

    def executemany(self, query: str, rows: Sequence[Sequence[Any]]) -> None:
        with self._live().cursor() as cur:
            cur.executemany(translate(query), rows)

    def begin(self) -> None:
        self._live().execute("BEGIN")
        self._transaction = True

    def commit(self) -> None:
        try:
            self.raw.execute("COMMIT")
        finally:
            self._transaction = False

    def rollback(self) -> None:
        try:
            # a session the server ended took its transaction with it: nothing to undo
            if not self.raw.broken:
                self.raw.execute("ROLLBACK")
        finally:
            self._transaction = False

    @property
    def in_transaction(self) -> bool:
        from psycopg.pq import TransactionStatus

        return self.raw.info.transaction_status != TransactionStatus.IDLE

    def close(self) -> None:
        self.raw.close()

    def ibis(self) -> BaseBackend:
        """An Ibis backend on this very connection (so it sees this transaction)."""
        raw = self._live()
        if self._backend is None:
            import ibis

            self._backend = ibis.postgres.from_connection(raw)
        return self._backend


def dialect(con: object) -> Dialect:
    return "postgres" if isinstance(con, PostgresConnection) else "duckdb"


# The server probes an idle client every 10 s after 30 s of silence, and ends the session
# after 3 unanswered probes: a run's host that lost power frees the run lock (and so lets
# its row be marked interrupted) in about a minute, not after the two hours of the
# kernel's default.
SESSION_OPTIONS = (
    "-c TimeZone=UTC -c tcp_keepalives_idle=30 -c tcp_keepalives_interval=10 "
    "-c tcp_keepalives_count=3"
)


# how often (ms) a session's statement checks that its client is still there (Postgres 14+)
_CLIENT_CHECK_MS = 1000


def postgres_conninfo(url: str) -> str:
    """A libpq connection string of a database URL (``postgresql+psycopg://`` too)."""
    if url.startswith("postgresql+"):
        url = "postgresql://" + url.split("://", 1)[1]
    return url


def connect_postgres(url: str, *, application: str = "stethoscope") -> PostgresConnection:
    """Open a session on the Postgres store: UTC, autocommit, opened again after the server
    ended it (see PostgresConnection)."""
    try:
        import psycopg
    except ImportError:
        raise StoreError(
            "a Postgres store needs the psycopg package",
            hint="install it with `pip install 'stethoscope[postgres]'`",
        ) from None
    conninfo = postgres_conninfo(url)

    def open_session(error: type[StoreError]) -> psycopg.Connection[Any]:
        try:
            raw = psycopg.connect(
                conninfo, autocommit=True, application_name=application, options=SESSION_OPTIONS
            )
            if raw.info.server_version >= 140000:
                # a statement whose process died (a killed `stethoscope run`) stops within a
                # second, rolling back and freeing the run lock; without this the server
                # noticed only when the statement ended, minutes later on a large book
                raw.execute(f"SET client_connection_check_interval = {_CLIENT_CHECK_MS}")
            return raw
        except psycopg.Error as e:
            raise error(
                f"cannot connect to the Postgres store: {str(e).strip()}",
                hint="check database_url (STETHOSCOPE_DATABASE_URL) and that the server is running",
            ) from None

    # a store that was there and is not for now (restarting) is busy: try again shortly
    return PostgresConnection(
        open_session(StoreError), functools.partial(open_session, StoreBusyError)
    )


def connect(settings: Settings) -> Connection:
    """The store's connection for ``settings``: the DuckDB file, waiting for it while
    another process holds it, or a session on the Postgres server."""
    if is_postgres_url(settings.database_url):
        return connect_postgres(settings.database_url)
    from stethoscope.store.duckdb_file import connect as connect_file

    path = settings.database_path
    assert path is not None
    return connect_file(
        path,
        timeout=settings.lock_timeout,
        memory_limit=settings.memory_limit,
        threads=settings.threads,
    )


# pg_advisory_lock keys: any fixed bigint unique to what it guards
_MIGRATE_LOCK = 0x5737_0001
_RUN_LOCK = 0x5737_0002
# held by an ingest transaction till it ends (store.ingest)
INGEST_LOCK = 0x5737_0003


@contextmanager
def migrating(con: Connection) -> Iterator[None]:
    """On Postgres, one process at a time migrates (others wait, then find it done)."""
    if not isinstance(con, PostgresConnection):
        yield
        return
    con.execute("SELECT pg_advisory_lock(?)", [_MIGRATE_LOCK]).fetchall()
    try:
        yield
    finally:
        con.execute("SELECT pg_advisory_unlock(?)", [_MIGRATE_LOCK]).fetchall()


@contextmanager
def run_lock(con: Connection) -> Iterator[None]:
    """On Postgres, runs never overlap across processes: a second run is refused at once.
    (On DuckDB one process owns the file, and the facade guards its own threads.)"""
    if not isinstance(con, PostgresConnection):
        yield
        return
    got = con.execute("SELECT pg_try_advisory_lock(?)", [_RUN_LOCK]).fetchone()
    if not got or not got[0]:
        raise RunInProgressError(
            "a run is already in progress on this database (another process)",
            hint="wait for it to finish (`stethoscope runs` lists it), then run again",
        )
    try:
        yield
    finally:
        con.execute("SELECT pg_advisory_unlock(?)", [_RUN_LOCK]).fetchall()


_DDL_TYPES = ((re.compile(r"\bDOUBLE\b"), "DOUBLE PRECISION"), (re.compile(r"\bJSON\b"), "JSONB"))


def ddl(con: Connection, sql: str) -> str:
    """DDL written with DuckDB's type names, in the dialect of ``con`` (ours only)."""
    if dialect(con) == "postgres":
        for pattern, name in _DDL_TYPES:
            sql = pattern.sub(name, sql)
    return sql


def sql_type(con: Connection, name: str) -> str:
    return ddl(con, name)


def redacted(url: str) -> str:
    """A database URL without its password, to show or log."""
    return re.sub(r"(://[^:/@]+):[^@/]*@", r"\1:***@", url)

"""Connections for reading while the store's one connection writes.

The facade writes through the store's connection, one writer at a time. Reads need not
wait for it: a pool lends each reading thread a connection of its own and takes it back
afterwards. On DuckDB (``Readers``) it is a cursor of the store's database (a connection
of the same database instance, ``con.cursor()``); on Postgres (``PostgresReaders``) a
session of its own, from psycopg's pool, which checks a session before lending it and
replaces those the server ended (a restart), so that reads recover by themselves. Each read
statement sees what was committed when it began (DuckDB's and Postgres's snapshot
isolation), so a reader never sees half of a run, and sees a run once it has committed.
"""

from __future__ import annotations

import contextlib
import os
import select
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Protocol

from stethoscope.errors import StoreBusyError

if TYPE_CHECKING:
    from stethoscope.store.database import Connection, PostgresConnection

# readers at once: one per core, at most 8. More only contend: on 2 cores, 8 DuckDB cursors
# answered half the point lookups per second that 2 did (1 ms of CPU each either way).
SIZE = min(8, os.cpu_count() or 2)
# seconds a read waits for a Postgres session before it is refused as busy (503): long
# enough for a server to restart, short enough that a request does not hang
WAIT = 10.0


class Pool(Protocol):
    def connection(self) -> contextlib.AbstractContextManager[Connection]: ...

    def close(self) -> None: ...


class Readers:
    """A pool of up to ``size`` DuckDB cursors, made by ``open_one`` when first needed."""

    def __init__(self, open_one: Callable[[], Connection], size: int = SIZE) -> None:
        self._open = open_one
        self._size = size
        self._idle: list[Connection] = []
        self._made = 0
        self._closed = False
        self._free = threading.Condition()

    @contextmanager
    def connection(self) -> Iterator[Connection]:
        """A connection for this thread's reads, until the block ends."""
        con = self._take()
        try:
            yield con
        finally:
            self._give(con)

    def _take(self) -> Connection:
        with self._free:
            while True:
                if self._closed:
                    raise RuntimeError("the store is closed")
                if self._idle:
                    return self._idle.pop()
                if self._made < self._size:
                    self._made += 1
                    break
                self._free.wait()
        try:
            return self._open()
        except BaseException:
            with self._free:
                self._made -= 1
                self._free.notify()
            raise

    def _give(self, con: Connection) -> None:
        with self._free:
            if self._closed:
                self._made -= 1
                con.close()
            else:
                self._idle.append(con)
            self._free.notify()

    def close(self) -> None:
        """Close the idle connections; those lent out close when they come back."""
        with self._free:
            self._closed = True
            for con in self._idle:
                con.close()
            self._made -= len(self._idle)
            self._idle.clear()
            self._free.notify_all()


class PostgresReaders:
    """Up to ``size`` sessions on the Postgres store at ``url``, from psycopg_pool: one is
    opened at once, more as reads need them; each is checked before it is lent, and one
    the server ended is replaced, after a restart too (the pool reconnects in the
    background, trying for ``reconnect_timeout`` seconds)."""

    def __init__(self, url: str, size: int = SIZE, *, application: str = "stethoscope") -> None:
        from psycopg_pool import ConnectionPool

        from stethoscope.store.database import SESSION_OPTIONS, postgres_conninfo

        self._pool: ConnectionPool[Any] = ConnectionPool(
            postgres_conninfo(url),
            kwargs={
                "autocommit": True,
                "application_name": application,
                "options": SESSION_OPTIONS,
            },
            min_size=1,
            max_size=size,
            open=True,
            check=_check,
            timeout=WAIT,
            name="stethoscope-readers",
        )

    @contextmanager
    def connection(self) -> Iterator[PostgresConnection]:
        from psycopg_pool import PoolTimeout

        from stethoscope.store.database import PostgresConnection

        try:
            raw = self._pool.getconn()
        except PoolTimeout:
            raise StoreBusyError(
                f"no session on the Postgres store within {WAIT:g} s",
                hint="the server may be restarting or at its connection limit; try again",
            ) from None
        try:
            yield PostgresConnection(raw)
        finally:
            # a session left in a transaction is rolled back; one the server ended, dropped
            self._pool.putconn(raw)

    def close(self) -> None:
        self._pool.close()


def _check(raw: Any) -> None:
    """Check a session before it is lent, without a round trip while it looks alive. An
    idle session's socket has nothing to read; one the server ended (a restart, a kill)
    has its last words or its end waiting there, and then the full check (an empty query)
    fails, and the pool opens another. (psycopg_pool's own check, an empty query every
    time, doubles the round trips of a point read.)"""
    from psycopg_pool import ConnectionPool

    if select.select([raw.fileno()], [], [], 0)[0]:
        ConnectionPool.check_connection(raw)

"""Connections for reading while the store's one connection writes.

The facade writes through the store's connection, one writer at a time. Reads need not
wait for it: ``Readers`` lends each reading thread a connection of its own, from a small
pool, and takes it back afterwards. On DuckDB it is a cursor of the store's database (a
connection of the same database instance, ``con.cursor()``); on Postgres a session of its
own. Each read statement sees what was committed when it began (DuckDB's and Postgres's
snapshot isolation), so a reader never sees half of a run, and sees a run once it has
committed.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from stethoscope.store.database import Connection

# readers at once: one per core, at most 8. More only contend: on 2 cores, 8 DuckDB cursors
# answered half the point lookups per second that 2 did (1 ms of CPU each either way).
SIZE = min(8, os.cpu_count() or 2)


class Readers:
    """A pool of up to ``size`` reading connections, made by ``open_one`` when first needed."""

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
        broken = False
        try:
            yield con
        except BaseException:
            broken = _closed(con)
            raise
        finally:
            self._give(con, broken)

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

    def _give(self, con: Connection, broken: bool) -> None:
        with self._free:
            if broken or self._closed:
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


def _closed(con: Connection) -> bool:
    """Whether a connection that raised is no longer usable (a Postgres session lost)."""
    raw = getattr(con, "raw", None)
    return bool(getattr(raw, "closed", False))

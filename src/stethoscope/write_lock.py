"""The project's write lock, which also counts the writes that change what is read.

Every write of a ``Project`` holds this lock (one writer at a time: see ``Project``).
``generation`` goes up by one when the outermost hold of a write begins and again when it
ends, after its commit, so a copy of stored data kept in memory (the server's read model,
``service.read_model``) knows it may be stale: a copy whose reading began at generation N
(read before the reading starts) is exact for as long as ``generation`` is N, and none made
while a write is under way outlives it.

A write that cannot change such a copy says so by holding the lock through
``keeping_reads()``: an ingest (events are read by runs, not by the copies), noting an API
key's last use, a dashboard session. A hold that does not say so counts, so a forgotten
case costs a copy's refresh, never a stale answer. The count is of this process's writes:
a copy is kept only where this process is the store's one writer (the embedded store,
locked to the server).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager


class WriteLock:
    """A re-entrant lock with a count of the holds that may have changed stored data."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._depth = 0
        self._changes = False
        self.generation = 0

    def acquire(self, blocking: bool = True) -> bool:
        return self._acquire(blocking, changes=True)

    def _acquire(self, blocking: bool, *, changes: bool) -> bool:
        if not self._lock.acquire(blocking):
            return False
        self._depth += 1
        if changes and not self._changes:
            self._changes = True
            self.generation += 1
        return True

    def release(self) -> None:
        self._depth -= 1
        if self._depth == 0 and self._changes:
            self._changes = False
            self.generation += 1
        self._lock.release()

    def __enter__(self) -> WriteLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()

    @contextmanager
    def keeping_reads(self) -> Iterator[None]:
        """Hold the lock for a write that changes nothing a read model copies."""
        self._acquire(True, changes=False)
        try:
            yield
        finally:
            self.release()

    def try_keeping_reads(self) -> bool:
        """Take the lock at once for such a write if it is free (``release`` it after);
        whether it was taken."""
        return self._acquire(False, changes=False)

    def held(self) -> bool:
        """Whether this thread holds it (then it reads its own writes)."""
        return self._lock._is_owned()  # type: ignore[attr-defined,no-any-return]

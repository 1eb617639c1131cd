"""The state every concern of the facade shares: settings, the store, its write lock and
the connections that read without waiting for it.

``Project`` is this plus one mixin per concern (stethoscope.facade); each mixin subclasses
``ProjectCore``, so what it uses of the store is typed. None imports another or
stethoscope.project: the few methods of another concern that one calls (a run attaches
pending events and evaluates alerts) it declares for mypy, and ``Project`` joins them.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

from stethoscope.errors import StoreError
from stethoscope.facade.model_files import ModelFiles
from stethoscope.settings import Settings, load_settings
from stethoscope.write_lock import WriteLock

if TYPE_CHECKING:
    from stethoscope.compute import Compute
    from stethoscope.store.database import Connection
    from stethoscope.store.embedded import EmbeddedStore, ServerStore
    from stethoscope.store.readers import Pool


class ProjectCore(ModelFiles):
    """A Stethoscope project: its settings and its store, used from one process.

    Methods are safe to call from several threads (the server's request handlers). Writes
    are serialised on the store's connection (DuckDB has one writer; on Postgres the same
    rule keeps each write one transaction of one session). Methods that only read do not
    wait for a write: each borrows a connection of its own (store.readers) and sees what was
    committed when its statement began, never a write half done. A thread inside a write
    reads through the writer's connection, and so sees its own uncommitted work.
    """

    def __init__(self, settings: Settings, *, on_wait: Callable[[str], None] | None = None) -> None:
        super().__init__(settings)
        self._on_wait = on_wait
        self._store: EmbeddedStore | ServerStore | None = None
        self._lock = WriteLock()
        self._readers: Pool | None = None
        # the compute engine of compute = spark, opened by the first run or backtest (a
        # session costs seconds to start, so the process keeps it)
        self._compute: Compute | None = None

    @classmethod
    def open(cls, project_dir: Path | str | None = None, **kwargs: Any) -> Self:
        return cls(load_settings(Path(project_dir) if project_dir else None), **kwargs)

    @property
    def database(self) -> Path:
        """The embedded database file (a Postgres store has none: see ``database_label``)."""
        path = self.settings.database_path
        if path is None:
            raise StoreError(
                "the store is a Postgres database, not a file",
                hint="database_url names a Postgres server",
            )
        return path

    @property
    def database_label(self) -> str:
        """Where the store is, to show a person: the file, or the Postgres URL without
        its password."""
        path = self.settings.database_path
        if path is not None:
            return str(path)
        from stethoscope.store.database import redacted

        return redacted(self.settings.database_url)

    @property
    def generation(self) -> int:
        """A count of this process's writes (see stethoscope.write_lock): a copy of stored
        data read at generation N is exact while this is still N, where ``sole_writer``."""
        return self._lock.generation

    @property
    def sole_writer(self) -> bool:
        """Whether no other process can write the store: the embedded database, which
        the process holds locked. A Postgres store is shared by any number of processes."""
        return self.settings.database_path is not None

    @property
    def store(self) -> EmbeddedStore | ServerStore:
        if self._store is None:
            from stethoscope.store.embedded import EmbeddedStore, ServerStore

            if self.settings.database_path is None:
                self._store = ServerStore(self.settings.database_url)
            else:
                self._store = EmbeddedStore(
                    self.database,
                    timeout=self.settings.lock_timeout,
                    on_wait=self._on_wait,
                    memory_limit=self.settings.memory_limit,
                    threads=self.settings.threads,
                )
        return self._store

    def _compute_engine(self) -> Compute | None:
        """Where runs and backtests compute (``compute`` setting): None for the store
        itself, else the engine, opened once (docs/concepts/scale.md)."""
        if self.settings.compute == "store":
            return None
        if self._compute is None:
            from stethoscope.compute.spark import SparkCompute

            self._compute = SparkCompute.open(self.settings)
        return self._compute

    def close(self) -> None:
        with self._lock:
            if self._readers is not None:
                self._readers.close()
                self._readers = None
            if self._store is not None:
                self._store.close()
                self._store = None

    @contextlib.contextmanager
    def _reading(self) -> Iterator[Connection]:
        """A connection to read from without waiting for a write (see the class)."""
        if self._lock.held():  # a thread inside a write reads its own writes
            yield self.store.con
            return
        readers = self._readers
        if readers is None:
            with self._lock.keeping_reads():
                if self._readers is None:
                    self._readers = self._make_readers()
                readers = self._readers
        with readers.connection() as con:
            yield con

    def _make_readers(self) -> Pool:
        return self.store.readers()

    def pending_migrations(self) -> list[int]:
        """The store's migrations not applied yet (none: its schema is current); reading
        them proves the store answers reads (the service's readiness, GET /readyz)."""
        from stethoscope.store.migrations import pending

        with self._reading() as con:
            return pending(con)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

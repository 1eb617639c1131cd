"""The facade: one object that the CLI, the API, notebooks and orchestrators all call.

``Project`` works on the project's store directly. ``connect()`` returns a ``Project``,
or, when a server already owns the project's embedded database, a ``RemoteProject``
(stethoscope.client) with the same methods that sends the work to that server.
"""

from __future__ import annotations

import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stethoscope.contract.importer import ImportResult, Mode, import_file
from stethoscope.contract.schema import TABLES
from stethoscope.errors import DataError, StoreBusyError, StoreError
from stethoscope.progress import Progress, silent
from stethoscope.settings import Settings, load_settings

if TYPE_CHECKING:
    from stethoscope.client import RemoteProject
    from stethoscope.store.embedded import EmbeddedStore


@dataclass(frozen=True)
class Status:
    project: str
    database: str
    counts: dict[str, int]
    # first and last event timestamps, ISO, or None without events
    events_from: str | None = None
    events_to: str | None = None
    served_by: str | None = None


@dataclass(frozen=True)
class DemoResult:
    start: str
    end: str
    counts: dict[str, int]
    seconds: float
    signal: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


class Project:
    """A Stethoscope project: its settings and its store, used from one process.

    Methods are safe to call from several threads (the server's request handlers): work on
    the store is serialised, as DuckDB has one writer.
    """

    def __init__(self, settings: Settings, *, on_wait: Callable[[str], None] | None = None) -> None:
        self.settings = settings
        self._on_wait = on_wait
        self._store: EmbeddedStore | None = None
        self._lock = threading.RLock()

    @classmethod
    def open(cls, project_dir: Path | str | None = None, **kwargs: Any) -> Project:
        return cls(load_settings(Path(project_dir) if project_dir else None), **kwargs)

    @property
    def database(self) -> Path:
        path = self.settings.database_path
        if path is None:
            raise StoreError(
                "Postgres stores are not supported yet",
                hint="use a DuckDB file path as database_url",
            )
        return path

    @property
    def store(self) -> EmbeddedStore:
        if self._store is None:
            from stethoscope.store.embedded import EmbeddedStore

            self._store = EmbeddedStore(
                self.database,
                timeout=self.settings.lock_timeout,
                on_wait=self._on_wait,
                memory_limit=self.settings.memory_limit,
            )
        return self._store

    def close(self) -> None:
        with self._lock:
            if self._store is not None:
                self._store.close()
                self._store = None

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- source data -------------------------------------------------------------------

    def import_file(
        self,
        table: str,
        path: Path | str,
        *,
        format: str | None = None,
        mapping: dict[str, str] | None = None,
        mode: Mode = "append",
        skip_bad: bool = False,
        rejects_path: Path | str | None = None,
        progress: Progress | None = None,
    ) -> ImportResult:
        """Import a CSV, Parquet or JSON Lines file into a source table (see the contract)."""
        with self._lock:
            return import_file(
                self.store.con,
                table,
                Path(path),
                format=format,
                mapping=mapping,
                mode=mode,
                skip_bad=skip_bad,
                rejects_path=Path(rejects_path) if rejects_path else None,
                progress=progress,
            )

    def status(self) -> Status:
        with self._lock:
            con = self.store.con
            first, last = con.execute(
                "SELECT min(timestamp), max(timestamp) FROM events"
            ).fetchone() or (None, None)
            return Status(
                str(self.settings.project_dir),
                str(self.database),
                self.store.counts(),
                first.isoformat() if first else None,
                last.isoformat() if last else None,
            )

    def load_demo(
        self,
        *,
        accounts: int = 2000,
        months: int = 12,
        seed: int = 0,
        end: date | None = None,
        activity: float = 1.0,
        force: bool = False,
        progress: Progress | None = None,
    ) -> DemoResult:
        """Generate the demo book and load it, replacing the source tables in one transaction."""
        from stethoscope.contract.demo import generate_book
        from stethoscope.contract.demo_report import signal_report

        started = time.perf_counter()
        tick = progress or silent
        with self._lock:
            con = self.store.con
            held = {k: v for k, v in self.store.counts().items() if v}
            if held and not force:
                raise DataError(
                    "the store already holds data: "
                    + ", ".join(f"{v:,} {k}" for k, v in held.items()),
                    hint="pass --force to replace it with the demo book",
                )
            with tempfile.TemporaryDirectory(prefix="stethoscope-demo-") as tmp:
                book = generate_book(
                    Path(tmp),
                    accounts=accounts,
                    months=months,
                    seed=seed,
                    end=end,
                    activity=activity,
                    progress=lambda n: tick("generating", n, accounts),
                )
                con.begin()
                try:
                    for name in reversed(TABLES):
                        con.execute(f'DELETE FROM "{name}"')
                    for name in TABLES:
                        import_file(
                            con,
                            name,
                            book.paths[name],
                            atomic=False,
                            progress=_renamed(tick, f"loading {name}"),
                        )
                    con.commit()
                except BaseException:
                    con.rollback()
                    raise
            tick("checking the signal", 0, 0)
            return DemoResult(
                book.start.isoformat(),
                book.end.isoformat(),
                self.store.counts(),
                time.perf_counter() - started,
                signal_report(con),
            )


def _renamed(progress: Progress, phase: str) -> Progress:
    """The same progress callback, reporting every phase under one name."""

    def tick(_: str, done: int, total: int) -> None:
        progress(phase, done, total)

    return tick


def connect(
    project_dir: Path | str | None = None, *, on_wait: Callable[[str], None] | None = None
) -> Project | RemoteProject:
    """The project at ``project_dir``: local, or through the server that owns its database.

    While another process holds the database this waits (up to ``lock_timeout``), and
    switches to the server if the holder turns out to be one that has just started.
    """
    from stethoscope.client import RemoteProject
    from stethoscope.store.lease import read_lease

    project = Project.open(project_dir, on_wait=on_wait)
    path = project.settings.database_path
    if path is None:
        return project
    deadline = time.monotonic() + project.settings.lock_timeout
    told = False
    while True:
        lease = read_lease(path)
        if lease is not None:
            return RemoteProject(lease, project.settings)
        try:
            from stethoscope.store.embedded import EmbeddedStore

            project._store = EmbeddedStore(
                path, timeout=0.5, memory_limit=project.settings.memory_limit
            )
            return project
        except StoreBusyError as e:
            if time.monotonic() >= deadline:
                e.hint = (
                    f"waited {project.settings.lock_timeout:g} s; run the command again "
                    "when it has finished, or raise lock_timeout"
                )
                raise
            if on_wait and not told:
                on_wait(f"waiting: {e.message}")
                told = True

"""The facade: one object that the CLI, the API, notebooks and orchestrators all call.

``Project`` works on the project's store directly. ``connect()`` returns a ``Project``,
or, when a server already owns the project's embedded database, a ``RemoteProject``
(stethoscope.client) with the same methods that sends the work to that server.
"""

from __future__ import annotations

import contextlib
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stethoscope.contract.importer import ImportResult, Mode, import_file
from stethoscope.contract.schema import TABLES, q
from stethoscope.errors import DataError, StoreBusyError, StoreError
from stethoscope.progress import Progress, silent
from stethoscope.settings import Settings, load_settings

if TYPE_CHECKING:
    from stethoscope.client import RemoteProject
    from stethoscope.engine.explain import Change, Explanation
    from stethoscope.model.types import Model
    from stethoscope.readouts import ModelDiff
    from stethoscope.runner import RunSummary
    from stethoscope.store.embedded import EmbeddedStore
    from stethoscope.store.results import RunRecord


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
                        con.execute(f"DELETE FROM {q(name)}")
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

    # -- the health model --------------------------------------------------------------

    def model_path(self, path: Path | str | None = None) -> Path:
        p = Path(path) if path else Path(self.settings.model)
        return p if p.is_absolute() else (Path.cwd() / p if path else self.settings.project_dir / p)

    def load_model(self, path: Path | str | None = None) -> Model:
        """The health model (the project's model file unless ``path``), validated."""
        from stethoscope.errors import ModelError
        from stethoscope.model.loader import load_model

        file = self.model_path(path)
        with contextlib.suppress(ValueError):
            file = file.relative_to(Path.cwd())  # errors name the file as the user sees it
        if not file.is_file():
            raise ModelError(
                f"no model file at {file}",
                hint="create one with `stethoscope init --preset four-signals`",
            )
        return load_model(file)

    def validate(self, path: Path | str | None = None) -> Model:
        return self.load_model(path)

    # -- scoring -----------------------------------------------------------------------

    def run(
        self,
        *,
        as_of: date | None = None,
        start: date | None = None,
        end: date | None = None,
        model: Path | str | None = None,
        progress: Progress | None = None,
    ) -> RunSummary:
        """Score every account as of a date (default today, UTC), or every day from
        ``start`` to ``end``, and store the results as one atomic run."""
        from stethoscope import runner

        m = self.load_model(model)
        if start or end:
            dates = runner.days(start or end or _today(), end or _today())
        else:
            dates = [as_of or _today()]
        with self._lock:
            return runner.run(self.store.con, m, dates, progress=progress)

    def runs(self, limit: int = 50) -> list[RunRecord]:
        from stethoscope.store.results import runs

        with self._lock:
            return runs(self.store.con, limit)

    def scores(
        self,
        *,
        score: str = "health",
        as_of: date | None = None,
        band: str | None = None,
        segment: str | None = None,
        owner: str | None = None,
        sort: str = "score",
        descending: bool = False,
        limit: int | None = None,
        offset: int = 0,
        model: Path | str | None = None,
    ) -> list[dict[str, Any]]:
        """The scored book under the current model, as of a date (default: its latest)."""
        from stethoscope import readouts

        m = self.load_model(model)
        self._check_score(m, score)
        with self._lock:
            day = as_of or readouts.latest_date(self.store.con, m.version)
            if day is None:
                return []
            return readouts.book(
                self.store.con,
                m.version,
                score,
                day,
                band=band,
                segment=segment,
                owner=owner,
                sort=sort,
                descending=descending,
                limit=limit,
                offset=offset,
            )

    def explain(
        self,
        account_id: str,
        *,
        as_of: date | None = None,
        score: str = "health",
        model: Path | str | None = None,
    ) -> Explanation:
        """Why an account has its score: every measure, adding up to it exactly."""
        from stethoscope import readouts
        from stethoscope.engine.explain import TREND_DAYS, explain_row, with_trends

        m = self.load_model(model)
        self._check_score(m, score)
        with self._lock:
            row = self._frame_row(m, account_id, as_of)
            day = row["as_of"]
            past = {
                n: readouts.frame_row(
                    self.store.con, m.version, account_id, day - timedelta(days=n)
                )
                for n in TREND_DAYS
            }
        return with_trends(explain_row(m, row, score), m, past)

    def explain_change(
        self,
        account_id: str,
        *,
        vs: date,
        as_of: date | None = None,
        score: str = "health",
        model: Path | str | None = None,
    ) -> Change:
        """The change of an account's score from ``vs`` to ``as_of``, by measure."""
        from stethoscope.engine.explain import compare, explain_row

        m = self.load_model(model)
        self._check_score(m, score)
        with self._lock:
            after = explain_row(m, self._frame_row(m, account_id, as_of), score)
            before = explain_row(m, self._frame_row(m, account_id, vs), score)
        return compare(before, after, m.scale.decimals)

    def _frame_row(self, m: Model, account_id: str, as_of: date | None) -> dict[str, Any]:
        from stethoscope import readouts, runner

        con = self.store.con
        day = as_of or readouts.latest_date(con, m.version) or _today()
        row = readouts.frame_row(con, m.version, account_id, day)
        if row is None:
            # not stored under this model version: compute it, the same way a run would
            runner.frame_into(con, m, day, "_explain")
            rows = con.execute(
                "SELECT count(*) FROM _explain WHERE account_id = ?", [account_id]
            ).fetchone()
            if not rows or not rows[0]:
                raise DataError(
                    f"account '{account_id}' is not a scored customer on {day}",
                    hint="check the id with `stethoscope scores`; an account is "
                    "scored from its customer_since date until it churns",
                )
            from stethoscope.store.results import row_dicts

            row = row_dicts(con, "SELECT * FROM _explain WHERE account_id = ?", [account_id])[0]
        return row

    @staticmethod
    def _check_score(m: Model, score: str) -> None:
        from stethoscope.errors import ModelError

        if score not in m.scores:
            raise ModelError(
                f"the model has no score '{score}'", hint=f"scores are: {', '.join(m.scores)}"
            )

    def diff(
        self,
        old: Path | str,
        new: Path | str | None = None,
        *,
        as_of: date | None = None,
        score: str = "health",
        top: int = 10,
    ) -> ModelDiff:
        """What changes if model ``old`` is replaced by ``new`` (default: the project's
        model): accounts per band before and after, and the largest movers."""
        from stethoscope import readouts, runner

        a, b = self.load_model(old), self.load_model(new)
        for m in (a, b):
            self._check_score(m, score)
        with self._lock:
            con = self.store.con
            day = (
                as_of
                or readouts.latest_date(con, b.version)
                or readouts.latest_date(con, a.version)
                or _today()
            )
            runner.frame_into(con, a, day, "_diff_old")
            runner.frame_into(con, b, day, "_diff_new")
            return readouts.diff_frames(
                con, "_diff_old", "_diff_new", score, day, a.version, b.version, top
            )

    # -- CSM inputs --------------------------------------------------------------------

    def add_input(
        self,
        account_id: str,
        name: str,
        value: str,
        *,
        reason: str,
        author: str,
        expires: date | None = None,
        model: Path | str | None = None,
    ) -> dict[str, Any]:
        """Record a CSM input (gut check, manual measure) declared by the model."""
        from stethoscope.store import inputs

        m = self.load_model(model)
        if name not in m.inputs:
            raise DataError(
                f"the model declares no input '{name}'",
                hint=f"inputs are: {', '.join(m.inputs) or '(none)'}",
            )
        with self._lock:
            return inputs.add(
                self.store.con,
                m.inputs[name],
                account_id,
                value,
                reason=reason,
                author=author,
                expires=expires,
            )

    def inputs(self, account_id: str | None = None) -> list[dict[str, Any]]:
        from stethoscope.store import inputs

        with self._lock:
            return inputs.listing(self.store.con, account_id)

    def revoke_input(self, input_id: str, *, by: str, reason: str) -> None:
        from stethoscope.store import inputs

        with self._lock:
            inputs.revoke(self.store.con, input_id, by=by, reason=reason)


def _today() -> date:
    return datetime.now(UTC).date()


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

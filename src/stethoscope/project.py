"""The facade: one object that the CLI, the API, notebooks and orchestrators all call.

``Project`` works on the project's store directly. ``connect()`` returns a ``Project``,
or, when a server already owns the project's embedded database, a ``RemoteProject``
(stethoscope.client) with the same methods that sends the work to that server.
"""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stethoscope.alerts.facade import AlertsMixin
from stethoscope.contract.importer import EndDates, ImportResult, Mode, import_file
from stethoscope.contract.schema import TABLES, q
from stethoscope.errors import DataError, RunInProgressError, StoreBusyError, StoreError
from stethoscope.progress import Progress, silent
from stethoscope.settings import Settings, load_settings
from stethoscope.write_lock import WriteLock

if TYPE_CHECKING:
    from stethoscope.backtest.discover import Discovery
    from stethoscope.backtest.replay import Backtest
    from stethoscope.client import RemoteProject
    from stethoscope.data_warnings import DataWarning
    from stethoscope.engine.explain import Change, Explanation
    from stethoscope.model.types import Model
    from stethoscope.readouts import ModelDiff, Page
    from stethoscope.runner import RunSummary
    from stethoscope.steps import Step
    from stethoscope.store.audit import AuditEntry
    from stethoscope.store.database import Connection
    from stethoscope.store.embedded import EmbeddedStore, ServerStore
    from stethoscope.store.ingest import Membership, Track, Written
    from stethoscope.store.keys import ApiKey, NewKey
    from stethoscope.store.privacy import Erasure
    from stethoscope.store.readers import Readers
    from stethoscope.store.results import RunRecord, RunStart, Trigger
    from stethoscope.store.users import User


@dataclass(frozen=True)
class Status:
    project: str
    database: str
    counts: dict[str, int]
    # first and last event timestamps, ISO, or None without events
    events_from: str | None = None
    events_to: str | None = None
    served_by: str | None = None
    # a server's read model (service.read_model), as GET /api/status says it
    read_model: dict[str, Any] | None = None


@dataclass(frozen=True)
class DemoResult:
    start: str
    end: str
    counts: dict[str, int]
    seconds: float
    signal: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    # the drawn causes of churn (``causes="random"``): a file beside the store, for tests
    causes_file: str | None = None


class Project(AlertsMixin):
    """A Stethoscope project: its settings and its store, used from one process.

    Methods are safe to call from several threads (the server's request handlers). Writes
    are serialised on the store's connection (DuckDB has one writer; on Postgres the same
    rule keeps each write one transaction of one session). Methods that only read do not
    wait for a write: each borrows a connection of its own (store.readers) and sees what was
    committed when its statement began, never a write half done. A thread inside a write
    reads through the writer's connection, and so sees its own uncommitted work.
    """

    def __init__(self, settings: Settings, *, on_wait: Callable[[str], None] | None = None) -> None:
        self.settings = settings
        self._on_wait = on_wait
        self._store: EmbeddedStore | ServerStore | None = None
        self._lock = WriteLock()
        self._readers: Readers | None = None
        self._models: dict[tuple[int, int, int, int], Model] = {}
        # the API key last authenticated (by its secret's digest) and the write generation
        # it was read at: a server's requests mostly come with the same few keys
        self._keys: dict[str, tuple[int, float, ApiKey]] = {}
        # the accounts' ids, and the write generation they were read at (``_account_ids``)
        self._accounts_known: tuple[int, frozenset[str]] | None = None
        # one run at a time: a second is refused at once, not queued behind the first
        self._run_guard = threading.Lock()
        self._running: RunStart | None = None

    @classmethod
    def open(cls, project_dir: Path | str | None = None, **kwargs: Any) -> Project:
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
                )
        return self._store

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

    def _make_readers(self) -> Readers:
        from stethoscope.store.readers import Readers

        return Readers(self.store.reader)

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
        encoding: str | None = None,
        end_dates: EndDates = "inclusive",
    ) -> ImportResult:
        """Import a CSV, Parquet or JSON Lines file into a source table (see the contract);
        ``encoding`` names the text encoding of a CSV or JSON Lines file (default UTF-8);
        ``end_dates``: whether the file's end dates are the last day (``inclusive``) or the
        day after it (``exclusive``)."""
        with self._lock:
            result = import_file(
                self.store.con,
                table,
                Path(path),
                format=format,
                mapping=mapping,
                mode=mode,
                skip_bad=skip_bad,
                rejects_path=Path(rejects_path) if rejects_path else None,
                progress=progress,
                encoding=encoding,
                end_dates=end_dates,
            )
            if table in ("accounts", "contacts"):
                self.attach_pending()
            return result

    def ingest(self, calls: Sequence[Track | Membership], *, received_at: datetime) -> Written:
        """Store the calls of one ingest request (service.ingest) in one transaction,
        committed on return; see store.ingest for how an event finds its account."""
        from stethoscope.store import ingest

        # events are read by runs: no copy the server keeps in memory changes
        with self._lock.keeping_reads():
            accounts = self._account_ids() if self.sole_writer else None
            return ingest.commit(self.store.con, calls, received_at=received_at, accounts=accounts)

    def _account_ids(self) -> frozenset[str]:
        """Every id in ``accounts``, read again after a write that may have changed them
        (see stethoscope.write_lock); an ingest no longer looks up its accounts. Called
        holding the write lock, where ``sole_writer``."""
        known = self._accounts_known
        if known is None or known[0] != self.generation:
            rows = self.store.con.execute("SELECT id FROM accounts").fetchall()
            known = (self.generation, frozenset(r[0] for r in rows))
            self._accounts_known = known
        return known[1]

    def attach_pending(self) -> int:
        """Move the ingested events that wait for their account into events, as far as
        their accounts are known now; the number moved. Runs after an import of accounts
        or contacts and before every run."""
        from stethoscope.store import ingest
        from stethoscope.store.embedded import transaction

        with self._lock.keeping_reads(), transaction(self.store.con) as con:
            return ingest.attach(con)

    def status(self) -> Status:
        from stethoscope.store.embedded import counts

        with self._reading() as con:
            first, last = con.execute(
                'SELECT min("timestamp"), max("timestamp") FROM events'
            ).fetchone() or (None, None)
            return Status(
                str(self.settings.project_dir),
                self.database_label,
                counts(con),
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
        causes: str | None = None,
        force: bool = False,
        progress: Progress | None = None,
    ) -> DemoResult:
        """Generate the demo book and load it, replacing the source tables in one transaction.

        Accounts that changed owner, plan or segment are upserted a second time with the new
        values. With ``causes="random"`` the drawn causes of churn are written to
        ``demo-causes.json`` in the project folder (never into the store).
        """
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
                    causes=causes,
                    progress=lambda n: tick("generating", n, accounts),
                )
                con.begin()
                try:
                    for name in reversed(TABLES):
                        con.execute(f"DELETE FROM {q(name)}")
                    # the accounts' earlier values go with them (contract.versions)
                    con.execute("DELETE FROM account_versions")
                    for name in TABLES:
                        import_file(
                            con,
                            name,
                            book.paths[name],
                            atomic=False,
                            progress=_renamed(tick, f"loading {name}"),
                        )
                    # the accounts as they changed, each row with the time it took effect
                    import_file(
                        con,
                        "accounts",
                        book.changes,
                        mode="upsert",
                        atomic=False,
                        progress=_renamed(tick, "loading account changes"),
                    )
                    con.commit()
                except BaseException:
                    con.rollback()
                    raise
                causes_file = None
                if book.causes is not None:
                    target = self.settings.project_dir / "demo-causes.json"
                    shutil.copyfile(book.causes, target)
                    causes_file = str(target)
                else:
                    (self.settings.project_dir / "demo-causes.json").unlink(missing_ok=True)
            tick("checking the signal", 0, 0)
            return DemoResult(
                book.start.isoformat(),
                book.end.isoformat(),
                self.store.counts(),
                time.perf_counter() - started,
                signal_report(con),
                causes_file,
            )

    # -- the health model --------------------------------------------------------------

    def model_path(self, path: Path | str | None = None) -> Path:
        if not path:
            return self._model_file
        p = Path(path)
        return p if p.is_absolute() else Path.cwd() / p

    @functools.cached_property
    def _model_file(self) -> Path:
        p = Path(self.settings.model)
        return p if p.is_absolute() else self.settings.project_dir / p

    def load_model(self, path: Path | str | None = None) -> Model:
        """The health model (the project's model file unless ``path``), validated."""
        file = self.model_path(path)
        # a server reads the model on every request: parsed once per version of the file,
        # known by one stat of it
        try:
            stat = os.stat(file)
        except OSError:
            stat = None
        key = None if stat is None else (stat.st_dev, stat.st_ino, stat.st_mtime_ns, stat.st_size)
        cached = self._models.get(key) if key is not None else None
        if cached is not None:
            return cached
        from stethoscope.errors import ModelError
        from stethoscope.model.loader import load_model

        with contextlib.suppress(ValueError):
            file = file.relative_to(Path.cwd())  # errors name the file as the user sees it
        if key is None or not file.is_file():
            raise ModelError(
                f"no model file at {file}",
                hint="create one with `stethoscope init --preset four-signals`",
            )
        cached = load_model(file)
        self._models = {key: cached}
        return cached

    def validate(self, path: Path | str | None = None) -> Model:
        model = self.load_model(path)
        self.alert_rules(path)  # the model file's alert rules too, or the rules file
        return model

    def data_warnings(self, model: Path | str | None = None) -> list[DataWarning]:
        """The model's measures whose data the store does not hold: a source with no rows,
        event names that never occur, an attribute no account has (none before a store
        exists: nothing is created to look)."""
        from stethoscope.data_warnings import data_warnings

        m = self.load_model(model)
        path = self.settings.database_path
        if self._store is None and path is not None and not path.exists():
            return []
        with self._reading() as con:
            return data_warnings(con, m)

    # -- scoring -----------------------------------------------------------------------

    def run(
        self,
        *,
        as_of: date | None = None,
        start: date | None = None,
        end: date | None = None,
        every: str | Step | None = None,
        model: Path | str | None = None,
        progress: Progress | None = None,
        trigger: Trigger = "cli",
    ) -> RunSummary:
        """Score every account as of a date (default today, UTC), or every day from
        ``start`` to ``end`` (every ``every``, e.g. ``7d`` or ``1mo``: steps.py), and store
        the results as one atomic run, recorded with its ``trigger``. While a run is in
        progress, another raises RunInProgressError."""
        from stethoscope import runner
        from stethoscope.steps import DAY, parse_step

        step = parse_step(every) if isinstance(every, str) else every or DAY
        if every is not None and not (start or end):
            raise DataError(
                f"--every {step} needs the dates to walk: --from (and --to, default today)",
                hint=f"e.g. stethoscope run --from 2025-01-01 --to 2025-12-31 --every {step}",
            )
        from stethoscope.store.results import RunStart, starting

        if not self._run_guard.acquire(blocking=False):
            raise RunInProgressError(
                f"a run is already in progress ({self._running or 'starting'})",
                hint="wait for it to finish (`stethoscope runs` lists it), then run again",
            )
        self._running = running = RunStart(trigger, datetime.now(UTC))
        # the guard is freed before the store: whoever waits for the store then finds no run
        with self._lock:
            try:
                m = self.load_model(model)
                rules = self.alert_rules(model)  # invalid rules refuse the run, as a model does
                if start or end:
                    dates = runner.days(start or end or _today(), end or _today(), step)
                else:
                    dates = [as_of or _today()]
                self.attach_pending()
                with starting(running):
                    summary = runner.run(self.store.con, m, dates, step=step, progress=progress)
                self._after_run(m, summary, rules)
            finally:
                self._running = None
                self._run_guard.release()
        self.drain_outbox()  # what the run's alerts send, without holding the store meanwhile
        return summary

    def runs(
        self, limit: int = 50, *, offset: int = 0, status: str | None = None
    ) -> list[RunRecord]:
        """Runs, newest first; only those with ``status`` (running, ok, failed) when given."""
        from stethoscope.store.results import runs

        with self._reading() as con:
            return runs(con, limit, offset=offset, status=status)

    def run_record(self, run_id: str) -> RunRecord | None:
        from stethoscope.store.results import run

        with self._reading() as con:
            return run(con, run_id)

    def last_scored(self, upto: date, *, model: Path | str | None = None) -> date | None:
        """The latest day, at or before ``upto``, that a successful run scored under the
        model's current version: where the schedule's catch-up starts from."""
        from stethoscope.store.results import last_scored

        m = self.load_model(model)
        with self._reading() as con:
            return last_scored(con, m.version, upto)

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
        groups: bool = False,
    ) -> list[dict[str, Any]]:
        """The scored book under the current model, as of a date (default: its latest);
        with ``groups``, each row has its group scores too."""
        from stethoscope import readouts

        m = self.load_model(model)
        self._check_score(m, score)
        with self._reading() as con:
            day = as_of or readouts.latest_date(con, m.version)
            if day is None:
                return []
            rows = readouts.book(
                con,
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
            return readouts.with_groups(con, m, day, rows) if groups else rows

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
        with self._reading() as con:
            row = self._frame_row(con, m, account_id, as_of)
            day = row["as_of"]
            past = {
                n: readouts.frame_row(con, m.version, account_id, day - timedelta(days=n))
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
        with self._reading() as con:
            after = explain_row(m, self._frame_row(con, m, account_id, as_of), score)
            before = explain_row(m, self._frame_row(con, m, account_id, vs), score)
        return compare(before, after, m.scale.decimals)

    def _frame_row(
        self, con: Connection, m: Model, account_id: str, as_of: date | None
    ) -> dict[str, Any]:
        from stethoscope import readouts, runner

        day = as_of or readouts.latest_date(con, m.version) or _today()
        row = readouts.frame_row(con, m.version, account_id, day)
        if row is None:
            # not stored under this model version: compute it, the same way a run would (in
            # a temporary table of the reading connection, which a run does not wait for,
            # dropped once read: a reader's tables outlive the read, and `forget` must find
            # no copy of an account there)
            from stethoscope.store.results import row_dicts

            with runner.temporary_frame(con, m, day, "_explain"):
                found = row_dicts(
                    con,
                    "SELECT e.*, a.name FROM _explain e "
                    "LEFT JOIN accounts a ON a.id = e.account_id WHERE e.account_id = ?",
                    [account_id],
                )
            if not found:
                raise DataError(
                    f"account '{account_id}' is not a scored customer on {day}",
                    hint="check the id with `stethoscope scores`; an account is "
                    "scored from its customer_since date until it churns",
                )
            row = found[0]
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
        old: Model | Path | str,
        new: Model | Path | str | None = None,
        *,
        as_of: date | None = None,
        score: str = "health",
        top: int = 10,
    ) -> ModelDiff:
        """What changes if model ``old`` is replaced by ``new`` (default: the project's
        model), each a file or a model (e.g. a ``stored_model``): accounts per band before
        and after, and the largest movers."""
        from stethoscope import readouts, runner
        from stethoscope.model.types import Model

        a, b = (m if isinstance(m, Model) else self.load_model(m) for m in (old, new))
        for m in (a, b):
            self._check_score(m, score)
        with self._reading() as con:
            day = (
                as_of
                or readouts.latest_date(con, b.version)
                or readouts.latest_date(con, a.version)
                or _today()
            )
            with (
                runner.temporary_frame(con, a, day, "_diff_old"),
                runner.temporary_frame(con, b, day, "_diff_new"),
            ):
                return readouts.diff_frames(
                    con, "_diff_old", "_diff_new", score, day, a.version, b.version, top
                )

    # -- listings with their totals, for the API's pages -------------------------------

    def latest_as_of(self, *, model: Path | str | None = None) -> date | None:
        """The latest date scored under the model's current version, or None."""
        from stethoscope import readouts

        m = self.load_model(model)
        with self._reading() as con:
            return readouts.latest_date(con, m.version)

    def first_as_of(self, *, model: Path | str | None = None) -> date | None:
        """The first date scored under the model's current version, or None: trends (the
        7- and 30-day changes) exist from that date plus their days."""
        m = self.load_model(model)
        with self._reading() as con:
            row = con.execute(
                "SELECT min(as_of_from) FROM runs WHERE model_version = ? AND status = 'ok'",
                [m.version],
            ).fetchone()
        return row[0] if row else None

    def count_scores(
        self,
        *,
        as_of: date,
        score: str = "health",
        band: str | None = None,
        segment: str | None = None,
        owner: str | None = None,
        model: Path | str | None = None,
    ) -> int:
        """How many rows ``scores`` has as of a date with these filters, on every page."""
        from stethoscope import readouts

        m = self.load_model(model)
        self._check_score(m, score)
        with self._reading() as con:
            return readouts.book_total(
                con, m.version, score, as_of, band=band, segment=segment, owner=owner
            )

    def accounts(
        self,
        *,
        segment: str | None = None,
        owner: str | None = None,
        search: str | None = None,
        sort: str = "name",
        descending: bool = False,
        limit: int = 50,
        offset: int = 0,
    ) -> Page:
        """Accounts as imported, filtered; ``search`` is text in the name or id."""
        from stethoscope import readouts

        with self._reading() as con:
            return readouts.accounts(
                con,
                segment=segment,
                owner=owner,
                search=search,
                sort=sort,
                descending=descending,
                limit=limit,
                offset=offset,
            )

    def account(self, account_id: str) -> dict[str, Any] | None:
        from stethoscope import readouts

        with self._reading() as con:
            return readouts.account(con, account_id)

    def accounts_now(self, version: str) -> Iterator[tuple[dict[str, Any], list[dict[str, Any]]]]:
        """Every account with its current scores under the model ``version``, by id: what
        ``account`` and ``current_scores`` give one account at a time, in one read."""
        from stethoscope import readouts

        with self._reading() as con:
            yield from readouts.accounts_now(con, version)

    def current_scores(
        self, account_id: str, *, model: Path | str | None = None
    ) -> list[dict[str, Any]]:
        """An account's scores on the latest date it was scored under the current model."""
        from stethoscope import readouts

        m = self.load_model(model)
        with self._reading() as con:
            return readouts.current_scores(con, m.version, account_id)

    def history(
        self,
        account_id: str,
        *,
        start: date | None = None,
        end: date | None = None,
        score: str | None = None,
        model_version: str | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> Page:
        """An account's stored scores over a span of dates, under every model version
        (or ``model_version``)."""
        from stethoscope import readouts

        with self._reading() as con:
            return readouts.history(
                con,
                account_id,
                start=start,
                end=end,
                score_name=score,
                version=model_version,
                limit=limit,
                offset=offset,
            )

    def model_versions(self, *, limit: int = 50, offset: int = 0) -> Page:
        """The model versions that have scored, newest first."""
        from stethoscope import readouts

        with self._reading() as con:
            return readouts.model_versions(con, limit=limit, offset=offset)

    def stored_model(self, version: str) -> Model:
        """A stored model version, named in full or by its first characters (at least 6)."""
        from dataclasses import replace

        from stethoscope import readouts
        from stethoscope.model.loader import parse_model

        found = []
        if len(version) >= 6:
            with self._reading() as con:
                found = readouts.stored_model_source(con, version)
        if len(found) != 1:
            what = "no stored model version" if not found else "more than one model version"
            raise DataError(
                f"{what} starts with '{version}'",
                hint="list the stored versions with GET /api/models; give at least 6 characters",
            )
        full, text = found[0]
        # named as it was stored, even if this release would resolve the text differently
        return replace(parse_model(text, f"model version {full[:12]}"), version=full)

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
        actor: str | None = None,
    ) -> dict[str, Any]:
        """Record a CSM input (gut check, manual measure) declared by the model; ``actor``
        (default: this process's user) is who entered it, for the audit log."""
        from stethoscope.store import audit, inputs

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
                actor=actor or audit.local_actor(),
                expires=expires,
            )

    def inputs(self, account_id: str | None = None) -> list[dict[str, Any]]:
        from stethoscope.store import inputs

        with self._reading() as con:
            return inputs.listing(con, account_id)

    def revoke_input(
        self, input_id: str, *, by: str, reason: str, actor: str | None = None
    ) -> None:
        from stethoscope.store import audit, inputs

        with self._lock:
            inputs.revoke(
                self.store.con, input_id, by=by, reason=reason, actor=actor or audit.local_actor()
            )

    # -- credentials, audit, privacy ---------------------------------------------------
    # ``actor`` is who acts, for the audit log: an API key ("key:NAME"), or by default the
    # user of this process ("cli:USER").

    def create_key(self, name: str, role: str, *, actor: str | None = None) -> NewKey:
        """A new API key; its secret is in the result and nowhere else."""
        from stethoscope.store import audit, keys

        with self._lock:
            return keys.create(self.store.con, name, role, actor=actor or audit.local_actor())

    def keys(self, *, revoked: bool = False) -> list[ApiKey]:
        from stethoscope.store import keys

        with self._reading() as con:
            return keys.listing(con, revoked=revoked)

    def revoke_key(self, key_id: str, *, actor: str | None = None) -> ApiKey:
        from stethoscope.store import audit, keys

        with self._lock:
            return keys.revoke(self.store.con, key_id, actor=actor or audit.local_actor())

    def authenticate(self, secret: str) -> ApiKey | None:
        """The live API key with this secret, or None."""
        from stethoscope.store import keys

        digest = keys.digest(secret)
        key = self.known_key(digest)
        if key is None:
            with self._reading() as con:
                key = keys.lookup(con, secret)
        # last_used_at is noted at most once a minute, and never waits for a write
        # (a run, an ingest): when the writer is busy, a later request notes it
        if key is not None and keys.due(key) and self._lock.try_keeping_reads():
            try:
                key = keys.touch(self.store.con, key)
            finally:
                self._lock.release()
        if key is not None and self.sole_writer:
            # until its use is to be noted again, by this process's clock
            due = time.monotonic() + (keys.due_at(key) - keys.now()).total_seconds()
            self._keys = {digest: (self.generation, due, key)}
        return key

    def known_key(self, digest: str) -> ApiKey | None:
        """The live key of this secret digest as last looked up, when no write since can
        have revoked it; otherwise None (look it up). When its use is due to be noted,
        one caller in five seconds gets None too, and notes it."""
        known = self._keys.get(digest)
        if known is None or known[0] != self.generation:
            return None
        if time.monotonic() >= known[1]:
            # this request looks the key up and notes its use (``authenticate``); the
            # requests meanwhile need not, nor wait: hundreds of them at once, each
            # reading the store, held a busy server up for a tenth of a second
            self._keys = {digest: (known[0], time.monotonic() + 5, known[2])}
            return None
        return known[2]

    # -- dashboard users (store.users) ---------------------------------------------------

    def create_user(self, name: str, role: str, password: str, *, actor: str | None = None) -> User:
        """A person who may sign in to the dashboard, with a role (admin, editor, viewer)."""
        from stethoscope.store import audit, users

        with self._lock:
            return users.create(
                self.store.con, name, role, password, actor=actor or audit.local_actor()
            )

    def users(self) -> list[User]:
        from stethoscope.store import users

        with self._reading() as con:
            return users.listing(con)

    def user(self, user_id: str) -> User | None:
        from stethoscope.store import users

        with self._reading() as con:
            return users.get(con, user_id)

    def sign_in(self, name: str, password: str) -> User | None:
        """The live user with this name and password, or None (and an audit log entry)."""
        from stethoscope.store import users

        with self._lock:
            return users.verify(self.store.con, name, password)

    def service_secret(self, name: str) -> str:
        """A random secret of the service, made on first use and kept in the store."""
        from stethoscope.store import users

        # read without the write lock once made: a page asks for it, and waits for no run
        with self._reading() as con:
            kept = users.kept_secret(con, name)
        if kept is not None:
            return kept
        with self._lock:
            return users.secret(self.store.con, name)

    def audit(self, limit: int = 50, *, action: str | None = None) -> list[AuditEntry]:
        from stethoscope.store import audit

        with self._reading() as con:
            return audit.entries(con, limit, action=action)

    def forget(
        self,
        *,
        account_id: str | None = None,
        contact_id: str | None = None,
        actor: str | None = None,
    ) -> Erasure:
        """Erase the personal data of an account or of a contact (one, not both) from the
        store, in one transaction; see docs/concepts/privacy.md."""
        from stethoscope.store import audit, privacy

        who = actor or audit.local_actor()
        with self._lock:
            if account_id is not None and contact_id is None:
                return privacy.forget_account(self.store.con, account_id, actor=who)
            if contact_id is not None and account_id is None:
                return privacy.forget_contact(self.store.con, contact_id, actor=who)
        raise DataError("forget needs an account id or a contact id, not both")

    # -- backtests, calibration and the churn forecast (stethoscope.backtest) ------------

    def _observing(
        self,
        start: date | None,
        end: date | None,
        every: str | Step | int,
        horizon: int,
        lead: int,
        score: str,
        level: str,
        method: str,
        anchor: str = "calendar",
    ) -> Any:
        from stethoscope.backtest.observations import plan
        from stethoscope.backtest.replay import Settings
        from stethoscope.steps import Step, parse_step

        if level not in ("account", "parent"):
            raise DataError(f"--level must be account or parent, got '{level}'")
        if method not in ("isotonic", "platt"):
            raise DataError(f"--probability must be isotonic or platt, got '{method}'")
        if anchor not in ("calendar", "renewal"):
            raise DataError(f"--anchor must be calendar or renewal, got '{anchor}'")
        if anchor == "renewal" and level == "parent":
            # a family rolls up its members scored on a date; anchored, a date holds only
            # the members renewing then, so the family's score would be a part of it
            raise DataError(
                "--anchor renewal observes accounts at their own term ends; it cannot roll "
                "them up into families (--level parent)",
                hint="use --level account with --anchor renewal",
            )
        step = (
            parse_step(every)
            if isinstance(every, str)
            else every
            if isinstance(every, Step)
            else Step(every, "d")
        )
        p = plan(
            self.store.con,
            start=start,
            end=end,
            every=step,
            horizon=horizon,
            lead=lead,
            anchor=anchor,  # type: ignore[arg-type]
        )
        return Settings(
            tuple(p.dates),
            step,
            horizon,
            lead,
            score,
            level,  # type: ignore[arg-type]
            method,  # type: ignore[arg-type]
            p.anchor,
            p.pairs,
        )

    def backtest(
        self,
        *,
        model: Path | str | None = None,
        start: date | None = None,
        end: date | None = None,
        every: str | Step | int = 30,
        horizon: int = 90,
        lead: int = 0,
        score: str = "health",
        level: str = "account",
        method: str = "isotonic",
        anchor: str = "calendar",
        save: bool = True,
        progress: Progress | None = None,
    ) -> Backtest:
        """Score every active account at observation dates from ``start`` to ``end``
        (every ``every``: a step like ``30d`` or ``1mo``, or days) with only the data known
        then, label each by whether it churned within ``horizon`` days (after ``lead``), and
        report how well the score predicted it (docs/concepts/backtesting.md). With
        ``anchor="renewal"`` each account is observed ``lead`` days before each of its term
        ends instead. Kept in the store with ``save``."""
        from stethoscope.backtest.replay import backtest
        from stethoscope.store import backtests

        m = self.load_model(model)
        with self._lock:
            settings = self._observing(
                start, end, every, horizon, lead, score, level, method, anchor
            )
            b = backtest(
                self.store.con, m, settings, file=str(self.model_path(model)), progress=progress
            )
            if save:
                backtests.save(self.store.con, b.to_json(observations=False))
            return b

    def compare_models(
        self,
        a: Path | str,
        b: Path | str,
        *,
        start: date | None = None,
        end: date | None = None,
        every: str | Step | int = 30,
        horizon: int = 90,
        lead: int = 0,
        score: str = "health",
        level: str = "account",
        anchor: str = "calendar",
        replicates: int = 1000,
        seed: int = 0,
        save: bool = True,
        progress: Progress | None = None,
    ) -> dict[str, Any]:
        """Two model files backtested on the same observations: each one's report, and the
        difference of their AUCs with a bootstrap confidence interval."""
        from stethoscope.backtest import compare
        from stethoscope.backtest.replay import backtest
        from stethoscope.store import backtests

        ma, mb = self.load_model(a), self.load_model(b)
        with self._lock:
            settings = self._observing(
                start, end, every, horizon, lead, score, level, "isotonic", anchor
            )
            ra = backtest(self.store.con, ma, settings, file=str(a), progress=progress)
            rb = backtest(self.store.con, mb, settings, file=str(b), progress=progress)
            oa, ob = compare.aligned(ra.observations, rb.observations)
            out = {
                "kind": "compare",
                "settings": settings.to_json(),
                "a": ra.to_json(observations=False),
                "b": rb.to_json(observations=False),
                "difference": compare.difference(oa, ob, replicates=replicates, seed=seed),
            }
            if save:
                backtests.save(self.store.con, out)
            return out

    def calibrate(
        self,
        out: Path | str,
        *,
        model: Path | str | None = None,
        start: date | None = None,
        end: date | None = None,
        every: str | Step | int = 30,
        horizon: int = 90,
        lead: int = 0,
        score: str = "health",
        anchor: str = "calendar",
        force: bool = False,
        flips: bool = True,
        curves: bool = True,
        flatten: bool = False,
        progress: Progress | None = None,
    ) -> dict[str, Any]:
        """Fit the score's weights at every level (and, with ``flips`` and ``curves``,
        reversed measures turned round and grading curves from the data) and band
        thresholds on backtest observations (dates and ``anchor`` as ``backtest``), and
        write them as a new model file ``out`` (never the model it starts from); the fit,
        with each step's held-out figures (docs/concepts/backtesting.md). ``flatten``:
        scorecards written flat."""
        from stethoscope.backtest.calibrate import calibrate
        from stethoscope.backtest.calibrate_text import model_text
        from stethoscope.backtest.observations import observe
        from stethoscope.model.loader import parse_model

        m = self.load_model(model)
        source = self.model_path(model)
        target = Path(out)
        if target.resolve() == source.resolve():
            raise DataError(
                f"--out {target} is the model being calibrated; calibrate never overwrites it",
                hint="name a new file, e.g. --out model.calibrated.yaml",
            )
        if target.exists() and not force:
            raise DataError(f"{target} exists", hint="choose another --out, or pass --force")
        with self._lock:
            settings = self._observing(
                start, end, every, horizon, lead, score, "account", "isotonic", anchor
            )
            obs = observe(
                self.store.con,
                m,
                score,
                list(settings.dates),
                horizon=horizon,
                lead=settings.label_lead,
                pairs=settings.pairs,
                values=curves or flips,
                progress=progress,
            )
        fit = calibrate(
            obs,
            m,
            score,
            horizon=horizon,
            lead=settings.label_lead,
            flips=flips,
            curves=curves,
            flatten=flatten,
        )
        text = model_text(m, fit, source=str(source.name), when=_today())
        new = parse_model(text, str(target))  # the file it writes is a valid model
        target.write_text(text)
        return fit.to_json() | {
            "settings": settings.to_json(),
            "model": {"from": str(source), "version": m.version},
            "out": {"file": str(target), "version": new.version},
        }

    def discover(
        self,
        *,
        out: Path | str | None = None,
        every: str = "1mo",
        horizon: int = 90,
        lead: int = 0,
        to: date | None = None,
        events: int = 15,
        measures: int = 8,
        force: bool = False,
        progress: Progress | None = None,
    ) -> Discovery:
        """The traits of lost customers: candidate metrics of the book judged against churn
        on observation dates up to ``to``, and a starter model of the best uncorrelated
        ones, written to ``out`` (docs/concepts/backtesting.md, "Discover")."""
        from stethoscope.backtest.discover import discover
        from stethoscope.model.loader import parse_model

        target = Path(out) if out is not None else None
        if target is not None and target.exists() and not force:
            raise DataError(f"{target} exists", hint="choose another --out, or pass --force")
        with self._lock:
            d = discover(
                self.store.con,
                every=every,
                horizon=horizon,
                lead=lead,
                to=to,
                events=events,
                measures=measures,
                progress=progress,
            )
        if target is not None:
            if d.model_text is None:
                raise DataError(
                    f"no starter model to write to {target}: {d.report['model_problem']}",
                    hint="see the candidates in the report (--format json) for what was found",
                )
            parse_model(d.model_text, str(target))  # the file it writes is a valid model
            target.write_text(d.model_text)
        return d

    def churn_forecast(
        self,
        *,
        model: Path | str | None = None,
        as_of: date | None = None,
        every: str | Step | int = 30,
        horizon: int = 90,
        lead: int = 0,
        score: str = "health",
        level: str = "account",
        method: str = "isotonic",
        top: int = 20,
    ) -> dict[str, Any]:
        """Revenue at risk: each account's probability of churning within ``horizon``
        days of ``as_of`` (default: the last day of data), from its score through a
        mapping fitted on a backtest of the model, and the expected churned ARR per
        segment, owner and renewal month."""
        from stethoscope.backtest.observations import data_span, observe
        from stethoscope.backtest.probability import ChurnMapping, expected_loss
        from stethoscope.backtest.replay import backtest

        m = self.load_model(model)
        with self._lock:
            settings = self._observing(None, None, every, horizon, lead, score, level, method)
            b = backtest(self.store.con, m, settings, progress=None)
            fitted = b.report["probability"]
            if fitted is None:
                raise DataError(
                    "the backtest holds no churn to fit a probability on",
                    hint="import outcomes, or widen --horizon",
                )
            mapping = ChurnMapping.from_json(fitted)
            day = as_of or data_span(self.store.con)[1]
            now = observe(
                self.store.con,
                m,
                score,
                [day],
                horizon=horizon,
                lead=0,
                level=level,  # type: ignore[arg-type]
            )
        prob = mapping.predict(now.score)
        import numpy as np

        arr = np.nan_to_num(now["arr"])
        loss = np.nan_to_num(prob) * arr
        order = np.argsort(-loss, kind="stable")[:top]
        return {
            "kind": "forecast",
            "as_of": day.isoformat(),
            "horizon_days": horizon,
            "score": score,
            "level": level,
            "model": {"name": m.name, "version": m.version},
            "fitted_on": b.settings.to_json() | {"auc": b.report["auc"]},
            "mapping": fitted,
            "accounts": len(now),
            "arr": float(arr.sum()),
            "expected_churned_arr": float(loss.sum()),
            "expected_churned_accounts": float(np.nansum(prob)),
            **expected_loss(
                prob,
                now["arr"],
                {
                    "segment": now["segment"],
                    "owner": now["owner"],
                    "renewal_month": now["renewal_month"],
                },
            ),
            "top_accounts": [
                {
                    "account_id": str(now["account_id"][i]),
                    "score": None if np.isnan(now.score[i]) else float(now.score[i]),
                    "band": now["band"][i],
                    "arr": float(arr[i]),
                    "churn_probability": None if np.isnan(prob[i]) else float(prob[i]),
                    "expected_churned_arr": float(loss[i]),
                }
                for i in order
            ],
        }

    def latest_backtest(self) -> dict[str, Any] | None:
        """The latest backtest (or comparison) report kept in the store, or None."""
        from stethoscope.store import backtests

        with self._reading() as con:
            return backtests.latest(con)

    # -- the book from above, for the dashboard (stethoscope.overview) ------------------

    def book_overview(
        self,
        *,
        as_of: date,
        score: str = "health",
        owner: str | None = None,
        renew_days: int = 90,
        history: Sequence[date] = (),
        drops_since: date | None = None,
        top: int = 10,
    ) -> dict[str, Any]:
        """The scored book as of a date in a few rows: per band (with renewals due within
        ``renew_days``), per band on each date of ``history``, per segment and
        owner, the ``top`` biggest drops since ``drops_since`` and the soonest renewals;
        only ``owner``'s accounts when given."""
        from stethoscope import overview as o

        m = self.load_model()
        self._check_score(m, score)
        until = as_of + timedelta(days=renew_days)
        v = m.version
        with self._reading() as con:
            groups = o.aggregates(con, v, score, as_of, renew_until=until, owner=owner)
            return {
                "summary": groups["bands"],
                "history": o.band_history(con, v, score, list(history), owner=owner)
                if history
                else [],
                "segments": groups["segments"],
                "owners": groups["owners"],
                "drops": o.drops(con, v, score, as_of, drops_since, limit=top, owner=owner)
                if drops_since
                else [],
                "renewals_due": o.renewals_due(con, v, score, as_of, until, limit=top, owner=owner),
            }

    def book_page(
        self,
        *,
        as_of: date,
        score: str = "health",
        band: str | None = None,
        segment: str | None = None,
        owner: str | None = None,
        search: str | None = None,
        sort: str = "score",
        descending: bool = False,
        limit: int = 50,
        offset: int = 0,
    ) -> Page:
        """One page of the scored book as of a date: filtered, ``search`` in the name or
        id (any case), sorted; the rows of ``scores``, and how many match."""
        from stethoscope import overview, readouts

        m = self.load_model()
        self._check_score(m, score)
        with self._reading() as con:
            rows, total = overview.book_page(
                con,
                m.version,
                score,
                as_of,
                band=band,
                segment=segment,
                owner=owner,
                search=search,
                sort=sort,
                descending=descending,
                limit=limit,
                offset=offset,
            )
        return readouts.Page(rows, total)

    def measure_coverage(self, *, as_of: date, score: str = "health") -> dict[str, Any]:
        """How many accounts scored on a date each measure of the model could grade, and
        the accounts by the share of their scorecard's weight that had data."""
        from stethoscope import overview

        m = self.load_model()
        self._check_score(m, score)
        with self._reading() as con:
            return overview.measure_coverage(con, m, score, as_of)

    def activity(
        self, account_id: str, *, start: date, end: date, limit: int = 30
    ) -> dict[str, Any]:
        """An account's usage per week, tickets, survey answers and conversations."""
        from stethoscope import overview

        with self._reading() as con:
            return overview.activity(con, account_id, start, end, limit=limit)

    def account_scores(self, account_id: str, *, start: date, end: date) -> list[dict[str, Any]]:
        """Every stored score of an account over a span of dates, under every model
        version (one read, however many versions and scores)."""
        from stethoscope import overview

        with self._reading() as con:
            return overview.account_rows(con, account_id, start, end)

    def account_audit(self, account_id: str, *, limit: int = 20) -> list[dict[str, Any]]:
        """The audit log's entries about an account, newest first."""
        from stethoscope import overview

        with self._reading() as con:
            return overview.account_audit(con, account_id, limit=limit)

    # -- dashboard sessions and sign-in attempts (store.web_sessions) -------------------

    def open_session(self, user_id: str, *, lasts: timedelta, address: str) -> str:
        """A new dashboard session of a user; its id, for the session cookie."""
        from stethoscope.store import web_sessions

        with self._lock:
            return web_sessions.open_session(self.store.con, user_id, lasts, address)

    def session_user(self, session_id: str) -> User | None:
        """The user of a live session (not signed out, not expired), or None."""
        from stethoscope.store import web_sessions

        # a read: every page asks it, so it must not wait for a run (issue 17 item 5)
        with self._reading() as con:
            return web_sessions.session_user(con, session_id)

    def close_session(self, session_id: str) -> bool:
        """Sign a session out everywhere; whether it was live."""
        from stethoscope.store import web_sessions

        with self._lock:
            return web_sessions.close_session(self.store.con, session_id)

    def signin_wait(self, name: str, address: str) -> int:
        """Seconds before ``name`` may try to sign in again from ``address`` (0: now)."""
        from stethoscope.store import web_sessions

        with self._lock:
            return web_sessions.wait(self.store.con, name, address)

    def signin_failed(self, name: str, address: str) -> None:
        """Count a failed sign-in against the name and the address."""
        from stethoscope.store import web_sessions

        with self._lock:
            web_sessions.failed(self.store.con, name, address)


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

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
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stethoscope.alerts.facade import AlertsMixin
from stethoscope.contract.importer import ImportResult, Mode, import_file
from stethoscope.contract.schema import TABLES, q
from stethoscope.errors import DataError, RunInProgressError, StoreBusyError, StoreError
from stethoscope.progress import Progress, silent
from stethoscope.settings import Settings, load_settings

if TYPE_CHECKING:
    from stethoscope.client import RemoteProject
    from stethoscope.engine.explain import Change, Explanation
    from stethoscope.model.types import Model
    from stethoscope.readouts import ModelDiff, Page
    from stethoscope.runner import RunSummary
    from stethoscope.store.audit import AuditEntry
    from stethoscope.store.embedded import EmbeddedStore, ServerStore
    from stethoscope.store.ingest import Membership, Track, Written
    from stethoscope.store.keys import ApiKey, NewKey
    from stethoscope.store.privacy import Erasure
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


@dataclass(frozen=True)
class DemoResult:
    start: str
    end: str
    counts: dict[str, int]
    seconds: float
    signal: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


class Project(AlertsMixin):
    """A Stethoscope project: its settings and its store, used from one process.

    Methods are safe to call from several threads (the server's request handlers): work on
    the store is serialised, as DuckDB has one writer.
    """

    def __init__(self, settings: Settings, *, on_wait: Callable[[str], None] | None = None) -> None:
        self.settings = settings
        self._on_wait = on_wait
        self._store: EmbeddedStore | ServerStore | None = None
        self._lock = threading.RLock()
        self._models: dict[tuple[str, int, int], Model] = {}
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
            )
            if table in ("accounts", "contacts"):
                self.attach_pending()
            return result

    def ingest(self, calls: Sequence[Track | Membership], *, received_at: datetime) -> Written:
        """Store the calls of one ingest request (service.ingest) in one transaction,
        committed on return; see store.ingest for how an event finds its account."""
        from stethoscope.store import ingest
        from stethoscope.store.embedded import transaction

        with self._lock, transaction(self.store.con) as con:
            return ingest.write(con, calls, received_at=received_at)

    def attach_pending(self) -> int:
        """Move the ingested events that wait for their account into events, as far as
        their accounts are known now; the number moved. Runs after an import of accounts
        or contacts and before every run."""
        from stethoscope.store import ingest
        from stethoscope.store.embedded import transaction

        with self._lock, transaction(self.store.con) as con:
            return ingest.attach(con)

    def status(self) -> Status:
        with self._lock:
            con = self.store.con
            first, last = con.execute(
                'SELECT min("timestamp"), max("timestamp") FROM events'
            ).fetchone() or (None, None)
            return Status(
                str(self.settings.project_dir),
                self.database_label,
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
        # a server reads the model on every request: parsed once per version of the file
        stat = file.stat()
        key = (str(file.resolve()), stat.st_mtime_ns, stat.st_size)
        cached = self._models.get(key)
        if cached is None:
            cached = load_model(file)
            self._models = {key: cached}
        return cached

    def validate(self, path: Path | str | None = None) -> Model:
        model = self.load_model(path)
        self.alert_rules(path)  # the model file's alert rules too, or the rules file
        return model

    # -- scoring -----------------------------------------------------------------------

    def run(
        self,
        *,
        as_of: date | None = None,
        start: date | None = None,
        end: date | None = None,
        model: Path | str | None = None,
        progress: Progress | None = None,
        trigger: Trigger = "cli",
    ) -> RunSummary:
        """Score every account as of a date (default today, UTC), or every day from
        ``start`` to ``end``, and store the results as one atomic run, recorded with its
        ``trigger``. While a run is in progress, another raises RunInProgressError."""
        from stethoscope import runner
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
                    dates = runner.days(start or end or _today(), end or _today())
                else:
                    dates = [as_of or _today()]
                self.attach_pending()
                with starting(running):
                    summary = runner.run(self.store.con, m, dates, progress=progress)
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

        with self._lock:
            return runs(self.store.con, limit, offset=offset, status=status)

    def run_record(self, run_id: str) -> RunRecord | None:
        from stethoscope.store.results import run

        with self._lock:
            return run(self.store.con, run_id)

    def last_scored(self, upto: date, *, model: Path | str | None = None) -> date | None:
        """The latest day, at or before ``upto``, that a successful run scored under the
        model's current version: where the schedule's catch-up starts from."""
        from stethoscope.store.results import last_scored

        m = self.load_model(model)
        with self._lock:
            return last_scored(self.store.con, m.version, upto)

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
        with self._lock:
            day = as_of or readouts.latest_date(self.store.con, m.version)
            if day is None:
                return []
            rows = readouts.book(
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
            return readouts.with_groups(self.store.con, m, day, rows) if groups else rows

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

            row = row_dicts(
                con,
                "SELECT e.*, a.name FROM _explain e LEFT JOIN accounts a ON a.id = e.account_id "
                "WHERE e.account_id = ?",
                [account_id],
            )[0]
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

    # -- listings with their totals, for the API's pages -------------------------------

    def latest_as_of(self, *, model: Path | str | None = None) -> date | None:
        """The latest date scored under the model's current version, or None."""
        from stethoscope import readouts

        m = self.load_model(model)
        with self._lock:
            return readouts.latest_date(self.store.con, m.version)

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
        with self._lock:
            return readouts.book_total(
                self.store.con, m.version, score, as_of, band=band, segment=segment, owner=owner
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

        with self._lock:
            return readouts.accounts(
                self.store.con,
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

        with self._lock:
            return readouts.account(self.store.con, account_id)

    def current_scores(
        self, account_id: str, *, model: Path | str | None = None
    ) -> list[dict[str, Any]]:
        """An account's scores on the latest date it was scored under the current model."""
        from stethoscope import readouts

        m = self.load_model(model)
        with self._lock:
            return readouts.current_scores(self.store.con, m.version, account_id)

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

        with self._lock:
            return readouts.history(
                self.store.con,
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

        with self._lock:
            return readouts.model_versions(self.store.con, limit=limit, offset=offset)

    def stored_model(self, version: str) -> Model:
        """A stored model version, named in full or by its first characters (at least 6)."""
        from dataclasses import replace

        from stethoscope import readouts
        from stethoscope.model.loader import parse_model

        found = []
        if len(version) >= 6:
            with self._lock:
                found = readouts.stored_model_source(self.store.con, version)
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

        with self._lock:
            return inputs.listing(self.store.con, account_id)

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

        with self._lock:
            return keys.listing(self.store.con, revoked=revoked)

    def revoke_key(self, key_id: str, *, actor: str | None = None) -> ApiKey:
        from stethoscope.store import audit, keys

        with self._lock:
            return keys.revoke(self.store.con, key_id, actor=actor or audit.local_actor())

    def authenticate(self, secret: str) -> ApiKey | None:
        """The live API key with this secret, or None."""
        from stethoscope.store import keys

        with self._lock:
            return keys.verify(self.store.con, secret)

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

        with self._lock:
            return users.listing(self.store.con)

    def user(self, user_id: str) -> User | None:
        from stethoscope.store import users

        with self._lock:
            return users.get(self.store.con, user_id)

    def sign_in(self, name: str, password: str) -> User | None:
        """The live user with this name and password, or None (and an audit log entry)."""
        from stethoscope.store import users

        with self._lock:
            return users.verify(self.store.con, name, password)

    def service_secret(self, name: str) -> str:
        """A random secret of the service, made on first use and kept in the store."""
        from stethoscope.store import users

        with self._lock:
            return users.secret(self.store.con, name)

    def audit(self, limit: int = 50, *, action: str | None = None) -> list[AuditEntry]:
        from stethoscope.store import audit

        with self._lock:
            return audit.entries(self.store.con, limit, action=action)

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

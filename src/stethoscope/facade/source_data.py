"""Source data in: files imported into the contract's tables, events ingested through the
API, the demo book; and what the store holds of it (``status``, ``data_warnings``)."""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from stethoscope.contract.schema import TABLES, q
from stethoscope.errors import DataError
from stethoscope.facade.core import ProjectCore
from stethoscope.facade.protocol import DemoResult, Status
from stethoscope.progress import Progress, silent

if TYPE_CHECKING:
    from stethoscope.contract.importer import EndDates, ImportResult, Mode
    from stethoscope.data_warnings import DataWarning
    from stethoscope.settings import Settings
    from stethoscope.store.ingest import Membership, Track, Written


class SourceData(ProjectCore):
    def __init__(self, settings: Settings, *, on_wait: Callable[[str], None] | None = None) -> None:
        super().__init__(settings, on_wait=on_wait)
        # the accounts' ids, and the write generation they were read at (``_account_ids``)
        self._accounts_known: tuple[int, frozenset[str]] | None = None

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
        # imported here: pyarrow (and numpy) are a third of a command's start-up otherwise
        from stethoscope.contract.importer import import_file

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
        from stethoscope.contract.importer import import_file

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


def _renamed(progress: Progress, phase: str) -> Progress:
    """The same progress callback, reporting every phase under one name."""

    def tick(_: str, done: int, total: int) -> None:
        progress(phase, done, total)

    return tick

"""Sources: the ``[sources.NAME]`` of the project file, listed with their last syncs,
checked, synced into the store (SaaS kinds), or shown to a run in place (database, files)."""

from __future__ import annotations

import datetime as dt
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from stethoscope import clock
from stethoscope.errors import ConfigError, StethoscopeError
from stethoscope.facade.core import ProjectCore
from stethoscope.progress import Progress

if TYPE_CHECKING:
    from stethoscope.sources.check import SourceCheck
    from stethoscope.sources.config import SourceSpec
    from stethoscope.sources.sync import SyncSummary
    from stethoscope.store.database import Connection
    from stethoscope.store.syncs import SyncRecord
    from stethoscope.store.write_backs import WriteBackRecord


@dataclass(frozen=True)
class SourceStatus:
    """A configured source and how its data stands: what a person sees in `sources list`,
    on the dashboard's sources page and at /api/sources."""

    name: str
    kind: str
    in_place: bool
    # contract table -> where its rows come from (a stream, a table, a path; '' by default)
    tables: dict[str, str]
    schedule: str | None
    last_sync: SyncRecord | None
    last_ok: SyncRecord | None
    # seconds since the last successful sync finished; None for never (or read in place)
    freshness: float | None
    # the last write-back of scores to it (sources with [sources.NAME.write_back])
    last_write_back: WriteBackRecord | None = None

    @property
    def state(self) -> str:
        if self.in_place:
            return "in place"
        if self.last_sync is None:
            return "never synced"
        return self.last_sync.status


class Sources(ProjectCore):
    def _source(self, name: str) -> SourceSpec:
        from stethoscope.sources.config import did_you_mean

        found = self.settings.sources.get(name)
        if found is None:
            known = list(self.settings.sources)
            raise ConfigError(
                f"no source '{name}' in stethoscope.toml{did_you_mean(name, known)}",
                hint=f"sources are: {', '.join(known)}"
                if known
                else "add a [sources.NAME] section",
            )
        return found

    def sources(self) -> list[SourceStatus]:
        """Every configured source, with its last sync and last successful one."""
        from stethoscope.sources.check import freshness
        from stethoscope.sources.config import IN_PLACE_KINDS
        from stethoscope.store import syncs, write_backs

        with self._reading() as con:
            latest = syncs.latest(con)
            backs = {
                name: found[0]
                for name, spec in self.settings.sources.items()
                if spec.write_back is not None and (found := write_backs.history(con, name, 1))
            }
        now = clock.now()
        out = []
        for name, spec in self.settings.sources.items():
            last, ok = latest.get(name, (None, None))
            in_place = spec.kind in IN_PLACE_KINDS
            origin = {
                table: t.stream or t.table or t.path or "" for table, t in spec.tables.items()
            }
            out.append(
                SourceStatus(
                    name,
                    spec.kind,
                    in_place,
                    origin,
                    spec.schedule,
                    last,
                    ok,
                    None if in_place or ok is None else freshness(ok.finished_at, now),
                    backs.get(name),
                )
            )
        return out

    def source_syncs(self, name: str | None = None, *, limit: int = 50) -> list[SyncRecord]:
        """Syncs, newest first (of source ``name`` when given)."""
        from stethoscope.store import syncs

        if name is not None:
            self._source(name)
        with self._reading() as con:
            return syncs.history(con, name, limit)

    def check_source(self, name: str) -> SourceCheck:
        """Connect to source ``name`` and say what it would read (``sources.check``)."""
        from stethoscope.sources import check, registry
        from stethoscope.sources.config import IN_PLACE_KINDS
        from stethoscope.store import syncs

        spec = self._source(name)
        with self._lock:
            con = self.store.con
            try:
                if spec.kind in IN_PLACE_KINDS:
                    return check.check_in_place(con, name, spec, self.settings.project_dir)
                connector, _ = registry.connector(name, spec, self.settings.project_dir)
                cursors = {k: v for k, v in syncs.cursors(con, name).items() if v is not None}
                return check.check_saas(con, name, spec, connector, cursors)
            except StethoscopeError as e:
                return check.failed(name, spec, e)

    def sync_source(
        self,
        name: str,
        *,
        full_refresh: bool = False,
        progress: Progress | None = None,
        trigger: str = "cli",
    ) -> SyncSummary:
        """Sync SaaS source ``name`` into the store: every stream from its cursor (all of it
        with ``full_refresh``), checked like an import, in one transaction."""
        from stethoscope.sources import registry
        from stethoscope.sources.sync import sync

        spec = self._source(name)
        connector, secrets = registry.connector(name, spec, self.settings.project_dir)
        with self._lock:
            summary = sync(
                self.store.con,
                name,
                spec,
                connector,
                full_refresh=full_refresh,
                trigger=trigger,
                progress=progress,
                secrets=secrets,
            )
            if any(t.table in ("accounts", "contacts") and t.rows_written for t in summary.tables):
                self.attach_pending()
            return summary

    if TYPE_CHECKING:

        def attach_pending(self) -> int: ...

    def in_place_tables(
        self, con: Connection, first: dt.date, last: dt.date
    ) -> AbstractContextManager[object]:
        """What shows a run the tables read in place (``runner.Tables``)."""
        from stethoscope.sources.in_place import serving

        return serving(con, self.settings.sources, self.settings.project_dir, last)

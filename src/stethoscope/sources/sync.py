"""Syncing a SaaS source into the store: each stream from its cursor, mapped, checked
against the contract like an import, all in one transaction.

A sync reads the streams in the contract's order (accounts before the rows that name
them), each from the cursor the last successful sync left (all of it with a full refresh
or when the stream has no cursor field). Rows are upserted by their key, so a row read
twice is written once. Either every stream's rows and new cursor are committed, or, on any
failure (the API, the contract), nothing is: the cursors stay where they were and the next
sync reads again from there. Each sync is recorded in ``source_syncs`` with its rows per
table, or its error.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from stethoscope.contract.schema import TABLES
from stethoscope.errors import Problem, SourceError, StethoscopeError
from stethoscope.progress import Progress, silent
from stethoscope.sources.config import SourceSpec, did_you_mean
from stethoscope.sources.connector import Connector, Stream

if TYPE_CHECKING:
    from stethoscope.contract.importer import Mode
    from stethoscope.contract.readers import Source
    from stethoscope.sources.pages import Reading
    from stethoscope.store.database import Connection


@dataclass(frozen=True)
class Feed:
    """One stream feeding one contract table, with the mapping that applies."""

    stream: Stream
    table: str
    mapping: dict[str, str]


@dataclass(frozen=True)
class TableSync:
    table: str
    stream: str
    rows_read: int
    rows_written: int
    cursor_from: str | None
    cursor_to: str | None


@dataclass(frozen=True)
class SyncSummary:
    source: str
    kind: str
    sync_id: str
    full_refresh: bool
    tables: list[TableSync] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def rows_written(self) -> int:
        return sum(t.rows_written for t in self.tables)


def feeds(name: str, spec: SourceSpec, streams: Sequence[Stream]) -> list[Feed]:
    """What a sync reads: the configured tables' streams (default: the stream whose table
    it is), or every stream into its own table; in the contract's table order."""
    by_name = {s.name: s for s in streams}
    out: list[Feed] = []
    problems: list[str] = []
    if not spec.tables:
        out = [Feed(s, s.table, dict(s.columns)) for s in streams]
    for table, t in spec.tables.items():
        where = f"sources.{name}.tables.{table}"
        if t.stream is None:
            found = [s for s in streams if s.table == table]
            if not found:
                problems.append(
                    f"{where}: {spec.kind} has no stream for {table} by default; name one "
                    f"with stream = ... (streams: {', '.join(by_name)})"
                )
                continue
            stream = found[0]
        elif t.stream not in by_name:
            problems.append(
                f"{where}.stream: {spec.kind} has no stream '{t.stream}'"
                f"{did_you_mean(t.stream, list(by_name))} (streams: {', '.join(by_name)})"
            )
            continue
        else:
            stream = by_name[t.stream]
        # the stream's default mapping holds for the table it feeds by default
        base = dict(stream.columns) if stream.table == table else {}
        out.append(Feed(stream, table, base | dict(t.map)))
    if problems:
        raise SourceError(
            f"source '{name}' names streams its connector does not have",
            [_problem(p) for p in problems],
            hint="see `stethoscope sources check` for each stream a source offers",
        )
    order = list(TABLES)
    return sorted(out, key=lambda f: order.index(f.table) if f.table in order else len(order))


def _problem(text: str) -> Problem:
    return Problem("stethoscope.toml", text)


def sync(
    con: Connection,
    name: str,
    spec: SourceSpec,
    connector: Connector,
    *,
    full_refresh: bool = False,
    trigger: str = "cli",
    progress: Progress | None = None,
    secrets: dict[str, str] | None = None,
) -> SyncSummary:
    """Sync source ``name`` on the store connection ``con`` (see the module doc); the sync
    is recorded, failed or not. ``secrets``: values to keep out of a recorded error."""
    from stethoscope.contract.importer import import_rows
    from stethoscope.sources.config import redacted
    from stethoscope.store import syncs

    tick = progress or silent
    started = time.perf_counter()
    plan = feeds(name, spec, connector.streams())
    sync_id = syncs.start(con, name, spec.kind, full_refresh=full_refresh, trigger=trigger)
    kept = {} if full_refresh else syncs.cursors(con, name)
    done: list[TableSync] = []
    read = 0
    began = False
    try:
        con.begin()
        began = True
        for feed in plan:
            stream = feed.stream
            since = kept.get(stream.name) if stream.cursor_field else None
            tick(f"reading {stream.name}", 0, 0)
            opened = _open(con, name, feed, connector, since)
            if opened is None:
                done.append(TableSync(feed.table, stream.name, 0, 0, since, since))
                continue
            src, reading = opened
            # by key; a table without one (events) is appended to, and a re-read event is
            # skipped by its message_id as an import skips it
            mode: Mode = "upsert" if src.table.key else "append"
            result = import_rows(con, src, mode=mode, progress=_phase(tick, stream.name))
            read += reading.rows
            syncs.put_cursor(con, name, stream.name, reading.cursor)
            done.append(
                TableSync(
                    feed.table,
                    stream.name,
                    reading.rows,
                    result.rows_loaded,
                    since,
                    reading.cursor,
                )
            )
        per_table: dict[str, int] = {}
        for t in done:
            per_table[t.table] = per_table.get(t.table, 0) + t.rows_written
        syncs.finish(con, sync_id, rows_read=read, tables=per_table)
        con.commit()
    except BaseException as e:
        if began:
            con.rollback()
        text = redacted(secrets or {}, str(e).splitlines()[0] if str(e) else type(e).__name__)
        syncs.finish(con, sync_id, rows_read=read, error=f"{type(e).__name__}: {text}")
        if isinstance(e, StethoscopeError):
            e.message = redacted(secrets or {}, e.message)
            raise
        if isinstance(e, KeyboardInterrupt):
            raise
        raise SourceError(
            f"sync of source '{name}' failed: {text}",
            hint="nothing was written and the cursors are as they were; the next sync "
            "reads again from there",
        ) from e
    return SyncSummary(name, spec.kind, sync_id, full_refresh, done, time.perf_counter() - started)


def _open(
    con: Connection, name: str, feed: Feed, connector: Connector, since: str | None
) -> tuple[Source, Reading] | None:
    from stethoscope.contract.schema import table as get_table
    from stethoscope.sources.pages import open_pages

    pages = connector.read(feed.stream.name, since)
    label = f"{name}.{feed.stream.name}"
    return open_pages(get_table(feed.table), label, pages, feed.mapping, since)


def _phase(tick: Progress, stream: str) -> Progress:
    def phase(what: str, done: int, total: int) -> None:
        tick(f"{what} {stream}", done, total)

    return phase

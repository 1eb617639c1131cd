"""``stethoscope sources check``: connect, and say what a sync or a run would read and how
its columns map, with the contract's own words for what it would refuse.

The first page of each stream (a sample of a table read in place) is checked exactly as an
import checks a file, in a transaction that is always rolled back: nothing is written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from stethoscope.contract.schema import table as get_table
from stethoscope.errors import DataError, StethoscopeError
from stethoscope.sources.config import IN_PLACE_KINDS, SourceSpec

if TYPE_CHECKING:
    from stethoscope.contract.importer import Mode
    from stethoscope.contract.readers import Source
    from stethoscope.sources.connector import Connector, Page
    from stethoscope.sources.sync import Feed
    from stethoscope.store.database import Connection

SAMPLE_ROWS = 100


@dataclass(frozen=True)
class StreamCheck:
    """One contract table of a source: where its rows come from, how its columns map
    (contract column -> source column, None where the source has none), and what the
    contract would refuse of the rows looked at."""

    table: str
    origin: str  # the stream, the database table or the path
    columns: list[tuple[str, str | None]]
    rows_looked_at: int
    problems: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class SourceCheck:
    source: str
    kind: str
    ok: bool
    error: str | None
    tables: list[StreamCheck]


def _columns(src: Source | None, table: str) -> list[tuple[str, str | None]]:
    back = {target: source for source, target in (src.renames if src else {}).items()}
    return [(c, back.get(c)) for c in get_table(table).names]


def _dry_run(con: Connection, src: Source, *, accounts_sampled: bool = False) -> list[str]:
    """The contract's problems with ``src``'s rows, written in the caller's transaction
    (which rolls back): the rows of the streams tried before it are there, as in a sync.
    ``accounts_sampled``: the accounts these rows name come from the same source, of which
    only the first page was read, so an account not among them may well be on a later
    page (Stripe lists newest first): the sync, which reads them all, judges those."""
    from stethoscope.contract.importer import discard_stage, import_rows

    mode: Mode = "upsert" if src.table.key else "append"
    try:
        import_rows(con, src, mode=mode)
        return []
    except DataError as e:
        discard_stage(con)
        found = [
            p
            for p in e.problems
            if not (accounts_sampled and p.message.startswith("unknown account"))
        ]
        if e.problems and not found:
            # only unknown accounts among those listed: the rest are likely the same
            return []
        more = [f"... and {e.more:,} more"] if e.more else []
        return [str(p) for p in found] + more or [e.message]


@contextmanager
def _rolled_back(con: Connection) -> Iterator[None]:
    con.begin()
    try:
        yield
    finally:
        con.rollback()


def _first_page(pages: Iterator[Page]) -> Iterator[Page]:
    for page in pages:
        yield page
        if page.rows.num_rows:
            return


def check_saas(
    con: Connection, name: str, spec: SourceSpec, connector: Connector, cursors: dict[str, str]
) -> SourceCheck:
    from stethoscope.sources.sync import feeds

    connector.check()
    out: list[StreamCheck] = []
    with _rolled_back(con):
        for feed in feeds(name, spec, connector.streams()):
            sampled = any(t.table == "accounts" for t in out)
            out.append(_check_feed(con, name, feed, connector, cursors, sampled))
    return SourceCheck(name, spec.kind, not any(t.problems for t in out), None, out)


def _check_feed(
    con: Connection,
    name: str,
    feed: Feed,
    connector: Connector,
    cursors: dict[str, str],
    accounts_sampled: bool,
) -> StreamCheck:
    from stethoscope.sources.pages import open_pages

    since = cursors.get(feed.stream.name) if feed.stream.cursor_field else None
    pages = _first_page(connector.read(feed.stream.name, since))
    label = f"{name}.{feed.stream.name}"
    opened = open_pages(get_table(feed.table), label, pages, feed.mapping, since)
    if opened is None:
        return StreamCheck(feed.table, feed.stream.name, _columns(None, feed.table), 0)
    src, reading = opened
    problems = _dry_run(con, src, accounts_sampled=accounts_sampled)
    return StreamCheck(
        feed.table, feed.stream.name, _columns(src, feed.table), reading.rows, problems
    )


def check_in_place(con: Connection, name: str, spec: SourceSpec, project_dir: Path) -> SourceCheck:
    import duckdb

    from stethoscope.sources.connector import Page
    from stethoscope.sources.in_place import InPlace, open_table
    from stethoscope.sources.pages import open_pages

    assert spec.kind in IN_PLACE_KINDS
    out: list[StreamCheck] = []
    # the sample is read on a DuckDB of its own, whatever the store is
    with closing(duckdb.connect()) as reader, _rolled_back(con):
        for table, where in spec.tables.items():
            item = InPlace(name, table, spec, where)
            origin = where.table or where.path or ""
            try:
                sample = open_table(item, project_dir, reader, limit=SAMPLE_ROWS).to_arrow_table()
            except StethoscopeError as e:
                out.append(StreamCheck(table, origin, _columns(None, table), 0, [str(e)]))
                continue
            opened = open_pages(get_table(table), item.label, iter([Page(sample, None)]), {}, None)
            if opened is None:
                out.append(StreamCheck(table, origin, _columns(None, table), 0))
                continue
            src, _ = opened
            columns = [
                (c, dict(where.map).get(c, c) if s else None) for c, s in _columns(src, table)
            ]
            out.append(StreamCheck(table, origin, columns, sample.num_rows, _dry_run(con, src)))
    return SourceCheck(name, spec.kind, not any(t.problems for t in out), None, out)


def failed(name: str, spec: SourceSpec, error: StethoscopeError) -> SourceCheck:
    return SourceCheck(name, spec.kind, False, str(error), [])


def freshness(finished: dt.datetime | None, now: dt.datetime) -> float | None:
    """Seconds since a sync finished (None: never)."""
    if finished is None:
        return None
    return max(0.0, (now - finished).total_seconds())

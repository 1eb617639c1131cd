"""Tables read in place: the demo book with its events and tickets left in MariaDB and in
Parquet files scores exactly as the same book imported (every stored column of the run)."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pyarrow.parquet as pq
import pytest

from stethoscope.contract.demo import BookInfo, generate_book
from stethoscope.contract.schema import TABLES
from stethoscope.errors import DataError
from stethoscope.model.presets import preset_text
from stethoscope.project import Project
from stethoscope.store.results import detail_table, row_dicts

END = dt.date(2025, 6, 30)
DATES = (END - dt.timedelta(days=1), END)
PRESET = "four-signals"  # reads events and tickets

pytestmark = pytest.mark.mysql

# the MariaDB tables: renamed columns, as a replica's would be
EVENTS_DDL = (
    "CREATE TABLE {name} (company VARCHAR(255) NOT NULL, user_id VARCHAR(255), "
    "name VARCHAR(255) NOT NULL, sent_at DATETIME(6) NOT NULL, properties JSON, "
    "message_id VARCHAR(255))"
)
TICKETS_DDL = (
    "CREATE TABLE {name} (id VARCHAR(255) NOT NULL, account_id VARCHAR(255) NOT NULL, "
    "contact_id VARCHAR(255), opened_at DATETIME(6) NOT NULL, closed_at DATETIME(6), "
    "priority VARCHAR(32), status VARCHAR(32), csat DOUBLE)"
)


def _mysql(url: str) -> Any:
    import pymysql

    parts = urlsplit(url)
    return pymysql.connect(
        host=parts.hostname,
        port=parts.port or 3306,
        user=parts.username or "root",
        password=parts.password or "",
        database=parts.path.lstrip("/"),
        autocommit=True,
    )


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> BookInfo:
    return generate_book(tmp_path_factory.mktemp("book"), accounts=80, months=4, end=END, seed=7)


@pytest.fixture(scope="module")
def mariadb(mysql_server: str, book: BookInfo) -> Iterator[dict[str, str]]:
    """The book's events and tickets in MariaDB tables of their own; their names."""
    names = {t: f"st_{t}_{secrets.token_hex(4)}" for t in ("events", "tickets")}
    con = _mysql(mysql_server)
    with con.cursor() as cur:
        cur.execute(EVENTS_DDL.format(name=names["events"]))
        cur.execute(TICKETS_DDL.format(name=names["tickets"]))
        for table in ("events", "tickets"):
            rows = pq.read_table(book.paths[table]).to_pylist()
            columns = list(rows[0])
            holes = ", ".join(["%s"] * len(columns))
            cur.executemany(
                f"INSERT INTO {names[table]} VALUES ({holes})",
                [tuple(r[c] for c in columns) for r in rows],
            )
    yield names
    with con.cursor() as cur:
        for name in names.values():
            cur.execute(f"DROP TABLE IF EXISTS {name}")
    con.close()


def load(p: Project, book: BookInfo, skip: tuple[str, ...] = ()) -> None:
    for name in TABLES:
        if name not in skip:
            p.import_file(name, book.paths[name])
    p.import_file("accounts", book.changes, mode="upsert")
    (p.settings.project_dir / "model.yaml").write_text(preset_text(PRESET))


def scored(p: Project) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    model = p.load_model()
    p.run(start=DATES[0], end=DATES[1])
    history = row_dicts(
        p.store.con,
        "SELECT as_of, account_id, score_name, score, band, coverage, segment, scorecard "
        "FROM score_history ORDER BY as_of, account_id, score_name",
    )
    frame = row_dicts(
        p.store.con,
        f'SELECT * FROM "{detail_table(model.version)}" ORDER BY as_of, account_id',
    )
    return history, [{k: v for k, v in r.items() if k != "run_id"} for r in frame]


@pytest.fixture(scope="module")
def imported(
    tmp_path_factory: pytest.TempPathFactory, empty_store: Path, book: BookInfo
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    with _project(tmp_path_factory.mktemp("imported"), empty_store) as p:
        load(p, book)
        return scored(p)


def _project(folder: Path, store: Path, extra: str = "") -> Project:
    import shutil

    folder.mkdir(exist_ok=True)
    (folder / "stethoscope.toml").write_text('database_url = "stethoscope.duckdb"\n' + extra)
    (folder / "model.yaml").write_text(preset_text(PRESET))
    shutil.copyfile(store, folder / "stethoscope.duckdb")
    return Project.open(folder)


@pytest.fixture(scope="module")
def without(tmp_path_factory: pytest.TempPathFactory, empty_store: Path, book: BookInfo) -> Path:
    """A closed store holding the book but for its events and tickets, to copy."""
    folder = tmp_path_factory.mktemp("without")
    with _project(folder, empty_store) as p:
        load(p, book, skip=("events", "tickets"))
    return folder / "stethoscope.duckdb"


def _config(mysql_url: str, names: dict[str, str], book: BookInfo, events_in: str) -> str:
    """Events from one place and tickets from the other: in MariaDB or in Parquet."""
    parts = urlsplit(mysql_url)
    url = f"mysql://{parts.username or 'root'}@{parts.hostname}:{parts.port or 3306}{parts.path}"
    db = f'[sources.replica]\nkind = "database"\nurl = "{url}"\n'
    files = '[sources.lake]\nkind = "files"\n'
    mysql_events = (
        f'[sources.replica.tables.events]\ntable = "{names["events"]}"\n'
        'map = { account_id = "company", event = "name", timestamp = "sent_at" }\n'
    )
    mysql_tickets = f'[sources.replica.tables.tickets]\ntable = "{names["tickets"]}"\n'
    parquet_events = f'[sources.lake.tables.events]\npath = "{book.paths["events"]}"\n'
    parquet_tickets = f'[sources.lake.tables.tickets]\npath = "{book.paths["tickets"]}"\n'
    if events_in == "mariadb":
        return db + mysql_events + files + parquet_tickets
    return db + mysql_tickets + files + parquet_events


@pytest.mark.parametrize("events_in", ["mariadb", "parquet"])
def test_tables_in_place_score_as_the_imported_book(
    tmp_path: Path,
    without: Path,
    book: BookInfo,
    mariadb: dict[str, str],
    mysql_server: str,
    imported: tuple[list[dict[str, Any]], list[dict[str, Any]]],
    events_in: str,
) -> None:
    extra = _config(mysql_server, mariadb, book, events_in)
    with _project(tmp_path, without, extra) as p:
        history, frame = scored(p)
        # nothing was copied: the store's own tables stay empty
        assert p.store.counts()["events"] == 0
        assert p.store.counts()["tickets"] == 0
    want_history, want_frame = imported
    assert len(history) > 100
    assert history == want_history
    assert len(frame) == len(want_frame)
    assert frame[0].keys() == want_frame[0].keys()
    for got, want in zip(frame, want_frame, strict=True):
        assert got == want, got["account_id"]


def _lake(book: BookInfo, folder: Path, fmt: str) -> str:
    """The book's tickets as a table of format ``fmt`` in ``folder``; its config."""
    table = pq.read_table(book.paths["tickets"])
    if fmt == "csv":
        import pyarrow.csv as pacsv

        path = folder / "tickets.csv"
        pacsv.write_csv(table, path)
    elif fmt == "delta":
        from deltalake import write_deltalake

        path = folder / "tickets-delta"
        write_deltalake(str(path), table)
    else:
        from pyiceberg.catalog.sql import SqlCatalog

        catalog = SqlCatalog(
            "t", uri=f"sqlite:///{folder}/catalog.db", warehouse=f"file://{folder}"
        )
        catalog.create_namespace("lake")
        iceberg = catalog.create_table("lake.tickets", schema=table.schema)
        iceberg.append(table)
        # the table's folder, as pyiceberg lays it out (metadata/ holds its versions)
        path = Path(urlsplit(iceberg.metadata_location).path).parent.parent
    return (
        '[sources.lake]\nkind = "files"\n'
        f'[sources.lake.tables.events]\npath = "{book.paths["events"]}"\n'
        f'[sources.lake.tables.tickets]\npath = "{path}"\n'
    )


@pytest.mark.parametrize("fmt", ["csv", "delta", "iceberg"])
def test_csv_delta_and_iceberg_tables_score_as_the_imported_book(
    tmp_path: Path,
    without: Path,
    book: BookInfo,
    imported: tuple[list[dict[str, Any]], list[dict[str, Any]]],
    fmt: str,
) -> None:
    (tmp_path / "lake").mkdir()
    extra = _lake(book, tmp_path / "lake", fmt)
    with _project(tmp_path / "project", without, extra) as p:
        assert p.check_source("lake").ok
        history, frame = scored(p)
    assert (history, frame) == imported


def test_check_reports_the_mapping_and_what_the_contract_would_refuse(
    tmp_path: Path, without: Path, book: BookInfo, mariadb: dict[str, str], mysql_server: str
) -> None:
    extra = _config(mysql_server, mariadb, book, "mariadb")
    with _project(tmp_path, without, extra) as p:
        replica = p.check_source("replica")
        assert replica.ok
        assert replica.error is None
        [events] = replica.tables
        assert events.origin == mariadb["events"]
        assert events.rows_looked_at == 100
        assert ("account_id", "company") in events.columns
        assert ("timestamp", "sent_at") in events.columns
        # a map naming a column the table lacks, and tickets of accounts not in the store
        p.store.con.execute("DELETE FROM accounts WHERE id IN (SELECT id FROM accounts LIMIT 5)")
        lake = p.check_source("lake")
        assert not lake.ok
        assert lake.tables[0].problems
        assert lake.tables[0].problems[0].startswith("sources.lake.tables.tickets row ")
        assert "account_id: unknown account" in lake.tables[0].problems[0]


def test_a_required_column_the_source_lacks_is_named(
    tmp_path: Path, without: Path, book: BookInfo, mariadb: dict[str, str], mysql_server: str
) -> None:
    extra = _config(mysql_server, mariadb, book, "mariadb").replace('event = "name", ', "")
    with _project(tmp_path, without, extra) as p:
        with pytest.raises(DataError) as e:
            p.run(as_of=END)
        assert "sources.replica.tables.events: cannot read events in place" in str(e.value)
        assert "required column 'event' of events is missing" in str(e.value)

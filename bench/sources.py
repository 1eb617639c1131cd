"""A run over tables read in place against the same run over imported tables; and a sync
against an import of the same rows.

    python bench/sources.py [--accounts 2000] [--months 12] [--repeat 3]
                            [--mysql mysql://root@127.0.0.1:3306/test --mysql-accounts 300]
                            [--sync-accounts 100000 --sync-tickets 1000000]

1. generates the demo book and imports it whole into one project (the baseline);
2. imports it into a second project but for events and tickets, which a `files` source
   reads in place from the book's Parquet files;
3. with --mysql, a third project reads them in place from MariaDB/MySQL tables loaded with
   the book's rows (a smaller book: loading millions of rows through PyMySQL takes minutes);
4. scores the book's last date in each, alternately, --repeat times, and checks that every
   project stored the same scores.
5. with --sync-accounts, syncs that many accounts and --sync-tickets tickets from a
   connector over pages of 1,000 rows held in memory (no HTTP: the sync's own cost, its
   contract checks and writes in one transaction), against `import` of the same rows from
   Parquet files.
Prints the best seconds of each and the ratio of each in-place run to the imported one,
and of the sync to the import. The machine may be busy: compare ratios, not seconds.
"""

from __future__ import annotations

import argparse
import datetime as dt
import secrets
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

END = dt.date(2025, 6, 30)


def load(folder: Path, book: Any, skip: tuple[str, ...], extra: str) -> None:
    from stethoscope.contract.schema import TABLES
    from stethoscope.model.presets import preset_text
    from stethoscope.project import Project

    folder.mkdir(parents=True)
    (folder / "stethoscope.toml").write_text('database_url = "stethoscope.duckdb"\n' + extra)
    (folder / "model.yaml").write_text(preset_text("four-signals"))
    with Project.open(folder) as p:
        for name in TABLES:
            if name not in skip:
                p.import_file(name, book.paths[name])
        p.import_file("accounts", book.changes, mode="upsert")


def to_mysql(url: str, book: Any) -> tuple[str, list[str]]:
    """The book's events and tickets in MySQL tables of their own; the source's config."""
    import pyarrow.parquet as pq
    import pymysql

    parts = urlsplit(url)
    con = pymysql.connect(
        host=parts.hostname,
        port=parts.port or 3306,
        user=parts.username or "root",
        password=parts.password or "",
        database=parts.path.lstrip("/"),
        autocommit=True,
    )
    names = {t: f"bench_{t}_{secrets.token_hex(3)}" for t in ("events", "tickets")}
    ddl = {
        "events": "account_id VARCHAR(255) NOT NULL, user_id VARCHAR(255), event VARCHAR(255) "
        "NOT NULL, timestamp DATETIME(6) NOT NULL, properties JSON, message_id VARCHAR(255)",
        "tickets": "id VARCHAR(255) NOT NULL, account_id VARCHAR(255) NOT NULL, contact_id "
        "VARCHAR(255), opened_at DATETIME(6) NOT NULL, closed_at DATETIME(6), priority "
        "VARCHAR(32), status VARCHAR(32), csat DOUBLE",
    }
    t = time.perf_counter()
    with con.cursor() as cur:
        for table, name in names.items():
            cur.execute(f"CREATE TABLE {name} ({ddl[table]})")
            pf = pq.ParquetFile(book.paths[table])
            for batch in pf.iter_batches(batch_size=20_000):
                rows = batch.to_pylist()
                holes = ", ".join(["%s"] * len(batch.schema.names))
                cur.executemany(
                    f"INSERT INTO {name} VALUES ({holes})", [tuple(r.values()) for r in rows]
                )
    print(f"loaded MySQL in {time.perf_counter() - t:.1f} s")
    con.close()
    safe = f"mysql://{parts.username or 'root'}@{parts.hostname}:{parts.port or 3306}{parts.path}"
    config = (
        f'[sources.replica]\nkind = "database"\nurl = "{safe}"\n'
        f'[sources.replica.tables.events]\ntable = "{names["events"]}"\n'
        f'[sources.replica.tables.tickets]\ntable = "{names["tickets"]}"\n'
    )
    return config, list(names.values())


def drop(url: str, tables: list[str]) -> None:
    import pymysql

    parts = urlsplit(url)
    con = pymysql.connect(
        host=parts.hostname,
        port=parts.port or 3306,
        user=parts.username or "root",
        password=parts.password or "",
        database=parts.path.lstrip("/"),
        autocommit=True,
    )
    with con.cursor() as cur:
        for t in tables:
            cur.execute(f"DROP TABLE IF EXISTS {t}")
    con.close()


def score(folder: Path) -> tuple[float, list[tuple[Any, ...]]]:
    from stethoscope.project import Project

    with Project.open(folder) as p:
        t = time.perf_counter()
        p.run(as_of=END)
        seconds = time.perf_counter() - t
        rows = p.store.con.execute(
            "SELECT account_id, score_name, score, band FROM score_history WHERE as_of = ? "
            "ORDER BY 1, 2",
            [END],
        ).fetchall()
    return seconds, rows


def compare(book: Any, folders: dict[str, Path], repeat: int) -> None:
    best = dict.fromkeys(folders, float("inf"))
    scores: dict[str, list[tuple[Any, ...]]] = {}
    for _ in range(repeat):
        for name, folder in folders.items():
            seconds, rows = score(folder)
            best[name] = min(best[name], seconds)
            scores[name] = rows
    base = best["imported"]
    print(f"{'run as of ' + str(END):40} {'best s':>8} {'ratio':>7}")
    for name, seconds in best.items():
        same = "" if scores[name] == scores["imported"] else "  SCORES DIFFER"
        print(f"{name:40} {seconds:8.2f} {seconds / base:6.2f}x{same}")


class MemoryConnector:
    """Pages of 1,000 rows of an Arrow table per stream, as a connector yields them."""

    kind = "memory"

    def __init__(self, tables: dict[str, Any]) -> None:
        self.tables = tables

    def streams(self) -> list[Any]:
        from stethoscope.sources.connector import Stream

        return [Stream(name, name, "id", None) for name in self.tables]

    def check(self) -> None:
        pass

    def read(self, stream: str, cursor: str | None) -> Any:
        from stethoscope.sources.connector import Page

        table = self.tables[stream]
        for lo in range(0, table.num_rows, 1000):
            yield Page(table.slice(lo, 1000), str(lo))


def sync_against_import(root: Path, accounts: int, tickets: int) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    from stethoscope.project import Project
    from stethoscope.sources.config import SourceSpec
    from stethoscope.sources.sync import sync

    ids = [f"acc_{i:07d}" for i in range(accounts)]
    rows = {
        "accounts": pa.table(
            {
                "id": ids,
                "name": [f"Account {i}" for i in range(accounts)],
                "customer_since": pa.array([dt.date(2023, 1, 1)] * accounts),
            }
        ),
        "tickets": pa.table(
            {
                "id": [f"t{i}" for i in range(tickets)],
                "account_id": [ids[i % accounts] for i in range(tickets)],
                "opened_at": pa.array(
                    [dt.datetime(2025, 1, 1) + dt.timedelta(minutes=i) for i in range(tickets)]
                ),
                "status": ["open"] * tickets,
            }
        ),
    }
    spec = SourceSpec.model_validate({"kind": "hubspot"})
    best = {"sync": float("inf"), "import": float("inf")}
    for attempt in range(2):
        for how in ("sync", "import"):
            folder = root / f"{how}-{attempt}"
            folder.mkdir()
            (folder / "stethoscope.toml").write_text('database_url = "stethoscope.duckdb"\n')
            for name, table in rows.items():
                pq.write_table(table, folder / f"{name}.parquet")
            with Project.open(folder) as p:
                p.store  # noqa: B018 (made and migrated before the clock starts)
                t = time.perf_counter()
                if how == "sync":
                    sync(p.store.con, "crm", spec, MemoryConnector(rows))
                else:
                    for name in rows:
                        p.import_file(name, folder / f"{name}.parquet")
                best[how] = min(best[how], time.perf_counter() - t)
                counts = p.store.counts()
                assert (counts["accounts"], counts["tickets"]) == (accounts, tickets)
    print(f"{accounts:,} accounts and {tickets:,} tickets      best s")
    print(f"{'sync from pages of 1,000 rows':40} {best['sync']:8.2f}")
    print(f"{'import of the same rows from Parquet':40} {best['import']:8.2f}")
    print(f"{'sync / import':40} {best['sync'] / best['import']:7.2f}x")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--accounts", type=int, default=2000)
    ap.add_argument("--months", type=int, default=12)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--mysql", default="")
    ap.add_argument("--mysql-accounts", type=int, default=300)
    ap.add_argument("--sync-accounts", type=int, default=0)
    ap.add_argument("--sync-tickets", type=int, default=1_000_000)
    ap.add_argument("--only-sync", action="store_true", help="skip the in-place runs")
    args = ap.parse_args()
    if args.sync_accounts:
        with tempfile.TemporaryDirectory(prefix="bench-sync-") as tmp:
            sync_against_import(Path(tmp), args.sync_accounts, args.sync_tickets)
        if args.only_sync:
            return
    from stethoscope.contract.demo import generate_book

    with tempfile.TemporaryDirectory(prefix="bench-sources-") as tmp:
        root = Path(tmp)
        book = generate_book(root / "book", accounts=args.accounts, months=args.months, end=END)
        print(f"book: {args.accounts:,} accounts, {book.rows['events']:,} events")
        lake = (
            '[sources.lake]\nkind = "files"\n'
            f'[sources.lake.tables.events]\npath = "{book.paths["events"]}"\n'
            f'[sources.lake.tables.tickets]\npath = "{book.paths["tickets"]}"\n'
        )
        load(root / "imported", book, (), "")
        load(root / "parquet", book, ("events", "tickets"), lake)
        compare(
            book,
            {"imported": root / "imported", "events, tickets in Parquet": root / "parquet"},
            args.repeat,
        )
        if args.mysql:
            small = generate_book(
                root / "small", accounts=args.mysql_accounts, months=args.months, end=END
            )
            print(f"book: {args.mysql_accounts:,} accounts, {small.rows['events']:,} events")
            config, tables = to_mysql(args.mysql, small)
            try:
                load(root / "small-imported", small, (), "")
                load(root / "mysql", small, ("events", "tickets"), config)
                compare(
                    small,
                    {
                        "imported": root / "small-imported",
                        "events, tickets in MySQL": root / "mysql",
                    },
                    args.repeat,
                )
            finally:
                drop(args.mysql, tables)
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()

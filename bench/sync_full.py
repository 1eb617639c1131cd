"""The whole `stethoscope sources sync` from the stand-ins (HTTP, the connector, the mapping,
the contract's checks and the store's writes, in the command's own process) against
`stethoscope import` of the same rows from files.

    python bench/sync_full.py [--accounts 100000] [--tickets 1000000]

Accounts come from the Salesforce stand-in (SOQL pages of 2,000), tickets from the Zendesk
stand-in's incremental export (pages of 1,000), each stand-in in a process of its own. The
rows the syncs wrote are then exported to Parquet and imported into a new project with
`stethoscope import`. Every figure is a command's wall time (its start-up included, about
1-2 s); compare ratios, not seconds, on a busy machine.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CLI = str(Path(sys.executable).parent / "stethoscope")


def _serve(kind: str, n: int, queue: Any) -> None:
    from tests.sources.standins.base import serve

    if kind == "salesforce":
        from tests.sources.standins.salesforce import SalesforceState, make_app

        state: Any = SalesforceState()
        # the ids the Zendesk organizations of the bulk tickets have: 1 to 100,000
        for i in range(n):
            state.put("Account", str(i + 1), Name=f"Account {i}", Industry="Retail")
        app = make_app(state)
    else:
        from tests.sources.standins.zendesk import ZendeskState
        from tests.sources.standins.zendesk import make_app as zd_app

        state = ZendeskState(bulk=n)
        app = zd_app(state)
    with serve(app) as url:
        queue.put(url)
        while True:
            time.sleep(3600)


def start(kind: str, n: int) -> tuple[str, multiprocessing.Process]:
    queue: Any = multiprocessing.Queue()
    proc = multiprocessing.Process(target=_serve, args=(kind, n, queue), daemon=True)
    proc.start()
    return queue.get(timeout=900), proc


def timed(folder: Path, *args: str) -> float:
    env = {**os.environ, "SF_TOKEN": "00D-static-token", "ZD_TOKEN": "zd-oauth"}
    t = time.perf_counter()
    r = subprocess.run(
        [CLI, "--project", str(folder), *args], env=env, capture_output=True, text=True
    )
    took = time.perf_counter() - t
    if r.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{r.stdout}\n{r.stderr}")
    said = " ".join(Path(a).name for a in args)
    print(f"  {said:40} {took:8.2f} s  {r.stdout.splitlines()[0][:70]}", flush=True)
    return took


def counts(folder: Path) -> tuple[int, int]:
    from stethoscope.project import Project

    with Project.open(folder) as p:
        c = p.store.counts()
    return c["accounts"], c["tickets"]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--accounts", type=int, default=100_000)
    ap.add_argument("--tickets", type=int, default=1_000_000)
    args = ap.parse_args()
    if min(args.tickets, 100_000) > args.accounts:
        raise SystemExit(
            "the bulk tickets name organizations 1 to 100,000: give that many accounts"
        )
    sf_url, sf = start("salesforce", args.accounts)
    zd_url, zd = start("zendesk", args.tickets)
    try:
        with tempfile.TemporaryDirectory(prefix="bench-sync-full-") as tmp:
            synced, imported = Path(tmp) / "synced", Path(tmp) / "imported"
            for folder in (synced, imported):
                folder.mkdir()
            (synced / "stethoscope.toml").write_text(
                'database_url = "stethoscope.duckdb"\n'
                "[sources.crm]\n"
                'kind = "salesforce"\n'
                f'base_url = "{sf_url}"\n'
                'secrets = { access_token = "env:SF_TOKEN" }\n'
                "[sources.crm.tables.accounts]\n"
                "[sources.desk]\n"
                'kind = "zendesk"\n'
                f'base_url = "{zd_url}"\n'
                'secrets = { access_token = "env:ZD_TOKEN" }\n'
                "[sources.desk.tables.tickets]\n"
            )
            (imported / "stethoscope.toml").write_text('database_url = "stethoscope.duckdb"\n')
            for folder in (synced, imported):  # made and migrated before the clock starts
                counts(folder)
            print(f"{args.accounts:,} accounts and {args.tickets:,} tickets", flush=True)
            sync = timed(synced, "sources", "sync", "crm") + timed(
                synced, "sources", "sync", "desk"
            )
            assert counts(synced) == (args.accounts, args.tickets), counts(synced)
            _export(synced, imported)
            load = timed(imported, "import", "accounts", str(imported / "accounts.parquet"))
            load += timed(imported, "import", "tickets", str(imported / "tickets.parquet"))
            assert counts(imported) == (args.accounts, args.tickets), counts(imported)
    finally:
        sf.terminate()
        zd.terminate()
    rows = args.accounts + args.tickets
    print(f"{'sources sync (both sources)':40} {sync:8.2f} s  {rows / sync:,.0f} rows/s")
    print(f"{'import of the same rows from Parquet':40} {load:8.2f} s  {rows / load:,.0f} rows/s")
    print(f"{'sync / import':40} {sync / load:7.2f}x")


def _export(synced: Path, imported: Path) -> None:
    """The rows the syncs wrote, as files to import: their contract columns only."""
    from stethoscope.project import Project

    with Project.open(synced) as p:
        con = p.store.con
        for table, columns in (
            ("accounts", "id, name, industry, customer_since, updated_at"),
            ("tickets", "id, account_id, contact_id, opened_at, closed_at, priority, status"),
        ):
            path = imported / f"{table}.parquet"
            con.execute(f"COPY (SELECT {columns} FROM {table}) TO '{path}' (FORMAT parquet)")


if __name__ == "__main__":
    main()

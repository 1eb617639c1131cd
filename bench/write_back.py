"""Scores back to HubSpot after a run: the first write-back of a whole book (every account
changed) and the next one with nothing changed, against the run itself.

    python bench/write_back.py [--accounts 100000]

The HubSpot stand-in (tests/sources/standins) runs in a process of its own with the book's
companies; the book (accounts and 0-3 tickets each) is imported from Parquet, scored by a
one-measure model, and each run writes back through the connector (batches of 100).
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# the model of the write-back tests: a score that falls with each ticket, red below 50
from tests.sources.test_write_back import MODEL  # noqa: E402


def _serve(n: int, queue: Any) -> None:
    from tests.sources.standins.base import serve
    from tests.sources.standins.hubspot import HubSpotState, make_app

    state = HubSpotState()
    for i in range(n):
        state.put("companies", str(i + 1), name=f"Company {i}")
    with serve(make_app(state)) as url:
        queue.put(url)
        while True:
            time.sleep(3600)


def main() -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    from stethoscope.project import Project

    ap = argparse.ArgumentParser()
    ap.add_argument("--accounts", type=int, default=100_000)
    n = ap.parse_args().accounts
    queue: Any = multiprocessing.Queue()
    proc = multiprocessing.Process(target=_serve, args=(n, queue), daemon=True)
    proc.start()
    url = queue.get(timeout=900)
    os.environ["BENCH_HUBSPOT_TOKEN"] = "pat-na1-test"
    try:
        with tempfile.TemporaryDirectory(prefix="bench-write-back-") as tmp:
            folder = Path(tmp)
            (folder / "stethoscope.toml").write_text(
                'database_url = "stethoscope.duckdb"\n'
                "[sources.crm]\n"
                'kind = "hubspot"\n'
                f'base_url = "{url}"\n'
                'secrets = { token = "env:BENCH_HUBSPOT_TOKEN" }\n'
                "[sources.crm.write_back]\n"
            )
            (folder / "model.yaml").write_text(MODEL)
            ids = [str(i + 1) for i in range(n)]
            pq.write_table(
                pa.table(
                    {
                        "id": ids,
                        "name": [f"Company {i}" for i in range(n)],
                        "customer_since": pa.array([dt.date(2023, 1, 1)] * n),
                    }
                ),
                folder / "accounts.parquet",
            )
            tickets = [(a, k) for i, a in enumerate(ids) for k in range(i % 4)]
            pq.write_table(
                pa.table(
                    {
                        "id": [f"{a}-{k}" for a, k in tickets],
                        "account_id": [a for a, _ in tickets],
                        "opened_at": pa.array([dt.datetime(2024, 1, 10)] * len(tickets)),
                        "status": ["open"] * len(tickets),
                    }
                ),
                folder / "tickets.parquet",
            )
            with Project.open(folder) as p:
                p.import_file("accounts", folder / "accounts.parquet")
                p.import_file("tickets", folder / "tickets.parquet")
                print(f"{n:,} accounts, {len(tickets):,} tickets", flush=True)
                for label in ("first run (every score written)", "second run (none changed)"):
                    t = time.perf_counter()
                    p.run(as_of=dt.date(2024, 2, 1))
                    took = time.perf_counter() - t
                    w = p.source_write_backs("crm")[0]
                    back = (w.finished_at - w.started_at).total_seconds()
                    print(
                        f"{label:34} run {took:7.2f} s, of which write-back {back:6.2f} s: "
                        f"{w.status}, {w.written:,} of {w.changed:,} written"
                        + (f", {w.written / back:,.0f} accounts/s" if w.written else ""),
                        flush=True,
                    )
    finally:
        proc.terminate()


if __name__ == "__main__":
    main()

"""Import a large events CSV through `stethoscope import` and compare with bare DuckDB.

    python bench/import_events.py [--rows 10000000] [--accounts 100000]

Writes a synthetic events CSV (with message ids, properties as an extra column), then:
1. bare DuckDB: CREATE TABLE AS SELECT from read_csv with the target types (no checks);
2. Stethoscope: `Project.import_file` (stream, stage, check every row, write atomically).
Each runs in its own process so that peak memory (max RSS) is its own. Prints the times,
the ratio, rows per second and peak memory.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BARE = """
import duckdb, resource, sys, time
con = duckdb.connect(sys.argv[1])
t = time.perf_counter()
con.execute(
    "CREATE TABLE events AS SELECT account_id, user_id, event, "
    "CAST(CAST(timestamp AS TIMESTAMPTZ) AS TIMESTAMP) AS timestamp, "
    "CAST(to_json({'browser': browser}) AS JSON) AS properties, message_id "
    "FROM read_csv(?, header=true, all_varchar=true)", [sys.argv[2]])
n = con.execute("SELECT count(*) FROM events").fetchone()[0]
print(json.dumps({"seconds": time.perf_counter() - t, "rows": n,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
""".replace("import duckdb", "import json, duckdb")

OURS = """
import json, resource, sys, time
from stethoscope.project import Project
p = Project.open(sys.argv[1])
p.import_file("accounts", sys.argv[3])

t = time.perf_counter()
r = p.import_file("events", sys.argv[2])
print(json.dumps({"seconds": time.perf_counter() - t, "rows": r.rows_loaded,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def write_files(folder: Path, rows: int, accounts: int) -> tuple[Path, Path]:
    import numpy as np
    import pyarrow as pa
    import pyarrow.csv as pacsv

    acc = folder / "accounts.csv"
    ids = pa.array([f"acc_{i:07d}" for i in range(accounts)])
    pacsv.write_csv(
        pa.table({"id": ids, "name": ids, "customer_since": pa.array(["2023-01-01"] * accounts)}),
        acc,
    )
    ev = folder / "events.csv"
    rng = np.random.default_rng(0)
    names = pa.array([f"feature_{i:02d}" for i in range(32)])
    browsers = pa.array(["firefox", "chrome", "safari"])
    chunk = 1_000_000
    start = np.datetime64("2025-01-01T00:00:00", "s").astype(np.int64)
    with pacsv.CSVWriter(
        ev,
        pa.schema(
            [
                ("account_id", pa.string()),
                ("user_id", pa.string()),
                ("event", pa.string()),
                ("timestamp", pa.string()),
                ("message_id", pa.string()),
                ("browser", pa.string()),
            ]
        ),
    ) as w:
        for lo in range(0, rows, chunk):
            n = min(chunk, rows - lo)
            a = rng.integers(0, accounts, n)
            ts = (start + rng.integers(0, 365 * 86400, n)).astype("datetime64[s]")
            w.write_table(
                pa.table(
                    {
                        "account_id": ids.take(pa.array(a)),
                        "user_id": pa.array(
                            np.char.add("u", (a * 10 + rng.integers(0, 10, n)).astype(str))
                        ),
                        "event": names.take(pa.array(rng.integers(0, 32, n))),
                        "timestamp": pa.array(np.datetime_as_string(ts) + "Z"),
                        "message_id": pa.array(np.char.add("m", np.arange(lo, lo + n).astype(str))),
                        "browser": browsers.take(pa.array(rng.integers(0, 3, n))),
                    }
                )
            )
    return acc, ev


def run(code: str, *args: str) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", code, *args], check=True, capture_output=True, text=True
    ).stdout
    return json.loads(out.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--accounts", type=int, default=100_000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-import-") as tmp:
        folder = Path(tmp)
        t = time.perf_counter()
        acc, ev = write_files(folder, args.rows, args.accounts)
        print(
            f"wrote {args.rows:,} events ({ev.stat().st_size / 1e9:.2f} GB CSV) in "
            f"{time.perf_counter() - t:.1f} s"
        )
        bare = run(BARE, str(folder / "bare.duckdb"), str(ev))
        (folder / "p").mkdir()
        ours = run(OURS, str(folder / "p"), str(ev), str(acc))
    assert ours["rows"] == bare["rows"] == args.rows, (ours, bare)
    print(f"bare DuckDB read_csv + cast : {bare['seconds']:7.1f} s  peak {bare['rss_mb']:,.0f} MB")
    print(
        f"stethoscope import (checked): {ours['seconds']:7.1f} s  "
        f"peak {ours['rss_mb']:,.0f} MB  "
        f"{args.rows / ours['seconds']:,.0f} rows/s"
    )
    print(f"ratio to bare DuckDB        : {ours['seconds'] / bare['seconds']:.2f}x")


if __name__ == "__main__":
    main()

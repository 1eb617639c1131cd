"""`stethoscope discover` on a large demo book: every candidate on every monthly date.

    python bench/discover.py [--accounts 5000] [--activity 3.0] [--book bench/out/discover-5000]

Builds the demo book once (5,000 accounts and about 20 million events by default, kept in
``--book``), copies it to a temporary folder (discover writes its compiled queries to the
store), then runs discover there in a process of its own, twice: the first run compiles
the candidates' queries, the second reads them from the store as any later run does.
Prints the book's size, each run's phases (wall seconds), the CPU time of the process (all
threads: on a busy machine the wall time says more about the neighbours than about
discover) and peak memory (max RSS).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).parent
END = dt.date(2026, 6, 30)

RUN = """
import json, resource, sys
from stethoscope.project import Project
with Project.open(sys.argv[1]) as p:
    d = p.discover(out=None)
    r = d.to_json()
use = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"seconds": r["seconds"], "observations": r["observations"],
                  "candidates": len(r["candidates"]), "dates": len(r["settings"]["dates"]),
                  "cpu": use.ru_utime + use.ru_stime, "rss_mb": use.ru_maxrss / 1024}))
"""


def build(book: Path, accounts: int, activity: float) -> None:
    from stethoscope.project import Project

    if (book / "stethoscope.duckdb").exists():
        return
    book.mkdir(parents=True, exist_ok=True)
    (book / "stethoscope.toml").write_text('database_url = "stethoscope.duckdb"\n')
    with Project.open(book) as p:
        r = p.load_demo(accounts=accounts, months=12, end=END, activity=activity)
    print(f"built {book} in {r.seconds:.0f} s: {r.counts}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--accounts", type=int, default=5000)
    ap.add_argument("--activity", type=float, default=3.0)
    ap.add_argument("--book", type=Path)
    a = ap.parse_args()
    book = a.book or HERE / "out" / f"discover-{a.accounts}-{a.activity}"
    build(book, a.accounts, a.activity)
    with tempfile.TemporaryDirectory(prefix="discover-bench-") as tmp:
        shutil.copytree(book, tmp, dirs_exist_ok=True)
        import duckdb

        con = duckdb.connect(str(Path(tmp) / "stethoscope.duckdb"), read_only=True)
        events = con.execute("SELECT count(*) FROM events").fetchone()
        con.close()
        print(f"book: {a.accounts:,} accounts, {events[0] if events else 0:,} events")
        for label in ("first run (compiles)", "second run"):
            out = subprocess.run(
                [sys.executable, "-c", RUN, tmp], capture_output=True, text=True, check=True
            )
            r = json.loads(out.stdout.strip().splitlines()[-1])
            phases = ", ".join(f"{k} {v:.1f}" for k, v in r["seconds"].items())
            print(
                f"{label}: {r['candidates']} candidates x {r['dates']} dates, "
                f"{r['observations']:,} observations; seconds: {phases}; "
                f"CPU (all threads, the process) {r['cpu']:.1f} s; peak {r['rss_mb']:.0f} MB"
            )


if __name__ == "__main__":
    main()

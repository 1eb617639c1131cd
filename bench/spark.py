"""Scoring on Spark (compute = "spark") against the store's own DuckDB, on the same cores.

    python bench/spark.py [--accounts 1000] [--months 3] [--days 30] [--cores 1,2]
                          [--preset four-signals] [--engines duckdb,spark]

Builds a demo book in a temporary folder, writes its events to Parquet (the lakehouse's
copy, which Spark reads in place through `spark_tables`), then for each core count N, each
in a process of its own (one Spark session per process):

1. DuckDB with N threads: one date, then a backfill of --days dates;
2. Spark local[N]: the same one date, then the same backfill (a session's start is timed
   apart).

Every run is stored like any run; the two engines' stored frames are compared afterwards
(they must be equal). Prints the wall times and the peak memory of each process with its
children (the JVM included), sampled from /proc every 0.2 s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

END = dt.date(2025, 6, 30)


def _tree_rss(pid: int) -> int:
    """Resident memory (bytes) of a process and its descendants, from /proc."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            status = Path(f"/proc/{p}/status").read_text()
            total += next(int(x.split()[1]) for x in status.splitlines() if x.startswith("VmRSS"))
            for task in Path(f"/proc/{p}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, StopIteration):
            continue
    return total * 1024


def child(args: argparse.Namespace) -> None:
    """One engine on N cores: prints a JSON line of its times."""
    from stethoscope.project import Project

    folder = Path(args.folder)
    out: dict[str, float] = {}
    with Project.open(folder) as p:
        if args.engine == "duckdb":
            p.store.con.execute(f"SET threads = {int(args.cores)}").fetchall()
        else:
            t = time.perf_counter()
            p._compute_engine()  # the session
            out["session"] = time.perf_counter() - t
        t = time.perf_counter()
        p.run(as_of=END)
        out["one_date"] = time.perf_counter() - t
        t = time.perf_counter()
        p.run(start=END - dt.timedelta(days=args.days - 1), end=END)
        out["backfill"] = time.perf_counter() - t
    print(json.dumps(out))


def measure(args: argparse.Namespace, engine: str, cores: int, folder: Path) -> dict[str, float]:
    cmd = [sys.executable, __file__, "--child", engine, "--cores", str(cores), "--folder"]
    cmd += [str(folder), "--days", str(args.days)]
    load = os.getloadavg()[0]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    peak = 0

    def sample() -> None:
        nonlocal peak
        while proc.poll() is None:
            peak = max(peak, _tree_rss(proc.pid))
            time.sleep(0.2)

    sampler = threading.Thread(target=sample)
    sampler.start()
    stdout, _ = proc.communicate()
    sampler.join()
    if proc.returncode:
        raise SystemExit(f"{engine} on {cores} cores failed")
    result: dict[str, float] = json.loads(stdout.strip().splitlines()[-1])
    result["peak_mb"] = peak / 2**20
    # the machine's load (1-minute average) before and after: a shared machine's figures
    # are only as good as the load they were taken under
    result["load"] = max(load, os.getloadavg()[0])
    return result


def _same_frames(folders: list[Path]) -> tuple[bool, int]:
    """Whether every folder's stored frames equal the first's (all columns but the run id),
    compared inside DuckDB (a million accounts' frames do not fit in Python's memory)."""
    import duckdb

    from stethoscope.project import Project
    from stethoscope.store.results import detail_table

    with Project.open(folders[0]) as p:
        table = detail_table(p.load_model().version)
    con = duckdb.connect()
    for i, f in enumerate(folders):
        con.execute(f"ATTACH '{f / 'stethoscope.duckdb'}' AS s{i} (READ_ONLY)")
    rows = con.execute(f'SELECT count(*) FROM s0."{table}"').fetchall()[0][0]
    same = True
    for i in range(1, len(folders)):
        for a, b in ((0, i), (i, 0)):
            left = f'SELECT * EXCLUDE (run_id) FROM s{a}."{table}"'
            right = f'SELECT * EXCLUDE (run_id) FROM s{b}."{table}"'
            extra = con.execute(f"SELECT count(*) FROM ({left} EXCEPT ALL {right})").fetchall()
            same = same and extra[0][0] == 0
    return same, int(rows)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--accounts", type=int, default=1000)
    parser.add_argument("--months", type=int, default=3)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--cores", default="1,2")
    parser.add_argument("--preset", default="four-signals")
    parser.add_argument("--engines", default="duckdb,spark", help="which engines to measure")
    parser.add_argument("--child", choices=["duckdb", "spark"])
    parser.add_argument("--folder")
    args = parser.parse_args()
    if args.child:
        args.engine = args.child
        return child(args)

    from stethoscope.model.presets import preset_text
    from stethoscope.project import Project

    root = Path(tempfile.mkdtemp(prefix="bench-spark-"))
    book = root / "book"
    book.mkdir()
    t = time.perf_counter()
    with Project.open(book) as p:
        p.load_demo(accounts=args.accounts, months=args.months, end=END, seed=1)
        (book / "model.yaml").write_text(preset_text(args.preset))
        events = p.store.counts()["events"]
        parquet = root / "events.parquet"
        p.store.con.execute(f"COPY events TO '{parquet}' (FORMAT parquet)").fetchall()
    print(f"book: {args.accounts:,} accounts, {events:,} events ({time.perf_counter() - t:.1f} s)")
    folders: dict[tuple[str, int], Path] = {}
    for cores in [int(c) for c in args.cores.split(",")]:
        for engine in args.engines.split(","):
            folder = root / f"{engine}-{cores}"
            shutil.copytree(book, folder)
            toml = 'database_url = "stethoscope.duckdb"\n'
            if engine == "spark":
                toml += (
                    f'compute = "spark"\nspark_master = "local[{cores}]"\n'
                    f'spark_tables = {{events = "parquet:{parquet}"}}\n'
                    f'spark_conf = {{"spark.sql.shuffle.partitions" = "{cores}", '
                    '"spark.driver.memory" = "4g"}\n'
                )
            (folder / "stethoscope.toml").write_text(toml)
            r = measure(args, engine, cores, folder)
            print(
                f"{engine:6} {cores} core(s): one date {r['one_date']:7.1f} s, "
                f"{args.days}-date backfill {r['backfill']:7.1f} s, peak {r['peak_mb']:,.0f} MB"
                + (f" (session start {r['session']:.1f} s)" if "session" in r else "")
                + f", load up to {r['load']:.1f}",
                flush=True,
            )
            folders[(engine, cores)] = folder
    same = _same_frames(list(folders.values()))
    print(f"every stored frame equal across engines and cores: {same[0]} ({same[1]:,} rows)")
    shutil.rmtree(root)
    if not same[0]:
        raise SystemExit(1)


if __name__ == "__main__":
    main()

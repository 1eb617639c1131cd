"""Scoring on Spark (compute = "spark") against the store's own DuckDB, on the same cores.

    python bench/spark.py [--accounts 1000000] [--activity 0.07] [--days 30] [--cores 1,2]
                          [--engines duckdb,spark] [--steps one,backfill] [--keep]

1. builds the book once (bench/score_book.py's build: generated to Parquet and bulk-loaded
   into a store) into bench/out/, keeping the generated Parquet files beside the store
   (the lakehouse's copy of the book), and reuses it afterwards;
2. for each core count N and engine, a project of its own:
   - DuckDB with N threads computes in a copy of the built store;
   - Spark local[N] reads every contract table in place from the Parquet files
     (`spark_tables`); its store starts empty and keeps only what the runs write, as a
     store beside a lakehouse book does;
3. one date on every engine and core count first, then a backfill of --days dates on
   each, every measurement in a process of its own (a Spark session a process, its start
   timed apart), so that the one-date figures are in even if a backfill is stopped;
4. compares the stored frames of every project (they must be equal).

Each measurement records the wall time and, because the machine is shared, the CPU time
(user + system) of the process and its children (the JVM included), the peak resident
memory of that process tree, both sampled from /proc every 0.2 s, and the load average
while it ran. Figures go to the terminal and to bench/out/<book>.spark.json as they come.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
from score_book import OUT, build

END = dt.date(2026, 6, 30)  # score_book's
TICK = os.sysconf("SC_CLK_TCK")


def _tree(pid: int) -> dict[int, tuple[int, float]]:
    """Each process of the tree under ``pid`` (itself included): its resident memory
    (bytes) and its own CPU time (user + system, seconds), from /proc."""
    out: dict[int, tuple[int, float]] = {}
    todo = [pid]
    while todo:
        p = todo.pop()
        try:
            status = Path(f"/proc/{p}/status").read_text()
            rss = next(int(x.split()[1]) for x in status.splitlines() if x.startswith("VmRSS"))
            # the fields after the command's closing parenthesis; utime and stime are the
            # 14th and 15th of the whole line
            stat = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            out[p] = (rss * 1024, (int(stat[11]) + int(stat[12])) / TICK)
            for task in Path(f"/proc/{p}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, StopIteration):
            continue
    return out


def _cpu_now() -> float:
    """CPU time so far of this process and its live children (the JVM of a session)."""
    return sum(cpu for _, cpu in _tree(os.getpid()).values())


def child(args: argparse.Namespace) -> None:
    """One engine on N cores, one step: prints a JSON line of its figures."""
    from stethoscope.project import Project

    out: dict[str, float] = {}
    with Project.open(Path(args.folder)) as p:
        if args.child == "duckdb":
            p.store.con.execute(f"SET threads = {int(args.cores)}").fetchall()
        else:
            t, c = time.perf_counter(), _cpu_now()
            p._compute_engine()  # the session
            out["session"] = time.perf_counter() - t
            out["session_cpu"] = _cpu_now() - c
        t, c = time.perf_counter(), _cpu_now()
        if args.step == "one":
            r = p.run(as_of=END)
        else:
            r = p.run(start=END - dt.timedelta(days=args.days - 1), end=END)
        out["seconds"] = time.perf_counter() - t
        out["cpu"] = _cpu_now() - c
        out["accounts"], out["dates"] = r.accounts, r.dates
    print(json.dumps(out))


def measure(engine: str, cores: int, folder: Path, step: str, days: int) -> dict[str, Any]:
    """Run one step in a child process; its figures with the tree's peak memory, CPU time
    and the load average (1 minute) at its start, its end and its highest in between."""
    cmd = [sys.executable, __file__, "--child", engine, "--cores", str(cores)]
    cmd += ["--folder", str(folder), "--step", step, "--days", str(days)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    peak, own, cpu, loads = 0, 0, {}, [os.getloadavg()[0]]

    def sample() -> None:
        nonlocal peak, own
        while proc.poll() is None:
            tree = _tree(proc.pid)
            peak = max(peak, sum(rss for rss, _ in tree.values()))
            own = max(own, tree.get(proc.pid, (0, 0.0))[0])  # the store's process alone
            cpu.update({p: c for p, (_, c) in tree.items()})  # each process's latest
            loads.append(os.getloadavg()[0])
            time.sleep(0.2)

    sampler = threading.Thread(target=sample)
    sampler.start()
    stdout, _ = proc.communicate()
    sampler.join()
    if proc.returncode:
        raise SystemExit(f"{engine} on {cores} core(s), {step}: failed")
    result: dict[str, Any] = json.loads(stdout.strip().splitlines()[-1])
    result |= {
        "engine": engine,
        "cores": cores,
        "step": step,
        "peak_mb": peak / 2**20,
        "store_peak_mb": own / 2**20,
        # sampled: each process's last 0.2 s is missing, a few tenths in minutes
        "tree_cpu": sum(cpu.values()),
        "load": [loads[0], max(loads), os.getloadavg()[0]],
    }
    return result


def prepare(book: Path, runs: Path, engine: str, cores: int) -> Path:
    """The project of ``engine`` on ``cores``: a copy of the built store for DuckDB; for
    Spark an empty store and every contract table mapped to its Parquet file."""
    from stethoscope.contract.schema import TABLES

    folder = runs / f"{engine}-{cores}"
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    shutil.copyfile(book / "model.yaml", folder / "model.yaml")
    toml = 'database_url = "stethoscope.duckdb"\n'
    if engine == "duckdb":
        shutil.copyfile(book / "stethoscope.duckdb", folder / "stethoscope.duckdb")
    else:
        mapped = ", ".join(f'{t} = "parquet:{book / "files" / t}.parquet"' for t in TABLES)
        toml += (
            f'compute = "spark"\nspark_master = "local[{cores}]"\n'
            f"spark_tables = {{{mapped}}}\n"
            # a backfill of hours shares the machine: a JVM starved (or paused) for minutes
            # must not be taken for a lost executor
            f'spark_conf = {{"spark.driver.memory" = "6g", "spark.network.timeout" = "7200s", '
            f'"spark.executor.heartbeatInterval" = "60s"}}\n'
        )
    (folder / "stethoscope.toml").write_text(toml)
    return folder


def same_frames(folders: list[Path]) -> tuple[bool, int]:
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


def show(r: dict[str, Any], days: int) -> str:
    what = "one date" if r["step"] == "one" else f"{days}-date backfill"
    session = (
        f", session start {r['session']:.1f} s ({r['session_cpu']:.1f} s CPU)"
        if "session" in r
        else ""
    )
    low, high, end = r["load"]
    return (
        f"{r['engine']:6} {r['cores']} core(s), {what}: {r['seconds']:8.1f} s, "
        f"CPU {r['cpu']:8.1f} s (tree {r['tree_cpu']:.1f} s), peak {r['peak_mb']:,.0f} MB"
        f" (the store's process {r['store_peak_mb']:,.0f} MB){session}; "
        f"load {low:.1f} at start, up to {high:.1f}, {end:.1f} at end"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=1_000_000)
    parser.add_argument("--activity", type=float, default=0.07)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--cores", default="1,2")
    parser.add_argument("--engines", default="duckdb,spark", help="which engines to measure")
    parser.add_argument("--steps", default="one,backfill", help="which steps to measure")
    parser.add_argument("--keep", action="store_true", help="keep the runs' projects")
    parser.add_argument("--build-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--child", choices=["duckdb", "spark"], help=argparse.SUPPRESS)
    parser.add_argument("--step", choices=["one", "backfill"], help=argparse.SUPPRESS)
    parser.add_argument("--folder", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args)
    book = OUT / f"book-{args.accounts}-{args.activity}-files"
    if args.build_only:
        build(book, args.accounts, args.activity, END, files=True)
        return
    # built in a child: a process forked from a big parent inherits its peak memory
    t = time.perf_counter()
    size = ["--accounts", str(args.accounts), "--activity", str(args.activity)]
    subprocess.run([sys.executable, __file__, "--build-only", *size], check=True)
    print(f"book ready in {time.perf_counter() - t:.0f} s", flush=True)
    runs = OUT / f"{book.name}.spark-runs"
    figures = OUT / f"{book.name}.spark.json"
    plan = [(e, int(c)) for c in args.cores.split(",") for e in args.engines.split(",")]
    folders = {(e, c): prepare(book, runs, e, c) for e, c in plan}
    results: list[dict[str, Any]] = []
    for step in args.steps.split(","):
        for engine, cores in plan:
            r = measure(engine, cores, folders[(engine, cores)], step, args.days)
            results.append(r)
            figures.write_text(json.dumps(results, indent=1))
            print(show(r, args.days), flush=True)
    same = same_frames(list(folders.values()))
    print(f"every stored frame equal across engines and cores: {same[0]} ({same[1]:,} rows)")
    if not args.keep:
        shutil.rmtree(runs)
    if not same[0]:
        raise SystemExit(1)


if __name__ == "__main__":
    main()

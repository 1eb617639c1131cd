"""How fast this machine is, on fixed work: the yardstick that makes a figure measured on one
machine comparable with one measured on another.

    python bench/machine.py [--repeat 5]

The project's machines are all "2 cores, 24 GiB", but not equally fast: the same commit's
suite took 325.6 s on one session's machine and 463 s on the next one's, and its CLI
start-up 0.52-0.57 s against 0.77-0.86 s. A figure in seconds says little without the
machine's speed beside it, so each session measures this first, and docs/benchmarks.md
records it with the figures (bench/figures.toml, capability "machine").

Two references, each the best of --repeat (a busy moment does not decide it), on one core:
- Python: interpreting plain Python (a loop of arithmetic, dict and string work), which is
  what start-up, the facade and the test suite's own code spend most of their time on;
- DuckDB: one thread aggregating 20M generated rows by key, which is what a run does.
Both do the same work on every machine and every run; neither reads a file.
"""

from __future__ import annotations

import argparse
import platform
import resource
import time
from pathlib import Path


def python_work() -> int:
    """Fixed plain-Python work (about 1-2 s on the project's machines)."""
    counts: dict[str, int] = {}
    total = 0
    for i in range(3_000_000):
        total += (i * i) % 7
        key = f"k{i % 1000}"
        counts[key] = counts.get(key, 0) + 1
    return total + len(counts)


def duckdb_work() -> int:
    """Fixed DuckDB work on one thread: 20M rows grouped by 100,000 keys."""
    import duckdb

    con = duckdb.connect()
    con.execute("SET threads = 1")
    row = con.execute(
        "SELECT count(*), sum(s) FROM (SELECT range % 100000 AS k, sum(range % 97) AS s "
        "FROM range(20000000) GROUP BY 1)"
    ).fetchone()
    con.close()
    assert row is not None
    return int(row[0])


def best(work: object, repeat: int) -> tuple[float, float]:
    """The best wall and CPU time of ``repeat`` runs of ``work``."""
    walls, cpus = [], []
    for _ in range(repeat):
        r0 = resource.getrusage(resource.RUSAGE_SELF)
        t = time.perf_counter()
        work()  # type: ignore[operator]
        walls.append(time.perf_counter() - t)
        r1 = resource.getrusage(resource.RUSAGE_SELF)
        cpus.append(r1.ru_utime + r1.ru_stime - r0.ru_utime - r0.ru_stime)
    return min(walls), min(cpus)


def cpu_name() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="best of this many (at least 1)")
    args = parser.parse_args()
    if args.repeat < 1:
        parser.error(f"--repeat must be at least 1, got {args.repeat}")
    import os

    load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    print(f"machine: {os.cpu_count()} cores, {cpu_name()}, Python {platform.python_version()}")
    print(f"load average before: {load}")
    wall, cpu = best(python_work, args.repeat)
    print(f"python reference (one core, best of {args.repeat}): {wall:.2f} s ({cpu:.2f} s CPU)")
    wall, cpu = best(duckdb_work, args.repeat)
    print(f"duckdb reference (one thread, best of {args.repeat}): {wall:.2f} s ({cpu:.2f} s CPU)")


if __name__ == "__main__":
    main()

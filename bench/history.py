"""A year of weekly score history: one `run --every 7d` process against one process a date.

    python bench/history.py [--accounts 5000] [--activity 3.0] [--weeks 52] [--every 7d]

1. builds the demo book once (bench/score_book.py's build: generate + bulk load, the
   `four-signals` preset) into bench/out/, reused afterwards;
2. on one copy, `stethoscope run --from F --to T --every 7d`: every date in one process
   (the backfill: source rows staged once, the query compiled once, one transaction);
3. on another copy, `stethoscope run --as-of D` for each of the same dates, one process each,
   as a scheduler or a shell loop would do it;
4. checks that both copies stored the same scores and bands for every account and date.
Every step is the real command in its own process; the times are wall clock (with the CPU
seconds of the processes, which a busy machine distorts less). Prints both and the ratio.
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from score_book import OUT, build

END = dt.date(2026, 6, 30)


def stethoscope(folder: Path, *args: str) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one `stethoscope ARGS` process on the project."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "stethoscope", "--project", str(folder), *args],
        check=True,
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return wall, cpu


def stored(folder: Path) -> list[tuple[object, ...]]:
    import duckdb

    con = duckdb.connect(str(folder / "stethoscope.duckdb"), read_only=True)
    try:
        return con.execute(
            "SELECT as_of, account_id, score_name, score, band FROM score_history "
            "ORDER BY as_of, account_id, score_name"
        ).fetchall()
    finally:
        con.close()


def main() -> None:
    from stethoscope.steps import forward, parse_step

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--accounts", type=int, default=5000)
    ap.add_argument("--activity", type=float, default=3.0)
    ap.add_argument("--weeks", type=int, default=52, help="how many dates (default 52)")
    ap.add_argument("--every", default="7d")
    ap.add_argument("--build-only", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    folder = OUT / f"book-{args.accounts}-{args.activity}"
    if args.build_only:
        build(folder, args.accounts, args.activity, END)
        return
    # build in a child: its peak memory and CPU stay out of the figures below
    subprocess.run(
        [
            *(sys.executable, __file__, "--build-only"),
            *("--accounts", str(args.accounts), "--activity", str(args.activity)),
        ],
        check=True,
    )
    step = parse_step(args.every)
    first = step.shift(END, -(args.weeks - 1))
    dates = forward(first, END, step)
    assert dates[-1] == END, dates
    one, many = OUT / f"{folder.name}.history-one", OUT / f"{folder.name}.history-many"
    for work in (one, many):
        shutil.rmtree(work, ignore_errors=True)
        shutil.copytree(folder, work)
    try:
        span = ["--from", first.isoformat(), "--to", END.isoformat(), "--every", str(step)]
        wall_one, cpu_one = stethoscope(one, "run", *span)
        print(
            f"one process, {len(dates)} dates every {step}: {wall_one:.1f} s ({cpu_one:.1f} CPU s)"
        )
        walls, cpus = [], []
        for d in dates:
            w, c = stethoscope(many, "run", "--as-of", d.isoformat())
            walls.append(w)
            cpus.append(c)
        print(
            f"one process per date, {len(dates)} processes: {sum(walls):.1f} s "
            f"({sum(cpus):.1f} CPU s; per date {min(walls):.1f}-{max(walls):.1f} s)"
        )
        a, b = stored(one), stored(many)
        assert a == b, "the two ways stored different scores"
        print(f"same scores stored both ways: {len(a):,} rows")
        print(
            f"ratio (one process per date / one process): {sum(walls) / wall_one:.2f}x wall, "
            f"{sum(cpus) / cpu_one:.2f}x CPU"
        )
    finally:
        for work in (one, many):
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

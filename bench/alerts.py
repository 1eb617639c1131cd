"""What alert evaluation costs next to scoring, on a copy of a large demo book.

    python bench/alerts.py [--book bench/out/book-100000-0.07] [--days 14] [--repeat 2]

1. copies the book (never writes to it) and backfills --days daily dates without rules;
2. evaluates the rules below (channels off: alerts and tasks only) on those dates, through
   the facade, with the book's score history of those days behind it;
3. scores the book's last date (the next daily run) with the rules, and, on another copy,
   without them.
Prints the seconds of each step, per date, and the ratio of a run with rules to one without
(best of --repeat, alternating). The machine may be busy: compare ratios, not seconds.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import tempfile
import time
from pathlib import Path

RULES = """
alerts:
  rules:
    investigate: {kind: below, threshold: 5, severity: investigate, channels: [],
                  task: {playbook: yellow}}
    act: {kind: below, threshold: 3.5, hysteresis: 0.5, channels: [],
          task: {playbook: red, due: 3d}}
    sudden-drop: {kind: drop, points: 1.5, within: 14d, hysteresis: 0.5, channels: []}
    turned-red: {kind: band_change, to: [red], channels: []}
    detractor: {kind: detractor, channels: [], task: {playbook: nps-detractor}}
    nps-red: {kind: red, measure: nps, channels: []}
    renewal: {kind: renewal, within: 60d, channels: []}
"""


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--book", type=Path, default=Path(__file__).parent / "out/book-100000-0.07")
    ap.add_argument("--days", type=int, default=14)
    ap.add_argument("--repeat", type=int, default=2)
    args = ap.parse_args()
    from stethoscope.project import Project

    with tempfile.TemporaryDirectory(prefix="bench-alerts-") as tmp:
        work = Path(tmp) / "book"
        shutil.copytree(args.book, work)
        plain = (work / "model.yaml").read_text()
        with Project.open(work) as p:
            row = p.store.con.execute("SELECT max(CAST(timestamp AS DATE)) FROM events").fetchone()
            assert row is not None
            end: dt.date = row[0]
            # the last day of the data is kept for the one-date runs of step 3
            last = end - dt.timedelta(days=1)
            start = last - dt.timedelta(days=args.days - 1)
            t = time.perf_counter()
            r = p.run(start=start - dt.timedelta(days=1), end=last)
            backfill = time.perf_counter() - t
            print(f"backfill {r.dates} dates, {r.accounts:,} accounts: {backfill:.1f} s")
        (work / "model.yaml").write_text(plain + RULES)
        with Project.open(work) as p:
            t = time.perf_counter()
            done = p.evaluate_alerts(start=start, end=last)
            evaluation = time.perf_counter() - t
            opened = sum(e.opened for e in done)
            tasks = sum(e.tasks for e in done)
            print(
                f"evaluate {len(done)} dates, 7 rules: {evaluation:.1f} s "
                f"({evaluation / len(done):.2f} s per date; {opened:,} alerts, {tasks:,} tasks)"
            )
            print(
                f"per date: scoring {backfill / r.dates:.2f} s, evaluation "
                f"{evaluation / len(done):.2f} s"
            )
            report = p.alert_report()
            for x in report:
                print(f"  {x.rule}: {x.alerted:,} accounts, precision {x.precision}")
        # one more date, with and without rules, alternately
        best = {"with": float("inf"), "without": float("inf")}
        for i in range(args.repeat):
            for mode in ("without", "with"):
                copy = Path(tmp) / f"{mode}-{i}"
                shutil.copytree(work, copy)
                (copy / "model.yaml").write_text(plain + (RULES if mode == "with" else ""))
                with Project.open(copy) as p:
                    t = time.perf_counter()
                    p.run(as_of=end)
                    best[mode] = min(best[mode], time.perf_counter() - t)
                shutil.rmtree(copy)
        print(
            f"one date: run {best['without']:.2f} s without rules, {best['with']:.2f} s with "
            f"({best['with'] / best['without']:.2f}x), best of {args.repeat}"
        )


if __name__ == "__main__":
    main()

"""What metrics on event properties cost, and whether a backfill should stage their scans.

    python bench/property_metrics.py [--accounts 1000] [--months 12] [--days 30]

Builds a demo book in a temporary folder (DuckDB), gives a fifth of its events JSON
properties (a deal value, as a number or as numeric text, and a plan), then times, each in
this process on the same book:

1. one run of a model of plain metrics (counts, active days) as of the last date;
2. one run of the same model plus property metrics (sums, latest, distinct values, filters
   on keys), rates per user and tenure scaling;
3. a backfill of --days dates of the second model, as it runs (windowed property scans
   staged with the key's text; all-history sums and latest values read the table);
4. the same backfill with no property scan staged (each date reads the events table and
   its JSON again).

Prints the times and the ratios 2/1 and 4/3.
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import time
from pathlib import Path

PLAIN = """
  events_30d: {table: events, aggregate: count, window: 30d}
  active_days_30d: {table: events, aggregate: active_days, window: 30d}
  users_30d: {table: events, aggregate: count_distinct, column: user_id, window: 30d}
  days_since: {table: events, aggregate: days_since}
"""
NEW = """
  deal_sum_30d: {table: events, aggregate: sum, column: properties.value, window: 30d}
  deal_avg_90d: {table: events, aggregate: avg, column: properties.value, window: 90d}
  deal_latest: {table: events, aggregate: latest, column: properties.value}
  plans_30d: {table: events, aggregate: count_distinct, column: properties.plan, window: 30d}
  paid_days: {table: events, where: {properties.plan: [pro, team]}, aggregate: active_days}
  per_user_30d: {table: events, aggregate: count, per: user, window: 30d}
  deal_per_user_30d: {table: events, aggregate: sum, column: properties.value, per: user,
                      window: 30d}
  events_tenure_30d: {table: events, aggregate: count, scale: tenure, window: 30d}
"""
TAIL = """
measures:
  usage: {metric: events_30d, percentile: {within: segment}}
scorecards:
  main: {usage: 1}
"""


def model(extra: str) -> str:
    return "name: bench\nmetrics:\n" + PLAIN + extra + TAIL


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--accounts", type=int, default=1000)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--days", type=int, default=30)
    args = parser.parse_args()

    from stethoscope.engine import properties, staging
    from stethoscope.project import Project

    end = dt.date(2025, 6, 30)
    folder = Path(tempfile.mkdtemp())
    (folder / "stethoscope.toml").write_text("database_url = 'bench.duckdb'\n")
    with Project.open(folder) as p:
        p.load_demo(accounts=args.accounts, months=args.months, end=end, seed=1)
        con = p.store.con
        con.execute(
            "UPDATE events SET properties = json_object('value', CASE WHEN hash(rowid) % 2 = 0 "
            "THEN to_json(hash(rowid) % 1000) ELSE to_json(CAST(hash(rowid) % 1000 AS VARCHAR)) "
            "END, 'plan', ['pro', 'team', 'free'][CAST(hash(rowid) % 3 AS INTEGER) + 1]) "
            "WHERE hash(rowid) % 5 = 0"
        )
        n, with_props = con.execute(
            "SELECT count(*), count(*) FILTER (WHERE properties ->> '$.value' IS NOT NULL) "
            "FROM events"
        ).fetchone()
        print(f"book: {args.accounts:,} accounts, {n:,} events, {with_props:,} with a deal value")

        def timed(text: str, **run: object) -> float:
            (folder / "model.yaml").write_text(text)
            con.execute("DELETE FROM compiled_queries")
            started = time.perf_counter()
            p.run(**run)  # type: ignore[arg-type]
            return time.perf_counter() - started

        first = end - dt.timedelta(days=args.days - 1)
        plain = timed(model(""), as_of=end)
        new = timed(model(NEW), as_of=end)
        staged = timed(model(NEW), start=first, end=end)
        stageable = staging._stageable

        def unless_keys(scan: staging.Scan, members: staging.Members) -> bool:
            read = [a.column or "" for _, a in members] + [f.column for f in scan.where]
            return not any(properties.is_key(c) for c in read) and stageable(scan, members)

        staging._stageable = unless_keys
        unstaged = timed(model(NEW), start=first, end=end)
        staging._stageable = stageable
    print(f"one run, plain metrics:            {plain:6.2f} s")
    print(f"one run, with the new kinds:       {new:6.2f} s  ({new / plain:.2f}x)")
    print(f"backfill of {args.days} dates, staged:     {staged:6.2f} s")
    print(f"backfill, property scans unstaged: {unstaged:6.2f} s  ({unstaged / staged:.2f}x)")


if __name__ == "__main__":
    main()

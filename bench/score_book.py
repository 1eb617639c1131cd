"""Score a large demo book and compare with hand-written DuckDB SQL on the same data.

    python bench/score_book.py [--accounts 1000000] [--activity 0.07] [--days 30]

1. builds the book once (generate + checked import) into bench/out/, reused afterwards;
2. bare DuckDB: hand-written SQL computing the metrics of the `four-signals` preset as of
   one date (one aggregate per table, filter and window, joined per account: the fastest
   form on DuckDB), into a table; for the backfill's dates, one such query per date;
3. `stethoscope run --as-of` with that preset: metrics, grades, groups, scores, bands,
   contributions, written to the store as a run;
4. `stethoscope run --from --to`: a backfill of --days daily dates;
5. what any backfill of --days dates must write: the stored rows of one date (detail and
   score_history) written --days times in one transaction, as a ratio to one run.
Each step runs in its own process; peak memory is that process's max RSS. Steps 2 and 3 run
alternately --repeat times and the best of each counts. Prints times, ratios and peak memory.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

OUT = Path(__file__).parent / "out"

BARE = """
import duckdb, json, resource, sys, time
con = duckdb.connect(sys.argv[1])
con.execute("SET memory_limit = '4GB'")
import datetime as dt
first = dt.date.fromisoformat(sys.argv[2])
last = dt.date.fromisoformat(sys.argv[3] if len(sys.argv) > 3 else sys.argv[2])
Q = '''
WITH a AS (
  SELECT id, segment, customer_since FROM accounts a
  WHERE customer_since <= DATE '{D}' AND NOT EXISTS (
    SELECT 1 FROM outcomes o WHERE o.account_id = a.id AND o.kind = 'churned'
    AND o.date <= DATE '{D}' AND o.date >= a.customer_since)),
active AS (
  SELECT account_id, count(DISTINCT CAST(timestamp AS DATE)) AS active_days_30d,
         max(timestamp) AS newest
  FROM events WHERE timestamp >= DATE '{D}' - INTERVAL 29 DAY
    AND timestamp < DATE '{D}' + INTERVAL 1 DAY GROUP BY 1),
setup AS (
  SELECT account_id, count(DISTINCT event) * 100.0 / 4 AS setup_done
  FROM events WHERE event IN ('account_setup_completed', 'sso_configured',
    'first_import_completed', 'user_invited') AND timestamp < DATE '{D}' + INTERVAL 1 DAY
  GROUP BY 1),
login AS (
  SELECT account_id, DATE '{D}' - CAST(max(timestamp) AS DATE) AS days_since_login
  FROM events WHERE event = 'session_started' AND timestamp < DATE '{D}' + INTERVAL 1 DAY
  GROUP BY 1),
compliance AS (
  SELECT account_id, count(*) AS compliance_events_90d FROM events
  WHERE event IN ('compliance_audit_exported', 'compliance_report_viewed',
    'compliance_policy_updated') AND timestamp >= DATE '{D}' - INTERVAL 89 DAY
    AND timestamp < DATE '{D}' + INTERVAL 1 DAY GROUP BY 1),
nps AS (
  SELECT account_id, arg_max(score, responded_at) AS nps FROM surveys
  WHERE kind = 'nps' AND responded_at >= DATE '{D}' - INTERVAL 364 DAY
    AND responded_at < DATE '{D}' + INTERVAL 1 DAY GROUP BY 1),
tickets AS (
  SELECT account_id, count(*) AS tickets_90d FROM tickets
  WHERE opened_at >= DATE '{D}' - INTERVAL 89 DAY AND opened_at < DATE '{D}' + INTERVAL 1 DAY
  GROUP BY 1)
SELECT a.id, DATE '{D}' AS as_of, a.segment,
  coalesce(active.active_days_30d, 0) AS active_days_30d,
  coalesce(setup.setup_done, 0) AS setup_done, login.days_since_login,
  coalesce(compliance.compliance_events_90d, 0) AS compliance_events_90d, nps.nps,
  coalesce(tickets.tickets_90d, 0) AS tickets_90d
FROM a LEFT JOIN active ON active.account_id = a.id LEFT JOIN setup ON setup.account_id = a.id
LEFT JOIN login ON login.account_id = a.id
LEFT JOIN compliance ON compliance.account_id = a.id LEFT JOIN nps ON nps.account_id = a.id
LEFT JOIN tickets ON tickets.account_id = a.id
'''
t = time.perf_counter()
# one query per date, as one would write it by hand: the first makes the table
for i in range((last - first).days + 1):
    D = (first + dt.timedelta(days=i)).isoformat()
    into = "CREATE OR REPLACE TEMP TABLE bare AS " if i == 0 else "INSERT INTO bare "
    con.execute(into + Q.replace("{D}", D))
n = con.execute("SELECT count(*) FROM bare WHERE as_of = ?", [last]).fetchone()[0]
print(json.dumps({"seconds": time.perf_counter() - t, "accounts": n,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

OURS = """
import datetime as dt, json, resource, sys, time
from stethoscope.project import Project
p = Project.open(sys.argv[1])
p.store
start, end = dt.date.fromisoformat(sys.argv[2]), dt.date.fromisoformat(sys.argv[3])
t = time.perf_counter()
r = p.run(as_of=end) if start == end else p.run(start=start, end=end)
print(json.dumps({"seconds": time.perf_counter() - t, "accounts": r.accounts,
                  "dates": r.dates,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


# What any backfill of N dates must write, whatever computes it: the stored rows of one date
# (the detail table's and score_history's, as the run wrote them) written N times, with
# their dates changed, into fresh tables of the same columns in one transaction.
WRITES = """
import duckdb, json, sys, time
con = duckdb.connect(sys.argv[1])
n, day = int(sys.argv[2]), sys.argv[3]
detail = con.execute(
    "SELECT table_name FROM information_schema.tables WHERE table_name LIKE 'score_detail__%'"
).fetchone()[0]
con.execute(f"CREATE TEMP TABLE d AS SELECT * FROM {detail} WHERE as_of = ?", [day])
con.execute("CREATE TEMP TABLE h AS SELECT * FROM score_history WHERE as_of = ?", [day])
rows = con.execute("SELECT count(*) FROM d").fetchone()[0]
con.execute("CREATE TABLE bench_detail AS SELECT * FROM d LIMIT 0")
con.execute("CREATE TABLE bench_history AS SELECT * FROM h LIMIT 0")
t = time.perf_counter()
con.begin()
for i in range(n):
    con.execute("INSERT INTO bench_detail SELECT * REPLACE (as_of - ? AS as_of) FROM d", [i])
detail_s = time.perf_counter() - t
for i in range(n):
    con.execute("INSERT INTO bench_history SELECT * REPLACE (as_of - ? AS as_of) FROM h", [i])
con.commit()
total = time.perf_counter() - t
con.execute("DROP TABLE bench_detail")
con.execute("DROP TABLE bench_history")
# the same with only what scoring cannot derive from the rest and the model: the metrics'
# values and ages and the measures' grades (weights, contributions, group scores and the
# scores follow from the grades row by row; the scores are in score_history too)
names = [c[0] for c in con.execute("SELECT * FROM d LIMIT 0").description]
inputs = [c for c in names if c.split("__")[0] in ("account_id", "segment", "m", "age", "g",
                                                    "run_id", "as_of")]
cols = ", ".join(inputs)
moved = ", ".join("as_of - ? AS as_of" if c == "as_of" else c for c in inputs)
con.execute(f"CREATE TABLE bench_inputs AS SELECT {cols} FROM d LIMIT 0")
t = time.perf_counter()
con.begin()
for i in range(n):
    con.execute(f"INSERT INTO bench_inputs SELECT {moved} FROM d", [i])
con.commit()
inputs_s = time.perf_counter() - t
con.execute("DROP TABLE bench_inputs")
print(json.dumps({"seconds": total, "detail_seconds": detail_s, "rows": rows,
                  "columns": len(names), "inputs_columns": len(inputs),
                  "inputs_seconds": inputs_s}))
"""


def run(code: str, *args: str) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", code, *args], check=True, capture_output=True, text=True
    ).stdout
    return json.loads(out.strip().splitlines()[-1])  # type: ignore[no-any-return]


def build(folder: Path, accounts: int, activity: float, end: dt.date) -> None:
    """Generate the book to Parquet and bulk-load it. The checked import is measured by
    bench/import_events.py; here the subject is scoring, so the files go in as they are."""
    from stethoscope.contract.demo import generate_book
    from stethoscope.contract.schema import TABLES, q
    from stethoscope.model.presets import preset_text
    from stethoscope.project import Project

    if (folder / "ready").exists():
        print(f"reusing the book in {folder}")
        return
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    (folder / "stethoscope.toml").write_text('database_url = "stethoscope.duckdb"\n')
    (folder / "model.yaml").write_text(preset_text("four-signals"))
    t = time.perf_counter()
    book = generate_book(
        folder / "files", accounts=accounts, months=12, seed=0, end=end, activity=activity
    )
    print(f"generated in {time.perf_counter() - t:.0f} s")
    with Project.open(folder) as p:
        con = p.store.con
        for name in TABLES:
            cols = ", ".join(q(c.name) for c in TABLES[name].columns)
            con.execute(
                f"INSERT INTO {q(name)} ({cols}) SELECT {cols} FROM read_parquet(?)",
                [str(book.paths[name])],
            )
            con.execute("CHECKPOINT")
        counts = p.store.counts()
    shutil.rmtree(folder / "files")
    print(
        f"built the book in {time.perf_counter() - t:.0f} s: "
        + ", ".join(f"{n:,} {k}" for k, n in counts.items())
    )
    (folder / "ready").write_text("")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--accounts", type=int, default=1_000_000)
    ap.add_argument("--activity", type=float, default=0.07)
    ap.add_argument("--days", type=int, default=30)
    ap.add_argument("--repeat", type=int, default=3, help="best of this many (default 3)")
    ap.add_argument("--build-only", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    end = dt.date(2026, 6, 30)
    folder = OUT / f"book-{args.accounts}-{args.activity}"
    if args.build_only:
        build(folder, args.accounts, args.activity, end)
        return
    # build in a child too: a process forked from a big parent inherits its peak memory
    subprocess.run(
        [
            sys.executable,
            __file__,
            "--build-only",
            "--accounts",
            str(args.accounts),
            "--activity",
            str(args.activity),
        ],
        check=True,
    )
    # the runs write their results into a copy: the built book stays as built for others
    # who share bench/out
    work = OUT / f"{folder.name}.scoring-run"
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(folder, work)
    try:
        measure(work, end, args.days, args.repeat)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def measure(folder: Path, end: dt.date, days: int, repeat: int) -> None:
    db = str(folder / "stethoscope.duckdb")
    # alternately, best of --repeat: a busy moment of the machine does not decide the ratio
    # (the first run of a model version also compiles its query, which later runs read back)
    bares, ones = [], []
    for _ in range(repeat):
        bares.append(run(BARE, db, end.isoformat()))
        ones.append(run(OURS, str(folder), end.isoformat(), end.isoformat()))
    bare = min(bares, key=lambda r: r["seconds"])
    one = min(ones, key=lambda r: r["seconds"])
    print("bare runs: " + ", ".join(f"{r['seconds']:.1f} s" for r in bares))
    print("one-date runs: " + ", ".join(f"{r['seconds']:.1f} s" for r in ones))
    start = end - dt.timedelta(days=days - 1)
    many = run(OURS, str(folder), start.isoformat(), end.isoformat())
    bare_many = run(BARE, db, start.isoformat(), end.isoformat()) if days > 1 else bare
    assert one["accounts"] == bare["accounts"], (one, bare)
    print(f"accounts scored                 : {one['accounts']:,.0f}")
    print(
        f"bare DuckDB SQL, metrics only   : {bare['seconds']:6.1f} s  peak {bare['rss_mb']:,.0f} MB"
    )
    print(
        f"stethoscope run (one date)      : {one['seconds']:6.1f} s  "
        f"peak {one['rss_mb']:,.0f} MB  ratio to bare {one['seconds'] / bare['seconds']:.2f}x"
    )
    print(
        f"stethoscope run ({days}-day backfill): {many['seconds']:6.1f} s  "
        f"peak {many['rss_mb']:,.0f} MB  ratio to one run "
        f"{many['seconds'] / one['seconds']:.2f}x"
    )
    if days > 1:
        print(
            f"bare DuckDB SQL ({days} dates, one query each): {bare_many['seconds']:6.1f} s  "
            f"peak {bare_many['rss_mb']:,.0f} MB; the backfill is "
            f"{many['seconds'] / bare_many['seconds']:.2f}x that"
        )
        floor = run(WRITES, db, str(days), end.isoformat())
        print(
            f"writing {days} dates' stored rows alone: {floor['seconds']:6.1f} s "
            f"(detail, {floor['columns']:.0f} columns: {floor['detail_seconds']:.1f} s; "
            f"then score_history) = {floor['seconds'] / one['seconds']:.2f}x one run"
        )
        slim = floor["seconds"] - floor["detail_seconds"] + floor["inputs_seconds"]
        print(
            f"  with a detail of inputs only ({floor['inputs_columns']:.0f} columns: "
            f"{floor['inputs_seconds']:.1f} s): {slim:6.1f} s = "
            f"{slim / one['seconds']:.2f}x one run"
        )


if __name__ == "__main__":
    main()

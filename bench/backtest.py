"""Backtest a large demo book: 12 monthly observation dates, against the bare engine.

    python bench/backtest.py [--book bench/out/book-100000-0.07] [--repeat 3]

The book (built by bench/score_book.py) is copied to a temporary folder first: a backtest
writes to its store (the compiled query, the report). Then, alternately ``--repeat``
times, each in its own process:

1. bare: hand-written DuckDB SQL computing the `four-signals` metrics (bench/score_book.py's
   query) as of each of the 12 dates, one query per date; the sum of the query times;
2. engine: the engine's compiled frame (metrics, grades, scores, bands, contributions)
   into a temporary table for each date, as a backtest computes it, without labels or
   figures;
3. `stethoscope backtest --from --to --every 30d --horizon 30d --format json
   --no-observations`: the whole command, wall time, labels and every figure included.

Best of each. Also once: the same backtest at the parent level, and with every
observation written into the JSON. Prints times, ratios and peak memory (max RSS).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).parent
FROM, TO, EVERY, HORIZON = "2025-07-01", "2026-05-27", 30, 30

ENGINE = """
import datetime as dt, json, resource, sys, time
from stethoscope.project import Project
from stethoscope import runner
p = Project.open(sys.argv[1])
m = p.load_model()
con = p.store.con
start = dt.date.fromisoformat(sys.argv[2])
dates = [start + dt.timedelta(days=30 * i) for i in range(int(sys.argv[3]))]
runner.frame_sql(con, m)  # compiled once and kept, as for any run
t = time.perf_counter()
n = 0
for d in dates:
    runner.frame_into(con, m, d, "_bench")
    n += con.execute("SELECT count(*) FROM _bench").fetchone()[0]
print(json.dumps({"seconds": time.perf_counter() - t, "rows": n,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

CLI = """
import json, resource, sys, time
from stethoscope.cli import main
sys.argv = ["stethoscope", *sys.argv[1:]]
t = time.perf_counter()
code = 0
try:
    main()
except SystemExit as e:
    code = e.code or 0
print(json.dumps({"seconds": time.perf_counter() - t, "code": code,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}),
      file=sys.stderr)
"""


def _bare_script() -> str:
    spec = importlib.util.spec_from_file_location("score_book", HERE / "score_book.py")
    assert spec
    assert spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return str(mod.BARE)


def _py(code: str, *args: str) -> subprocess.CompletedProcess[str]:
    r = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, check=False
    )
    if r.returncode:
        raise SystemExit(r.stderr)
    return r


def bare(db: Path, dates: list[str], script: str) -> dict[str, float]:
    total, rss = 0.0, 0.0
    for d in dates:
        out = json.loads(_py(script, str(db), d).stdout.strip().splitlines()[-1])
        total += out["seconds"]
        rss = max(rss, out["rss_mb"])
    return {"seconds": total, "rss_mb": rss}


def engine(folder: Path, n: int) -> dict[str, float]:
    out: dict[str, float] = json.loads(_py(ENGINE, str(folder), FROM, str(n)).stdout)
    return out


def backtest(folder: Path, out: Path, *extra: str) -> dict[str, float]:
    args = [
        "--project", str(folder), "backtest", "--from", FROM, "--to", TO,
        "--every", f"{EVERY}d", "--horizon", f"{HORIZON}d", "--format", "json",
        "--out", str(out), *extra,
    ]  # fmt: skip
    r = _py(CLI, *args)
    res: dict[str, float] = json.loads(r.stderr.strip().splitlines()[-1])
    if res["code"]:
        raise SystemExit(r.stderr)
    return res


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--book", type=Path, default=HERE / "out" / "book-100000-0.07")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    import datetime as dt

    start = dt.date.fromisoformat(FROM)
    dates = [(start + dt.timedelta(days=EVERY * i)).isoformat() for i in range(12)]
    assert dates[-1] == TO
    script = _bare_script()
    with tempfile.TemporaryDirectory(prefix="stethoscope-bench-backtest-") as tmp:
        folder = Path(tmp) / "book"
        t = time.perf_counter()
        shutil.copytree(args.book, folder)
        print(f"copied {args.book} in {time.perf_counter() - t:.1f} s", flush=True)
        report = folder / "report.json"
        backtest(folder, report)  # warm: compiles and keeps the frame's SQL once
        best: dict[str, dict[str, float]] = {}
        for i in range(args.repeat):
            for name, step in (
                ("bare", lambda: bare(folder / "stethoscope.duckdb", dates, script)),
                ("engine", lambda: engine(folder, len(dates))),
                ("backtest", lambda: backtest(folder, report, "--no-observations")),
            ):
                r = step()
                print(f"  try {i + 1} {name}: {r['seconds']:.1f} s", flush=True)
                if name not in best or r["seconds"] < best[name]["seconds"]:
                    best[name] = r
        figures = json.loads(report.read_text())
        parent = backtest(
            folder, Path(tmp) / "parent.json", "--no-observations", "--level", "parent"
        )
        rows = backtest(folder, Path(tmp) / "rows.json")
        size = (Path(tmp) / "rows.json").stat().st_size / 1e6
    b, e, bt = best["bare"]["seconds"], best["engine"]["seconds"], best["backtest"]["seconds"]
    print(
        json.dumps(
            {
                "dates": len(dates),
                "observations": figures["observations"],
                "accounts": figures["accounts"],
                "churned": figures["churned"],
                "auc": round(figures["auc"], 4),
                "bare_seconds": round(b, 2),
                "engine_seconds": round(e, 2),
                "backtest_seconds": round(bt, 2),
                "backtest_over_bare": round(bt / b, 2),
                "backtest_over_engine": round(bt / e, 2),
                "backtest_rss_mb": round(best["backtest"]["rss_mb"]),
                "engine_rss_mb": round(best["engine"]["rss_mb"]),
                "parent_level_seconds": round(parent["seconds"], 2),
                "with_rows_seconds": round(rows["seconds"], 2),
                "with_rows_json_mb": round(size, 1),
                "target_seconds": 120,
                "met": bt < 120,
            },
            indent=1,
        )
    )


if __name__ == "__main__":
    main()

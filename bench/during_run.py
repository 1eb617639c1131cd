"""The service while a backfill runs: ingest rate and read latency, against the same with
no run (issue 17: "reads never wait for a run"; acknowledged data keeps flowing).

    python bench/during_run.py [--accounts 100000] [--days 30] [--events 50000]
                               [--requests 400] [--concurrency 8]

1. takes the scored copy of bench/web.py (built there if missing: the demo book scored
   daily over its last --days days, with a user per role);
2. starts `stethoscope serve` on it (a real process, no schedule);
3. measures, with no run going on: ingest (--events track calls in /v1/batch requests of
   500 from 4 senders, each answered once committed), GET /api/accounts/{id} and the
   account page (--requests each, --concurrency in flight), p50 and p99;
4. starts a backfill of the last --days dates through POST /api/runs (an editor key) and,
   once the run is under way, measures the same while it runs, then waits for it;
5. prints both, and each figure during the run as a ratio of the one without.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import statistics
import sys
import threading
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.service import ingest
from bench.web import END, prepare, sign_in
from tests.serving import Serving


def timed(url: str, paths: list[str], headers: dict[str, str], concurrency: int) -> list[float]:
    """Seconds each GET of ``paths`` took, ``concurrency`` in flight."""

    async def main() -> list[float]:
        sem = asyncio.Semaphore(concurrency)
        times: list[float] = []
        async with httpx.AsyncClient(base_url=url, headers=headers, timeout=300) as c:

            async def one(path: str) -> None:
                async with sem:
                    t = time.perf_counter()
                    r = await c.get(path)
                    times.append(time.perf_counter() - t)
                    assert r.status_code == 200, (path, r.status_code, r.text[:300])

            await asyncio.gather(*(one(p) for p in paths))
        return sorted(times)

    return asyncio.run(main())


def figures(
    url: str, keys: dict[str, str], cookie: str, ids: list[str], args: argparse.Namespace
) -> dict[str, float]:
    out: dict[str, float] = {}
    seconds = ingest(url, keys["ingest"], ids, args.events, 500, 4)
    out["ingest, events/s"] = args.events // 4 * 4 / seconds
    picks = [ids[i % len(ids)] for i in range(0, args.requests * 7919, 7919)]
    api = timed(
        url,
        [f"/api/accounts/{a}" for a in picks],
        {"Authorization": f"Bearer {keys['viewer']}"},
        args.concurrency,
    )
    page = timed(url, [f"/accounts/{a}" for a in picks], {"Cookie": cookie}, args.concurrency)
    for name, times in (("GET /api/accounts/{id}", api), ("account page", page)):
        q = statistics.quantiles(times, n=100, method="inclusive")
        out[f"{name} p50, ms"] = q[49] * 1000
        out[f"{name} p99, ms"] = q[98] * 1000
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--accounts", type=int, default=100_000)
    ap.add_argument("--activity", type=float, default=0.07)
    ap.add_argument("--days", type=int, default=30)
    ap.add_argument("--events", type=int, default=50_000)
    ap.add_argument("--requests", type=int, default=400)
    ap.add_argument("--concurrency", type=int, default=8)
    args = ap.parse_args()
    folder = prepare(args.accounts, args.activity, args.days)
    owner = (folder / "scored").read_text()

    from stethoscope.project import Project

    with Project.open(folder) as p:
        keys = {
            role: p.create_key(f"bench-{role}-{os.getpid()}", role).secret
            for role in ("viewer", "ingest", "editor")
        }
        # the accounts scored on the last date (an account page is about a scored account)
        ids = [
            r[0]
            for r in p.store.con.execute(
                "SELECT DISTINCT account_id FROM score_history WHERE as_of = ? ORDER BY 1", [END]
            ).fetchall()
        ]
    with Serving(folder) as s, httpx.Client(base_url=s.lease.url, timeout=600) as client:
        url = s.lease.url
        sign_in(client, owner)
        cookie = client.headers["Cookie"]
        quiet = figures(url, keys, cookie, ids, args)

        done: list[httpx.Response] = []
        body = {"from": str(END - dt.timedelta(days=args.days - 1)), "to": str(END)}
        editor = {"Authorization": f"Bearer {keys['editor']}"}

        def backfill() -> None:
            done.append(client.post("/api/runs", json=body, headers=editor))

        t = time.perf_counter()
        runner = threading.Thread(target=backfill)
        runner.start()
        while not client.get("/api/runs?status=running", headers=editor).json()["runs"]:
            assert runner.is_alive(), done[0].text if done else "the run did not start"
            time.sleep(0.1)
        busy = figures(url, keys, cookie, ids, args)
        still = runner.is_alive()
        runner.join()
        assert done[0].status_code == 201, done[0].text
        took = time.perf_counter() - t
    print(
        f"{args.accounts:,} accounts; a backfill of {args.days} dates took {took:.0f} s"
        + ("" if still else " and ended before the measures did: read the ratios with care")
    )
    print(f"{'':32} {'no run':>10} {'during run':>12} {'ratio':>7}")
    for name, before in quiet.items():
        print(f"{name:32} {before:10,.0f} {busy[name]:12,.0f} {busy[name] / before:6.2f}x")


if __name__ == "__main__":
    main()

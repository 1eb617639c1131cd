"""The service under load: ingest throughput and API latency on a scored demo book.

    python bench/service.py [--accounts 100000] [--events 200000] [--batch 500]
                            [--senders 4] [--requests 4000] [--concurrency 200]

1. copies the demo book of bench/score_book.py (built there if missing) and scores it;
2. starts `stethoscope serve` on the copy (a real process; no schedule);
3. API latency: --requests GET /api/accounts/{id} (an account with its current scores),
   --concurrency at a time, ids drawn from the book; prints p50 / p99 / max;
4. ingest: --events track calls in /v1/batch requests of --batch calls from --senders
   threads, each request answered only once committed; prints events per second, then
   checks every event is stored once.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import datetime as dt
import random
import shutil
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.score_book import OUT
from tests.serving import Serving


def latency(url: str, token: str, ids: list[str], requests: int, concurrency: int) -> list[float]:
    async def main() -> list[float]:
        times: list[float] = []
        sem = asyncio.Semaphore(concurrency)
        limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
        async with httpx.AsyncClient(
            base_url=url, headers={"Authorization": f"Bearer {token}"}, limits=limits, timeout=60
        ) as client:

            async def one(account: str) -> None:
                async with sem:
                    t = time.perf_counter()
                    r = await client.get(f"/api/accounts/{account}")
                    times.append(time.perf_counter() - t)
                    assert r.status_code == 200, r.text

            await asyncio.gather(*(one(random.choice(ids)) for _ in range(requests)))
        return times

    return asyncio.run(main())


def ingest(url: str, key: str, ids: list[str], events: int, batch: int, senders: int) -> float:
    auth = "Basic " + base64.b64encode(f"{key}:".encode()).decode()
    per = events // senders

    def send(worker: int) -> None:
        with httpx.Client(base_url=url, headers={"Authorization": auth}, timeout=120) as c:
            for start in range(0, per, batch):
                calls = [
                    {
                        "type": "track",
                        "userId": f"bench-{worker}",
                        "event": "report_created",
                        "groupId": random.choice(ids),
                        "timestamp": "2026-06-30T12:00:00Z",
                        "messageId": str(uuid.uuid4()),
                        "properties": {"n": start + i},
                    }
                    for i in range(min(batch, per - start))
                ]
                r = c.post("/v1/batch", json={"batch": calls})
                assert r.status_code == 200, r.text

    failures: list[BaseException] = []

    def sender(worker: int) -> None:
        try:
            send(worker)
        except BaseException as e:  # a sender's failure fails the benchmark
            failures.append(e)

    t = time.perf_counter()
    threads = [threading.Thread(target=sender, args=(w,)) for w in range(senders)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    if failures:
        raise failures[0]
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--accounts", type=int, default=100_000)
    ap.add_argument("--activity", type=float, default=0.07)
    ap.add_argument("--events", type=int, default=200_000)
    ap.add_argument("--batch", type=int, default=500)
    ap.add_argument("--senders", type=int, default=4)
    ap.add_argument("--requests", type=int, default=4000)
    ap.add_argument("--concurrency", type=int, default=200)
    args = ap.parse_args()
    book = OUT / f"book-{args.accounts}-{args.activity}"
    if not (book / "ready").exists():
        subprocess.run(
            [
                sys.executable,
                str(Path(__file__).parent / "score_book.py"),
                "--build-only",
                "--accounts",
                str(args.accounts),
                "--activity",
                str(args.activity),
            ],
            check=True,
        )
    folder = OUT / f"service-{args.accounts}"
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(book, folder)
    (folder / "stethoscope.toml").write_text('database_url = "stethoscope.duckdb"\nschedule = ""\n')

    from stethoscope.project import Project

    t = time.perf_counter()
    with Project.open(folder) as p:
        p.run(as_of=dt.date(2026, 6, 30))
        print(f"scored the copy in {time.perf_counter() - t:.1f} s")
        ids = [r[0] for r in p.store.con.execute("SELECT id FROM accounts").fetchall()]
        viewer = p.create_key("bench-viewer", "viewer").secret
        writer = p.create_key("bench-ingest", "ingest").secret
        before = p.store.con.execute("SELECT count(*) FROM events").fetchone()[0]

    with Serving(folder) as s:
        url = s.lease.url
        latency(url, viewer, ids, 200, args.concurrency)  # warm up
        times = sorted(latency(url, viewer, ids, args.requests, args.concurrency))
        q = statistics.quantiles(times, n=100)
        print(
            f"GET /api/accounts/{{id}}, {args.requests:,} requests, {args.concurrency} at a time: "
            f"p50 {q[49] * 1000:.0f} ms, p99 {q[98] * 1000:.0f} ms, max {times[-1] * 1000:.0f} ms"
        )
        seconds = ingest(url, writer, ids, args.events, args.batch, args.senders)
        sent = args.events // args.senders * args.senders
        print(
            f"ingest: {sent:,} events in /v1/batch requests of {args.batch} from {args.senders} "
            f"senders in {seconds:.1f} s: {sent / seconds:,.0f} events/s (each request committed)"
        )
    with Project.open(folder) as p:
        after = p.store.con.execute(
            "SELECT count(*), count(DISTINCT message_id) FROM events WHERE user_id LIKE 'bench-%'"
        ).fetchone()
        total = p.store.con.execute("SELECT count(*) FROM events").fetchone()[0]
    assert after == (sent, sent), after
    assert total == before + sent, (total, before)
    print(f"stored: {after[0]:,} events, each once")
    shutil.rmtree(folder)


if __name__ == "__main__":
    main()

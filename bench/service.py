"""The service under load: ingest throughput and API latency on a scored demo book.

    python bench/service.py [--accounts 100000] [--days 30] [--events 200000] [--batch 500]
                            [--senders 4] [--requests 4000] [--concurrency 200]
                            [--seconds 20] [--ingest-only]

1. copies the demo book of bench/score_book.py (built there if missing) and scores its
   last --days dates (one backfill: the score history a month of nightly runs leaves);
2. starts `stethoscope serve` on the copy (a real process; no schedule) and waits until its
   read model holds every account (GET /api/status);
3. API latency: GET /api/accounts/{id} (an account with its current scores, with a viewer
   key), --concurrency requests in flight at all times, each for an account drawn at
   random from the book; prints p50 / p99 / max and the requests per second, and the CPU
   seconds the server and the load generator used. Two load generators: wrk (C, Debian's
   `wrk` package) for --seconds, when installed, and Python's httpx (--requests requests),
   which itself takes much of the CPU of a small machine;
4. ingest: --events track calls in /v1/batch requests of --batch calls from --senders
   Python threads, each request answered only once committed; then, when wrk is installed,
   the same requests from wrk's --senders connections for --seconds (the calls made in
   Lua, each with a messageId of its own), which leaves the server the CPU that Python's
   senders take; prints events per second of each, then checks every event answered is
   stored once. --ingest-only skips 1's scoring and 3.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import datetime as dt
import json
import os
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.score_book import OUT
from tests.serving import Serving

T = TypeVar("T")


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


def cpu_seconds(pid: int) -> float:
    """CPU seconds (user and system) a process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


WRK_SCRIPT = """
local ids = {}
for line in io.lines(os.getenv("BENCH_IDS")) do ids[#ids + 1] = line end
wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN")
math.randomseed(os.time())
request = function()
  return wrk.format("GET", "/api/accounts/" .. ids[math.random(#ids)])
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT %d %d %d %d %d\\n", summary.requests,
    summary.errors.status + summary.errors.connect + summary.errors.read
    + summary.errors.write + summary.errors.timeout,
    latency:percentile(50), latency:percentile(99), latency.max))
end
"""


def wrk_latency(
    url: str, token: str, ids: list[str], seconds: int, concurrency: int
) -> tuple[int, float, float, float]:
    """(requests, p50, p99, max in seconds) of wrk holding ``concurrency`` GETs in flight."""
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "ids").write_text("\n".join(ids) + "\n")
        (Path(tmp) / "get.lua").write_text(WRK_SCRIPT)
        script = str(Path(tmp) / "get.lua")
        out = subprocess.run(
            [
                "wrk",
                "-t1",
                f"-c{concurrency}",
                f"-d{seconds}s",
                "--timeout",
                "60s",
                "-s",
                script,
                url,
            ],
            env={**os.environ, "BENCH_IDS": str(Path(tmp) / "ids"), "BENCH_TOKEN": token},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    m = re.search(r"RESULT (\d+) (\d+) (\d+) (\d+) (\d+)", out)
    assert m, out
    requests, failed, p50, p99, top = (int(g) for g in m.groups())
    # every request answered 200 (wrk counts other statuses and socket errors)
    assert failed == 0, out
    assert requests > 0, out
    return requests, p50 / 1e6, p99 / 1e6, top / 1e6


def ready(url: str, token: str) -> str:
    """Wait until the server's read model holds an exact copy (at most two minutes); what
    GET /api/status says of it."""
    deadline = time.monotonic() + 120
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}) as c:
        while True:
            model = c.get("/api/status", timeout=60).raise_for_status().json()["read_model"]
            if model["exact"] or not model["enabled"] or time.monotonic() > deadline:
                return (
                    f"{model['accounts']:,} accounts in memory, made in {model['seconds']} s"
                    if model["exact"]
                    else f"no exact copy ({model})"
                )
            time.sleep(0.2)


def drain(url: str, token: str, account: str) -> None:
    """Wait until the server has answered what a load generator left in flight: until one
    request is answered within half a second (at most two minutes)."""
    deadline = time.monotonic() + 120
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}) as c:
        while time.monotonic() < deadline:
            t = time.perf_counter()
            c.get(f"/api/accounts/{account}", timeout=120).raise_for_status()
            if time.perf_counter() - t < 0.5:
                return


def ingest(url: str, key: str, ids: list[str], events: int, batch: int, senders: int) -> float:
    """Seconds the senders took; the request bodies (each call with a messageId of its
    own) are encoded before the clock starts, so that the senders take little of the CPU
    the server needs."""
    auth = "Basic " + base64.b64encode(f"{key}:".encode()).decode()
    per = events // senders
    bodies = [
        [
            json.dumps(
                {
                    "batch": [
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
                }
            ).encode()
            for start in range(0, per, batch)
        ]
        for worker in range(senders)
    ]
    headers = {"Authorization": auth, "Content-Type": "application/json"}

    def send(worker: int) -> None:
        with httpx.Client(base_url=url, headers=headers, timeout=120) as c:
            for body in bodies[worker]:
                r = c.post("/v1/batch", content=body)
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
    ap.add_argument("--days", type=int, default=30)
    ap.add_argument("--events", type=int, default=200_000)
    ap.add_argument("--batch", type=int, default=500)
    ap.add_argument("--senders", type=int, default=4)
    ap.add_argument("--requests", type=int, default=4000)
    ap.add_argument("--concurrency", type=int, default=200)
    ap.add_argument("--seconds", type=int, default=20)
    ap.add_argument(
        "--ingest-only",
        action="store_true",
        help="measure the ingest alone: no scoring of the copy, no API latency",
    )
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
    # a folder of this run's own: another run of the script may be going on
    folder = OUT / f"service-{args.accounts}-{os.getpid()}"
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(book, folder)
    (folder / "stethoscope.toml").write_text('database_url = "stethoscope.duckdb"\nschedule = ""\n')

    from stethoscope.project import Project

    t = time.perf_counter()
    with Project.open(folder) as p:
        last = dt.date(2026, 6, 30)
        if not args.ingest_only:
            p.run(start=last - dt.timedelta(days=args.days - 1), end=last)
            history = p.store.con.execute("SELECT count(*) FROM score_history").fetchone()[0]
            print(
                f"scored {args.days} dates of the copy in {time.perf_counter() - t:.1f} s "
                f"({history:,} score-history rows)"
            )
        ids = [r[0] for r in p.store.con.execute("SELECT id FROM accounts").fetchall()]
        viewer = p.create_key("bench-viewer", "viewer").secret
        writer = p.create_key("bench-ingest", "ingest").secret
        before = p.store.con.execute("SELECT count(*) FROM events").fetchone()[0]

    if args.ingest_only:
        with Serving(folder) as s:
            sent = ingest_report(s.lease.url, s.process.pid, writer, ids, args)
        check_stored(folder, sent, before)
        return
    with Serving(folder) as s:
        url = s.lease.url
        server = s.process.pid
        print(f"read model: {ready(url, viewer)}")
        latency(url, viewer, ids, 200, args.concurrency)  # warm up
        what = f"GET /api/accounts/{{id}}, {args.concurrency} in flight"
        if shutil.which("wrk"):
            got, wall, busy, client = with_wrk(
                server, lambda: wrk_latency(url, viewer, ids, args.seconds, args.concurrency)
            )
            n, p50, p99, top = got
            print(
                f"{what} (wrk, {args.seconds} s): {n:,} requests, {n / wall:,.0f}/s, "
                f"p50 {p50 * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms, max {top * 1000:.0f} ms; "
                f"CPU: server {busy:.1f} s, wrk {client:.1f} s"
            )
            drain(url, viewer, ids[0])
        else:
            print("wrk is not installed (apt-get install wrk): measuring with httpx only")
        busy, mine = cpu_seconds(server), time.process_time()
        t = time.perf_counter()
        times = sorted(latency(url, viewer, ids, args.requests, args.concurrency))
        wall = time.perf_counter() - t
        q = statistics.quantiles(times, n=100)
        print(
            f"{what} (httpx, {args.requests:,} requests): {args.requests / wall:,.0f}/s, "
            f"p50 {q[49] * 1000:.0f} ms, p99 {q[98] * 1000:.0f} ms, max {times[-1] * 1000:.0f} ms; "
            f"CPU: server {cpu_seconds(server) - busy:.1f} s, "
            f"httpx {time.process_time() - mine:.1f} s"
        )
        sent = ingest_report(url, server, writer, ids, args)
    check_stored(folder, sent, before)


def ingest_report(
    url: str, server: int, writer: str, ids: list[str], args: argparse.Namespace
) -> tuple[int, int]:
    """Run the ingest, print its figures and the CPU seconds the server and the senders
    took: with Python's senders, then with wrk's (when installed). The least and most
    number of events sent that the server may have stored (wrk stops with requests in
    flight, which the server may have committed)."""
    busy, mine = cpu_seconds(server), time.process_time()
    seconds = ingest(url, writer, ids, args.events, args.batch, args.senders)
    sent = int(args.events // args.senders * args.senders)
    print(
        f"ingest (httpx): {sent:,} events in /v1/batch requests of {args.batch} from "
        f"{args.senders} senders in {seconds:.1f} s: {sent / seconds:,.0f} events/s (each "
        f"request committed); CPU: server {cpu_seconds(server) - busy:.1f} s, senders (and "
        f"encoding their bodies) {time.process_time() - mine:.1f} s"
    )
    if not shutil.which("wrk"):
        return sent, sent
    answered, wall, busy, client = with_wrk(
        server, lambda: wrk_ingest(url, writer, ids, args.seconds, args.batch, args.senders)
    )
    print(
        f"ingest (wrk, {args.seconds} s): {answered * args.batch:,} events in {answered:,} "
        f"/v1/batch requests of {args.batch} from {args.senders} connections: "
        f"{answered * args.batch / wall:,.0f} events/s (each request committed); CPU: server "
        f"{busy:.1f} s, wrk {client:.1f} s"
    )
    return sent + answered * args.batch, sent + (answered + args.senders) * args.batch


def with_wrk(server: int, run: Callable[[], T]) -> tuple[T, float, float, float]:
    """What ``run`` (which runs wrk) gives, with the wall seconds it took and the CPU
    seconds the server and wrk used meanwhile."""
    busy, child = cpu_seconds(server), resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    got = run()
    wall = time.perf_counter() - t
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    client = used.ru_utime + used.ru_stime - child.ru_utime - child.ru_stime
    return got, wall, cpu_seconds(server) - busy, client


WRK_INGEST = """
local ids = {}
for line in io.lines(os.getenv("BENCH_IDS")) do ids[#ids + 1] = line end
local batch = tonumber(os.getenv("BENCH_BATCH"))
local run = os.getenv("BENCH_RUN")
local n = 0
local failed = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Basic " .. os.getenv("BENCH_AUTH")
math.randomseed(os.time())
request = function()
  local calls = {}
  for i = 1, batch do
    n = n + 1
    calls[i] = string.format('{"type":"track","userId":"bench-wrk","event":"report_created",'
      .. '"groupId":"%s","timestamp":"2026-06-30T12:00:00Z","messageId":"%s-%d",'
      .. '"properties":{"n":%d}}', ids[math.random(#ids)], run, n, n)
  end
  return wrk.format(nil, "/v1/batch", nil, '{"batch":[' .. table.concat(calls, ",") .. ']}')
end
response = function(status, headers, body)
  if status ~= 200 then failed = failed + 1 end
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT %d %d\\n", summary.requests,
    failed + summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.status + summary.errors.timeout))
end
"""


def wrk_ingest(url: str, key: str, ids: list[str], seconds: int, batch: int, senders: int) -> int:
    """Requests of ``batch`` track calls sent by wrk (one thread, ``senders`` connections,
    each call with a messageId of its own) for ``seconds``; the number answered 200."""
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "ids").write_text("\n".join(ids) + "\n")
        (Path(tmp) / "ingest.lua").write_text(WRK_INGEST)
        env = {
            **os.environ,
            "BENCH_IDS": str(Path(tmp) / "ids"),
            "BENCH_BATCH": str(batch),
            "BENCH_RUN": uuid.uuid4().hex,
            "BENCH_AUTH": base64.b64encode(f"{key}:".encode()).decode(),
        }
        out = subprocess.run(
            ["wrk", "-t1", f"-c{senders}", f"-d{seconds}s", "--timeout", "60s", "-s",
             str(Path(tmp) / "ingest.lua"), url],
            env=env, capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
    m = re.search(r"RESULT (\d+) (\d+)", out)
    assert m, out
    answered, failed = int(m.group(1)), int(m.group(2))
    assert failed == 0, out
    return answered


def check_stored(folder: Path, sent: tuple[int, int], before: int) -> None:
    """Every event answered is stored once (and at most those in flight when wrk stopped
    besides); then the copy goes."""
    from stethoscope.project import Project

    least, most = sent
    with Project.open(folder) as p:
        stored, distinct = p.store.con.execute(
            "SELECT count(*), count(DISTINCT message_id) FROM events WHERE user_id LIKE 'bench-%'"
        ).fetchone()
        total = p.store.con.execute("SELECT count(*) FROM events").fetchone()[0]
    assert stored == distinct, (stored, distinct)
    assert least <= stored <= most, (least, stored, most)
    assert total == before + stored, (total, before)
    print(f"stored: {stored:,} events, each once ({least:,} answered)")
    shutil.rmtree(folder)


if __name__ == "__main__":
    main()

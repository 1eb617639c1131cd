"""Read 100,000 Salesforce accounts and 1,000,000 Zendesk tickets from the stand-ins,
through the connectors (dlt's rest_api: pages, cursor filter, flattening to Arrow) and as
the raw HTTP pages alone (httpx, the same requests, JSON parsed, nothing else).

    python bench/sync_saas.py [--accounts 100000] [--tickets 1000000]

Each stand-in runs in its own process (the one in tests/sources/standins), so the reader
has its core; the ratio connector / raw is what dlt and the rows cost over the wire's own.
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _serve(kind: str, n: int, queue: Any) -> None:
    from tests.sources.standins.base import serve

    if kind == "salesforce":
        from tests.sources.standins.salesforce import SalesforceState, make_app

        state: Any = SalesforceState()
        for i in range(n):
            state.put(
                "Account",
                f"001{i:07d}",
                Name=f"Account {i}",
                Industry="Retail",
                **{"Owner.Email": f"csm{i % 50}@example.com"},
            )
        app = make_app(state)
    else:
        from tests.sources.standins.zendesk import ZendeskState
        from tests.sources.standins.zendesk import make_app as zd_app

        state = ZendeskState(bulk=n)
        app = zd_app(state)
    with serve(app) as url:
        queue.put(url)
        while True:
            time.sleep(3600)


def start(kind: str, n: int) -> tuple[str, multiprocessing.Process]:
    queue: Any = multiprocessing.Queue()
    proc = multiprocessing.Process(target=_serve, args=(kind, n, queue), daemon=True)
    proc.start()
    return queue.get(timeout=600), proc


def raw_salesforce(url: str) -> int:
    import httpx

    headers = {"Authorization": "Bearer 00D-static-token", "Sforce-Query-Options": "batchSize=2000"}
    q = (
        "SELECT Id, Name, Owner.Email, Industry, Type, ParentId, NumberOfEmployees, "
        "CreatedDate, SystemModstamp FROM Account WHERE SystemModstamp >= "
        "1970-01-01T00:00:00Z ORDER BY SystemModstamp ASC, Id ASC"
    )
    n = 0
    with httpx.Client(base_url=url, headers=headers, timeout=120) as client:
        body = client.get("/services/data/v60.0/query", params={"q": q}).json()
        while True:
            n += len(body["records"])
            if body["done"]:
                return n
            body = client.get(body["nextRecordsUrl"]).json()


def raw_zendesk(url: str) -> int:
    import httpx

    n = 0
    with httpx.Client(
        base_url=url, auth=("agent@example.com/token", "zd-token"), timeout=120
    ) as client:
        params: dict[str, Any] = {"start_time": 0, "per_page": 1000}
        while True:
            body = client.get("/api/v2/incremental/tickets/cursor.json", params=params).json()
            n += len(body["tickets"])
            if body["end_of_stream"]:
                return n
            params = {"cursor": body["after_cursor"], "per_page": 1000}


def connector(conn: Any, stream: str) -> int:
    return sum(page.rows.num_rows for page in conn.read(stream, None))


def timed(fn: Any, *args: Any) -> tuple[float, int]:
    t = time.perf_counter()
    n = fn(*args)
    return time.perf_counter() - t, n


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--accounts", type=int, default=100_000)
    ap.add_argument("--tickets", type=int, default=1_000_000)
    args = ap.parse_args()
    from stethoscope.sources.saas import CONNECTORS

    t = time.perf_counter()
    import dlt.sources.rest_api  # noqa: F401  (imported once, outside the timings)

    print(f"importing dlt.sources.rest_api: {time.perf_counter() - t:.2f} s", flush=True)

    sf_url, sf = start("salesforce", args.accounts)
    zd_url, zd = start("zendesk", args.tickets)
    try:
        runs = {
            "salesforce accounts": (
                lambda: timed(raw_salesforce, sf_url),
                lambda: timed(
                    connector,
                    CONNECTORS["salesforce"](sf_url, {"access_token": "00D-static-token"}, {}),
                    "accounts",
                ),
            ),
            "zendesk tickets": (
                lambda: timed(raw_zendesk, zd_url),
                lambda: timed(
                    connector,
                    CONNECTORS["zendesk"](
                        zd_url, {"email": "agent@example.com", "api_token": "zd-token"}, {}
                    ),
                    "tickets",
                ),
            ),
        }
        for what, (raw, ours) in runs.items():
            raw_s, raw_n = raw()
            our_s, our_n = ours()
            assert raw_n == our_n, (what, raw_n, our_n)
            print(
                f"{what}: {our_n:,} rows; connector {our_s:.1f} s ({our_n / our_s:,.0f} rows/s),"
                f" raw httpx pages {raw_s:.1f} s ({raw_n / raw_s:,.0f} rows/s),"
                f" connector / raw {our_s / raw_s:.2f}x",
                flush=True,
            )
    finally:
        sf.terminate()
        zd.terminate()


if __name__ == "__main__":
    main()

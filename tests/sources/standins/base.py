"""What every stand-in API server shares: a server in a thread, a clock, and faults.

A stand-in speaks one SaaS API as its public reference documents it (auth, paging,
incremental filters, the shape of its errors) over a small in-memory data set. ``Faults``
makes it answer as the real service does when it is busy or broken: a 429 with
Retry-After, or a 500 from the Nth page on (once, a few times, or for good).
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.responses import JSONResponse, Response


@dataclass
class Faults:
    # answer the next `rate_limit` requests with 429 and Retry-After: `retry_after` seconds
    rate_limit: int = 0
    retry_after: int = 1
    # answer data requests with 500 from the `fail_at`-th on (0-based), `fail_times` times
    # (None: for good)
    fail_at: int | None = None
    fail_times: int | None = None
    served: int = 0
    # (time, status) of every answer, to see that a 429 was waited out
    log: list[tuple[float, int]] = field(default_factory=list)

    def reset(self) -> None:
        self.rate_limit = 0
        self.fail_at = None
        self.fail_times = None
        self.served = 0
        self.log.clear()

    def gate(self, data: bool, body_429: Any, body_500: Any) -> Response | None:
        """The fault to answer with instead of the real answer, if any."""
        now = time.monotonic()
        if self.rate_limit > 0:
            self.rate_limit -= 1
            self.log.append((now, 429))
            return JSONResponse(body_429, 429, headers={"Retry-After": str(self.retry_after)})
        failing = self.fail_at is not None and self.served >= self.fail_at
        if data and failing and (self.fail_times is None or self.fail_times > 0):
            if self.fail_times is not None:
                self.fail_times -= 1
            self.log.append((now, 500))
            return JSONResponse(body_500, 500)
        if data:
            self.served += 1
        self.log.append((now, 200))
        return None

    def waited_after_429(self) -> float:
        """Seconds between the first 429 and the next answer."""
        at = next(i for i, (_, s) in enumerate(self.log) if s == 429)
        return self.log[at + 1][0] - self.log[at][0]


class Clock:
    """Modification times that move one second per change, from 2024-01-01."""

    def __init__(self) -> None:
        self.now = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)

    def tick(self) -> dt.datetime:
        self.now += dt.timedelta(seconds=1)
        return self.now


@contextmanager
def serve(app: Starlette) -> Iterator[str]:
    """Run ``app`` on a free local port in a thread; yields its base URL."""
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the stand-in server did not start")
        time.sleep(0.005)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(5)


def bearer(request: Any) -> str | None:
    value = request.headers.get("authorization", "")
    return value[7:] if value.lower().startswith("bearer ") else None


Handler = Callable[..., Any]

"""What the service counts, for Prometheus at ``GET /metrics`` (docs/operations.md), and the
middleware that gives each request its id and counts it.

Each app has a registry of its own (``Metrics``), so that two apps in one process (the
tests) count apart. Requests are counted by their route's template (``/api/accounts/
{account_id}``, never the id: one series per route, not per account), method and status;
those the hot path answers (``service.hot_path``) are counted there, under the same labels.
Runs and the outbox are read from the store when Prometheus asks, so that a run made by
another process on a Postgres store counts too, and nothing is counted twice.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Annotated, cast

from fastapi import APIRouter, Depends, FastAPI, Request, Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily, HistogramMetricFamily, Metric
from prometheus_client.gc_collector import GCCollector
from prometheus_client.platform_collector import PlatformCollector
from prometheus_client.process_collector import ProcessCollector
from prometheus_client.registry import Collector
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from stethoscope import clock
from stethoscope.logs import REQUEST_ID, new_request_id
from stethoscope.service.auth import Principal, require

if TYPE_CHECKING:
    from stethoscope.project import Project

log = logging.getLogger(__name__)

# seconds: from a hot-path read (tens of µs) to an import or a run started over the API
LATENCY_BUCKETS = (
    0.0005,
    0.001,
    0.0025,
    0.005,
    0.01,
    0.025,
    0.05,
    0.1,
    0.25,
    0.5,
    1,
    2.5,
    5,
    10,
    30,
)
# seconds: a one-day run of a small book to a year's backfill of a large one
RUN_BUCKETS = (1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200)
# the route label of a request no route took (a 404): never its path, which anyone chooses
UNMATCHED = "unmatched"


class Metrics:
    """The registry of one app, and the series the service adds to."""

    def __init__(self, project: Project) -> None:
        self.registry = CollectorRegistry()
        for default in (ProcessCollector, PlatformCollector, GCCollector):
            default(registry=self.registry)
        self.requests = Counter(
            "stethoscope_http_requests",
            "HTTP requests answered, by route template, method and status.",
            ["route", "method", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "stethoscope_http_request_duration_seconds",
            "Time to answer an HTTP request, from its headers to the end of its answer.",
            ["route", "method"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.ingest_calls = Counter(
            "stethoscope_ingest_calls",
            "Calls sent to the ingest endpoints (/v1): accepted (committed) or refused "
            "(a call of a batch that failed its checks).",
            ["outcome"],
            registry=self.registry,
        )
        for outcome in ("accepted", "refused"):
            self.ingest_calls.labels(outcome)  # both series exist from the start, at 0
        self.store = StoreCollector(project)
        self.registry.register(self.store)

    def answered(self, route: str, method: str, status: int, seconds: float) -> None:
        self.requests.labels(route, method, str(status)).inc()
        self.latency.labels(route, method).observe(seconds)

    def exposition(self) -> bytes:
        return generate_latest(self.registry)


class StoreCollector(Collector):
    """Runs finished since the server started, as a histogram of their durations by
    trigger and status, and the outbox's waiting deliveries by status, read at each
    scrape. A run is counted once: its id is remembered (a few a day)."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self.since = clock.now()
        self._seen: set[str] = set()
        # (trigger, status) -> bucket counts (per RUN_BUCKETS and +Inf), and their sum
        self._runs: dict[tuple[str, str], tuple[list[int], float]] = {}
        self._lock = threading.Lock()  # two scrapes at once count a run once

    def describe(self) -> list[Metric]:
        # the names, without reading the store (the registry asks when it is registered)
        return [
            GaugeMetricFamily("stethoscope_store_up", ""),
            HistogramMetricFamily("stethoscope_run_duration_seconds", "", labels=[]),
            GaugeMetricFamily("stethoscope_outbox_deliveries", "", labels=[]),
        ]

    def collect(self) -> Iterator[Metric]:
        # a store out of reach leaves the other series to say what they can: an outage
        # is when the request counts matter most
        try:
            with self._lock:
                self._read_runs()
            waiting = self.project.outbox_depth()
        except Exception as e:
            log.warning("metrics: the store did not answer: %s: %s", type(e).__name__, e)
            waiting = None
        yield GaugeMetricFamily(
            "stethoscope_store_up",
            "1 when the store answered this scrape's reads (runs, outbox), else 0.",
            value=0 if waiting is None else 1,
        )
        runs = HistogramMetricFamily(
            "stethoscope_run_duration_seconds",
            "Scoring runs finished since the server started (by any process on the store), "
            "by trigger (cli, api, schedule) and status (ok, failed).",
            labels=["trigger", "status"],
        )
        for (trigger, status), (counts, total) in sorted(self._runs.items()):
            cumulative, buckets = 0, []
            for bound, n in zip([*map(str, RUN_BUCKETS), "+Inf"], counts, strict=True):
                cumulative += n
                buckets.append((bound, cumulative))
            runs.add_metric([trigger, status], buckets, total)
        yield runs
        if waiting is None:
            return
        outbox = GaugeMetricFamily(
            "stethoscope_outbox_deliveries",
            "Alert and sync deliveries waiting in the outbox: pending (not tried yet) or "
            "retrying (a send failed; tried again later).",
            labels=["status"],
        )
        for status, n in waiting.items():
            outbox.add_metric([status], n)
        yield outbox

    def _read_runs(self) -> None:
        # newest first: those finished since the last scrape are among the first (one run
        # at a time, each taking seconds, against a scrape every few seconds)
        for r in self.project.runs(limit=200):
            if r.finished_at is None or r.id in self._seen:
                continue
            finished = dt.datetime.fromisoformat(r.finished_at).replace(tzinfo=None)
            if finished < self.since:
                continue
            self._seen.add(r.id)
            seconds = max(
                0.0,
                (finished - dt.datetime.fromisoformat(r.started_at).replace(tzinfo=None))
                / dt.timedelta(seconds=1),
            )
            counts, total = self._runs.setdefault(
                (r.trigger, r.status), ([0] * (len(RUN_BUCKETS) + 1), 0.0)
            )
            slot = next((i for i, b in enumerate(RUN_BUCKETS) if seconds <= b), len(RUN_BUCKETS))
            counts[slot] += 1
            self._runs[(r.trigger, r.status)] = (counts, total + seconds)


class Observed:
    """ASGI middleware, outermost: gives the request its id (``logs.REQUEST_ID``, so every
    log line made while answering it carries it, and the ``X-Request-ID`` header of the
    answer), counts it and times it, and logs it at debug level."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        request_id = new_request_id()
        token = REQUEST_ID.set(request_id)
        status = 500  # an exception that no middleware answered: the server answers 500
        header = (b"x-request-id", request_id.encode())

        async def observed(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = message.setdefault("headers", [])
                if not any(name.lower() == b"x-request-id" for name, _ in headers):
                    headers.append(header)
            await send(message)

        try:
            await self.app(scope, receive, observed)
        finally:
            seconds = time.perf_counter() - started
            route = route_of(scope)
            method = scope.get("method", "")
            self.metrics.answered(route, method, status, seconds)
            if log.isEnabledFor(logging.DEBUG):
                log.debug(
                    "%s %s %d in %.1f ms",
                    method,
                    scope.get("path"),
                    status,
                    seconds * 1000,
                    extra={"method": method, "route": route, "status": status, "seconds": seconds},
                )
            REQUEST_ID.reset(token)


def route_of(scope: Scope) -> str:
    """The template of the route that took the request (Starlette puts it in the scope)."""
    route = scope.get("route")
    path = getattr(route, "path", None)
    return path if isinstance(path, str) and path else UNMATCHED


def ingested(request: Request, *, accepted: int, refused: int) -> None:
    """Count the calls of an ingest request (service.ingest)."""
    metrics: Metrics | None = getattr(request.app.state, "metrics", None)
    if metrics is None:
        return
    if accepted:
        metrics.ingest_calls.labels("accepted").inc(accepted)
    if refused:
        metrics.ingest_calls.labels("refused").inc(refused)


def install(app: FastAPI, project: Project) -> Metrics:
    """Count ``app``'s requests, and serve ``GET /metrics`` to the ``metrics`` role (and
    admins): the series say how busy the service is, not what the data holds, yet a
    scraper's key should be able to read nothing else."""
    metrics = Metrics(project)
    app.state.metrics = metrics
    app.add_middleware(Observed, metrics=metrics)
    app.include_router(router)
    return metrics


async def _metrics(request: Request) -> Metrics:
    return cast("Metrics", request.app.state.metrics)


router = APIRouter()


@router.get("/metrics", tags=["service"], include_in_schema=False)
def scrape(
    _: Annotated[Principal, Depends(require("metrics"))],
    metrics: Annotated[Metrics, Depends(_metrics)],
) -> Response:
    return Response(metrics.exposition(), media_type=CONTENT_TYPE_LATEST)

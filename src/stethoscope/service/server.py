"""Running the service: own the database, publish the lease, run the schedule (see
``service.schedule``), serve until stopped."""

from __future__ import annotations

import gc
import logging
import os
import secrets
import signal
import socket
import sys
from collections.abc import Callable
from pathlib import Path
from types import FrameType

import uvicorn
from fastapi import FastAPI

from stethoscope import logs
from stethoscope.alerts.outbox import Drainer
from stethoscope.logs import LogFormat, LogLevel
from stethoscope.project import Project
from stethoscope.service.app import create_app
from stethoscope.service.hot_path import HotPath, protocol
from stethoscope.service.schedule import Scheduler
from stethoscope.service.source_schedule import SourceScheduler
from stethoscope.store.lease import remove_lease, write_lease

log = logging.getLogger(__name__)


def run(
    project_dir: Path | None,
    *,
    host: str | None = None,
    port: int | None = None,
    on_wait: Callable[[str], None] | None = None,
    log_format: LogFormat | None = None,
    log_level: LogLevel | None = None,
) -> None:
    """Serve the project at ``project_dir`` until stopped; the log goes to stderr in
    ``log_format`` (default: the setting), from ``log_level`` up (likewise)."""
    project = Project.open(project_dir, on_wait=on_wait)
    s = project.settings
    logs.configure(log_format or s.log_format, log_level or s.log_level)
    host = host or project.settings.host
    port = project.settings.port if port is None else port
    # take the database before announcing anything: a CLI command holding it is waited for
    project.store  # noqa: B018
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    port = sock.getsockname()[1]
    # listen before announcing: a CLI reading the lease may connect at once
    sock.listen(2048)
    url = f"http://{host if ':' not in host else f'[{host}]'}:{port}"
    token = secrets.token_urlsafe(32)
    app = create_app(project, token)
    server = uvicorn.Server(config(app))
    log.info(
        "Stethoscope serving %s at %s (PID %d)",
        project.settings.project_dir,
        url,
        os.getpid(),
        extra={"url": url, "pid": os.getpid()},
    )
    scheduler = Scheduler.from_settings(project)
    source_syncs = SourceScheduler.from_settings(project)
    if scheduler is None:
        log.info("Scheduled runs are off (the schedule setting is empty)")
    else:
        log.info("Next scheduled run: %s", scheduler.describe_next())
    # until uvicorn takes over the signals, a SIGTERM must still run the clean-up below
    signal.signal(signal.SIGTERM, _exit)
    # a Postgres store is shared by any number of processes: no lease, no forwarding
    path = project.settings.database_path
    lease = write_lease(path, url, token) if path is not None else None
    # alert deliveries waiting for their time, or for a channel that was down
    outbox = Drainer(project.drain_outbox, project.settings.alert_drain_interval)
    try:
        if scheduler is not None:
            scheduler.start()
        if source_syncs is not None:
            source_syncs.start()
        outbox.start()
        app.state.read_model.start()  # each account's answer, read into memory at once
        # what is loaded by now (the application, its libraries) lives as long as the
        # server: the garbage collector need not walk it again and again
        gc.freeze()
        server.run(sockets=[sock])
    finally:
        # the lease goes first: a CLI then stops forwarding to a server on its way out, and
        # no failure while stopping the rest can leave it behind
        if path is not None and lease is not None:
            remove_lease(path, lease)
        app.state.read_model.stop()
        outbox.stop()
        if scheduler is not None:
            scheduler.stop()
        if source_syncs is not None:
            source_syncs.stop()
        project.close()


def config(app: FastAPI) -> uvicorn.Config:
    """How the server runs ``app``: behind the hot path, which answers GET
    /api/accounts/{id} from the read model before the application sees the request
    (service.hot_path)."""
    hot = HotPath(app.state.read_model, app.state.credentials, getattr(app.state, "metrics", None))
    # asyncio's event loop, not uvloop's: uvloop answers more requests a second, but with
    # 200 connections at once some of them wait over a second now and then (the 99th
    # percentile of bench/service.py: 1.6 s against 60-80 ms; docs/benchmarks/history.md).
    # log_config None: uvicorn's lines go to the one log that stethoscope.logs configures
    # (its own configuration would give them handlers and a format of their own)
    return uvicorn.Config(
        app,
        log_level="warning",
        log_config=None,
        access_log=False,
        loop="asyncio",
        http=protocol(hot),
    )


def _exit(signum: int, frame: FrameType | None) -> None:
    sys.exit(0)

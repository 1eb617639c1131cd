"""`stethoscope serve` as the tests run it: a real process in a project folder, serving
until the ``with`` block ends."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import uvicorn
from fastapi import FastAPI

from stethoscope.service.server import config
from stethoscope.store.lease import Lease, read_lease


class Serving:
    """``with Serving(folder) as s:`` starts the server and waits for its lease (its URL
    and token); leaving the block stops it with SIGTERM. ``returncode``, ``stdout`` and
    ``stderr`` are the stopped server's."""

    def __init__(self, folder: Path, db: str = "stethoscope.duckdb", start_timeout: float = 60):
        self.folder = folder
        self.db = folder / db
        self.start_timeout = start_timeout
        self.returncode: int | None = None
        self.stdout = self.stderr = ""

    def __enter__(self) -> Serving:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "stethoscope", "serve", "--port", "0"],
            cwd=self.folder,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + self.start_timeout
        while (lease := read_lease(self.db)) is None:
            assert self.process.poll() is None, self.process.communicate()
            assert time.monotonic() < deadline, "server did not start"
            time.sleep(0.05)
        self.lease: Lease = lease
        return self

    def __exit__(self, *exc: object) -> None:
        self.process.send_signal(signal.SIGTERM)
        self.stdout, self.stderr = self.process.communicate(timeout=60)
        self.returncode = self.process.returncode


class InThread:
    """``with InThread(app) as url:`` serves ``app`` as ``stethoscope serve`` does
    (``service.server.config``: behind the hot path, on asyncio's loop) from a thread of
    this process, at a free port of 127.0.0.1; the server stops when the block ends."""

    def __init__(self, app: FastAPI) -> None:
        self.server = uvicorn.Server(config(app))
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(128)
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True
        )

    def __enter__(self) -> str:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            assert self.thread.is_alive(), "server stopped while starting"
            assert time.monotonic() < deadline, "server did not start"
            time.sleep(0.01)
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}"

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)
        self.sock.close()

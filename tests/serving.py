"""`stethoscope serve` as the tests run it: a real process in a project folder, serving
until the ``with`` block ends."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

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

"""Opening the embedded store's DuckDB file, waiting while another process holds it.

DuckDB lets one process at a time open a file for writing. Stethoscope never lets that
surface as a raw lock error: a process that finds the file held waits for it (telling the
user who holds it) up to ``lock_timeout`` seconds. Nothing here migrates or knows the
schema: ``database.connect`` opens the file through this module, and ``embedded`` builds
the store on it.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from stethoscope.errors import StoreBusyError, StoreError

if TYPE_CHECKING:
    import duckdb

_LOCK = re.compile(r"Could not set lock on file .*?(?:\(PID (\d+)\))?", re.S)
_PID = re.compile(r"\(PID (\d+)\)")


def holder(pid: int | None) -> str:
    """Who holds the file, as a person would recognise it: the command line and PID."""
    if pid is None:
        return "another process"
    try:
        argv = [
            a.decode(errors="replace")
            for a in Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
            if a
        ]
    except OSError:
        return f"PID {pid}"
    words = [Path(argv[0]).name, *argv[1:]] if argv else []
    if len(words) > 1 and words[0].startswith("python"):
        if words[1] == "-m" and len(words) > 2:
            words = words[2:]  # python -m stethoscope import ... -> stethoscope ...
        elif words[1] == "-c":
            words = ["python", "-c", "..."]
        else:
            words = [Path(words[1]).name, *words[2:]]  # python .venv/bin/stethoscope ...
    text = " ".join(" ".join(words).split())
    return f"`{text[:80]}` (PID {pid})"


def connect(
    path: Path,
    *,
    timeout: float,
    on_wait: Callable[[str], None] | None = None,
    read_only: bool = False,
    memory_limit: str | None = None,
    threads: int = 0,
) -> duckdb.DuckDBPyConnection:
    """Open the DuckDB file, waiting while another process holds it."""
    import duckdb

    path.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + timeout
    told = False
    while True:
        try:
            con = duckdb.connect(str(path), read_only=read_only)
            con.execute("SET TimeZone = 'UTC'")
            # DuckDB would draw its own progress bar into our output on long queries
            con.execute("SET enable_progress_bar = false")
            if memory_limit:
                con.execute("SET memory_limit = ?", [memory_limit])
            if threads:
                con.execute(f"SET threads = {int(threads)}")
            return con
        except duckdb.IOException as e:
            if not _LOCK.search(str(e)):
                raise StoreError(f"cannot open the database {path}: {e}") from None
            m = _PID.search(str(e))
            busy = f"the database {path} is in use by {holder(int(m.group(1)) if m else None)}"
            if time.monotonic() >= deadline:
                raise StoreBusyError(
                    busy,
                    hint=f"waited {timeout:g} s; run the command again when it has finished, "
                    "or raise lock_timeout (STETHOSCOPE_LOCK_TIMEOUT)",
                ) from None
            if not told and on_wait:
                on_wait(f"waiting: {busy}")
                told = True
            time.sleep(0.1)
        except duckdb.Error as e:
            raise StoreError(f"cannot open the database {path}: {e}") from None

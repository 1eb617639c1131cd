"""Drop the test server's databases a suite made, in a process of its own (started by
tests/conftest.py at the end of the session; the suite does not wait for it).

    python tests/drop_databases.py [--detach] ADMIN_URL [NAME ...]

With --detach it returns at once and drops in a child of its own session (the suite waits
for this process only).

Drops the databases named, and any database of the suite's naming (stethoscope_t_<unix
time>_<hex>) made over an hour ago: left by a suite whose dropper never ran. A database
another suite still uses is younger than that. Drops under way at once share the
checkpoint they wait for (12 took 18 s together, measured), so they go on a few
connections at once: few, as the server's connections are shared with every other suite
running on it.
"""

from __future__ import annotations

import os
import re
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import psycopg
from psycopg import sql

STALE_AFTER = 3600  # seconds
_NAME = re.compile(r"stethoscope_t_(\d+)_[0-9a-f]+")


def stale(names: list[str], now: float) -> list[str]:
    """The names of the suite's naming made over STALE_AFTER seconds before ``now``."""
    out = []
    for name in names:
        m = _NAME.fullmatch(name)
        if m and now - int(m.group(1)) > STALE_AFTER:
            out.append(name)
    return out


def main(admin: str, named: list[str]) -> None:
    with psycopg.connect(admin, autocommit=True) as con:
        existing = [
            r[0]
            for r in con.execute(
                "SELECT datname FROM pg_database WHERE datname LIKE 'stethoscope\\_t\\_%'"
            ).fetchall()
        ]
    todo = sorted(set(named) | set(stale(existing, time.time())))

    def drop(name: str) -> None:
        with psycopg.connect(admin, autocommit=True) as con:
            con.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )

    with ThreadPoolExecutor(max_workers=6) as pool:
        list(pool.map(drop, todo))


if __name__ == "__main__":
    args = sys.argv[1:]
    if args[:1] == ["--detach"]:
        args = args[1:]
        if os.fork():  # the parent returns at once; its child is not waited for
            os._exit(0)
        os.setsid()
    main(args[0], args[1:])

"""The dropper of the suite's Postgres databases (tests/drop_databases.py): it drops the
databases named, and sweeps those of the suite's naming made over an hour ago, never a
younger one (another suite on the same server may be using it)."""

from __future__ import annotations

import time

import psycopg
import pytest

from tests.conftest import PG_PREFIX, _url_db
from tests.drop_databases import main


@pytest.mark.postgres
def test_named_and_stale_databases_are_dropped_young_ones_kept(postgres_server: str) -> None:
    admin = _url_db(postgres_server, "postgres")
    now = int(time.time())
    old, young, named = (
        f"{PG_PREFIX}{t}_{h}" for t, h in ((now - 7200, "a1"), (now, "b2"), (now, "c3"))
    )
    with psycopg.connect(admin, autocommit=True) as con:
        for name in (old, young, named):
            con.execute(f'CREATE DATABASE "{name}"')
    main(admin, [named])
    with psycopg.connect(admin, autocommit=True) as con:
        left = {r[0] for r in con.execute("SELECT datname FROM pg_database").fetchall()}
        assert old not in left
        assert named not in left
        assert young in left
    main(admin, [young])
    with psycopg.connect(admin, autocommit=True) as con:
        assert (
            con.execute("SELECT 1 FROM pg_database WHERE datname = %s", [young]).fetchone() is None
        )

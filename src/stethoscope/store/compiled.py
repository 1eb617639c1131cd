"""Compiled scoring queries, kept so that a run neither compiles its model again nor
imports Ibis at all.

The SQL a model compiles to depends on the model (its version), on the code that compiles
it and on the versions of Ibis, sqlglot and the database engine. The key covers all of
them, so a change to any one compiles afresh; an entry is the SQL text only, never data.
Older entries of the same model version and dialect are dropped when a new one is kept.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from stethoscope.store.database import Connection

_PACKAGES = ("ibis-framework", "sqlglot", "duckdb")


@functools.cache
def _code() -> str:
    """A digest of this package's source and of the compiling libraries' versions."""
    h = hashlib.sha256()
    root = Path(__file__).resolve().parents[1]
    for path in sorted(root.rglob("*.py")):
        h.update(str(path.relative_to(root)).encode())
        h.update(path.read_bytes())
    for name in _PACKAGES:
        h.update(f"{name}={metadata.version(name)}".encode())
    return h.hexdigest()


def key(model_version: str, dialect: str) -> str:
    return hashlib.sha256(f"{model_version}|{dialect}|{_code()}".encode()).hexdigest()


def get(con: Connection, k: str) -> str | None:
    row = con.execute("SELECT sql FROM compiled_queries WHERE key = ?", [k]).fetchone()
    return str(row[0]) if row else None


def put(con: Connection, k: str, model_version: str, dialect: str, sql: str) -> None:
    con.execute(
        "DELETE FROM compiled_queries WHERE model_version = ? AND dialect = ? AND key <> ?",
        [model_version, dialect, k],
    )
    con.execute(
        "INSERT INTO compiled_queries VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        [k, model_version, dialect, dt.datetime.now(dt.UTC).replace(tzinfo=None), sql],
    )

"""Compiled scoring queries, kept so that a run neither compiles its model again nor
imports Ibis at all.

The SQL a model compiles to depends on the model (its version), on the code that compiles
it and on the versions of Ibis, sqlglot and the database engine. The key covers all of
them, so a change to any one compiles afresh; an entry is the SQL text only, never data.
Older entries of the same model version and dialect are dropped when a new one is kept.

A process also keeps the last texts it compiled or read, by the same key, so that opening
another store (a test run, a notebook comparing two books, the backtest's snapshot) does
not compile the same model again: 0.7-1.1 s a model on a small book (measured), most of a
first run's time.
"""

from __future__ import annotations

import functools
import hashlib
import os
from collections import OrderedDict
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

from stethoscope import clock

if TYPE_CHECKING:
    from stethoscope.store.database import Connection

_PACKAGES = ("ibis-framework", "sqlglot", "duckdb")
# the texts this process compiled or read, newest last; a text is 10-300 kB
_SEEN: OrderedDict[str, str] = OrderedDict()
_SEEN_MAX = 32


@functools.cache
def _code() -> str:
    """A digest of this package's source files, by path, size and modification time (as
    Python's own bytecode cache decides whether a source changed: a run's start-up reads
    ~220 small stats rather than ~220 files, 3 ms rather than 11), and of the compiling
    libraries' versions."""
    h = hashlib.sha256()
    root = str(Path(__file__).resolve().parents[1])
    files = []
    for folder, dirs, names in os.walk(root):
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        for name in names:
            if name.endswith(".py"):
                path = os.path.join(folder, name)
                st = os.stat(path)
                files.append(f"{path[len(root) :]}:{st.st_size}:{st.st_mtime_ns}")
    for line in sorted(files):
        h.update(line.encode())
    for name in _PACKAGES:
        h.update(f"{name}={metadata.version(name)}".encode())
    return h.hexdigest()


def key(model_version: str, dialect: str) -> str:
    return hashlib.sha256(f"{model_version}|{dialect}|{_code()}".encode()).hexdigest()


def get(con: Connection, k: str) -> str | None:
    """The text kept in this store under ``k``, or None."""
    row = con.execute("SELECT sql FROM compiled_queries WHERE key = ?", [k]).fetchone()
    if row is None:
        return None
    remember(k, str(row[0]))
    return str(row[0])


def recall(k: str) -> str | None:
    """The text this process compiled or read under ``k`` (for any store), or None."""
    text = _SEEN.get(k)
    if text is not None:
        _SEEN.move_to_end(k)
    return text


def remember(k: str, text: str) -> None:
    _SEEN[k] = text
    _SEEN.move_to_end(k)
    while len(_SEEN) > _SEEN_MAX:
        _SEEN.popitem(last=False)


def put(con: Connection, k: str, model_version: str, dialect: str, sql: str) -> None:
    remember(k, sql)
    con.execute(
        "DELETE FROM compiled_queries WHERE model_version = ? AND dialect = ? AND key <> ?",
        [model_version, dialect, k],
    )
    con.execute(
        "INSERT INTO compiled_queries VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        [k, model_version, dialect, clock.now(), sql],
    )

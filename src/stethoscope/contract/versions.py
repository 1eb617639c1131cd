"""Accounts with history: every import of ``accounts`` adds versions, and the accounts table
holds each account's current one.

A row imported into ``accounts`` is a *version* of its account, valid from its
``updated_at`` (when its values took effect). Without one it is valid from the time of the
import, except for an account's first version, which counts from ``customer_since``:
nothing earlier is known, and a change imported later with an ``updated_at`` in the past
then falls after it (a demo or a CRM export giving first the values, then the dated
changes). A version is valid until the next one takes effect (``valid_to``); the current
version has none, and is the account's row in ``accounts``.

- Several rows of one account in one file, each with its own ``updated_at``, are versions
  of it; rows of one account with the same (or no) ``updated_at`` are duplicates.
- A version with the ``valid_from`` of a stored one replaces it (importing the same file
  twice changes nothing); one dated before stored versions goes into the history, and the
  current row stays the latest.
- ``replace`` drops the versions of accounts not in the file with them.

The engine reads the version in force on each as-of date (engine.attributes).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from stethoscope.contract.schema import TABLES, q

if TYPE_CHECKING:
    from stethoscope.store.database import Connection

VERSIONS = "account_versions"
_NEW = "_import_versions"
# the columns whose values make a version (not when it was written)
_VALUES = tuple(c for c in TABLES["accounts"].names if c not in ("id", "updated_at"))


def untimed(typed: str, row: str) -> str:
    """SQL of the problems of the rows ``typed`` holds (our own temporary table; ``row``
    numbers the file's rows): a row without ``updated_at`` beside other rows of its
    account, which cannot be told apart from them in time. (Rows with the same
    ``updated_at`` are duplicates, found with the other duplicate keys.)"""
    return (
        f"SELECT {row}, 'updated_at', 'account {{value}} has several rows: give each the "
        f"time its values took effect', id FROM (SELECT {row}, id, updated_at, "
        "count(updated_at) OVER (PARTITION BY id) AS timed, "
        f"min({row}) OVER (PARTITION BY id, updated_at) AS first FROM {typed} "
        f"WHERE id IS NOT NULL) AS f WHERE timed > 0 AND updated_at IS NULL AND {row} = first"
    )


def write(con: Connection, good: str, *, replace: bool, at: dt.datetime) -> int:
    """Write the rows ``good`` selects (``FROM <typed rows> t WHERE ...``, one transaction
    with the caller's) as versions valid from ``at`` or their ``updated_at``, and make each
    touched account's row in ``accounts`` its current version; the rows written."""
    names = TABLES["accounts"].names
    cols = ", ".join(q(c) for c in names)
    con.execute(f"DROP TABLE IF EXISTS {_NEW}")
    con.execute(
        f"CREATE TEMP TABLE {_NEW} AS SELECT {', '.join('t.' + q(c) for c in names)}, "
        "coalesce(t.updated_at, CASE WHEN EXISTS (SELECT 1 FROM account_versions v WHERE "
        "v.id = t.id) THEN CAST(? AS TIMESTAMP) ELSE CAST(t.customer_since AS TIMESTAMP) END) "
        f"AS valid_from {good}",
        [at],
    )
    if replace:
        con.execute(f"DELETE FROM {VERSIONS} WHERE id NOT IN (SELECT id FROM {_NEW})")
    # a row with the values of the version in force at its time changes nothing: a sync
    # that sends every account every day adds no version for the ones that did not change
    same = " AND ".join(f"v.{q(c)} IS NOT DISTINCT FROM n.{q(c)}" for c in _VALUES)
    fresh = (
        f"FROM {_NEW} n WHERE NOT EXISTS (SELECT 1 FROM {VERSIONS} v WHERE v.id = n.id AND "
        "v.valid_from < n.valid_from AND (v.valid_to IS NULL OR v.valid_to > n.valid_from) "
        f"AND {same})"
    )
    con.execute(
        f"DELETE FROM {VERSIONS} WHERE EXISTS (SELECT 1 FROM {_NEW} n WHERE "
        f"n.id = {VERSIONS}.id AND n.valid_from = {VERSIONS}.valid_from)"
    )
    con.execute(
        f"INSERT INTO {VERSIONS} ({cols}, valid_from, valid_to) "
        f"SELECT {', '.join('n.' + q(c) for c in names)}, n.valid_from, NULL {fresh}"
    )
    touched = f"(SELECT DISTINCT id FROM {_NEW})"
    con.execute(
        f"UPDATE {VERSIONS} SET valid_to = n.next FROM (SELECT id, valid_from, "
        "lead(valid_from) OVER (PARTITION BY id ORDER BY valid_from) AS next "
        f"FROM {VERSIONS} WHERE id IN {touched}) AS n "
        f"WHERE {VERSIONS}.id = n.id AND {VERSIONS}.valid_from = n.valid_from"
    )
    con.execute(f"DELETE FROM accounts WHERE id IN {touched}")
    con.execute(
        f"INSERT INTO accounts ({cols}) SELECT {cols} FROM {VERSIONS} "
        f"WHERE valid_to IS NULL AND id IN {touched}"
    )
    row = con.execute(f"SELECT count(*) FROM {_NEW}").fetchone()
    con.execute(f"DROP TABLE {_NEW}")
    return int(row[0]) if row else 0

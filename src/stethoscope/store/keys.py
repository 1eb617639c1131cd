"""API keys: credentials for the service, each with a name and a role.

A secret is ``sk_`` and 43 random URL-safe characters (256 bits), shown once when the key
is created. The store keeps only its SHA-256 and its first characters (``prefix``, to tell
keys apart in a list): a copy of the database gives no usable credential. A presented
secret is checked by looking up its hash, so no comparison of secrets takes place. Keys are
revoked, never deleted, so the audit log's actors keep their meaning.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
import uuid
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from stethoscope.errors import DataError
from stethoscope.store import audit
from stethoscope.store.transaction import transaction

if TYPE_CHECKING:
    from stethoscope.store.database import Connection

ROLES: tuple[str, ...] = ("admin", "editor", "viewer", "ingest", "metrics")
PREFIX = "sk_"
# characters of a secret kept in the store to tell keys apart (the rest stays unknown)
SHOWN = len(PREFIX) + 4
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$")
# last_used_at is written at most this often per key, not on every request
TOUCH_EVERY = dt.timedelta(minutes=1)

_COLUMNS = "id, name, role, prefix, created_at, created_by, revoked_at, revoked_by, last_used_at"


@dataclass(frozen=True)
class ApiKey:
    id: str
    name: str
    role: str
    prefix: str
    created_at: str
    created_by: str
    revoked_at: str | None
    revoked_by: str | None
    last_used_at: str | None


@dataclass(frozen=True)
class NewKey:
    """A key just created, with its secret: the only time the secret is known."""

    key: ApiKey
    secret: str


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)


def _key(r: tuple[Any, ...]) -> ApiKey:
    def when(v: Any) -> str | None:
        return None if v is None else str(v)

    return ApiKey(r[0], r[1], r[2], r[3], str(r[4]), r[5], when(r[6]), r[7], when(r[8]))


def create(con: Connection, name: str, role: str, *, actor: str) -> NewKey:
    if role not in ROLES:
        raise DataError(f"unknown role {role!r}", hint=f"roles are: {', '.join(ROLES)}")
    if not NAME.match(name):
        raise DataError(
            f"unusable key name {name!r}",
            hint="use 1 to 64 letters, digits and . _ - @, starting with a letter or digit, "
            "e.g. segment-prod",
        )
    live = con.execute(
        "SELECT id FROM api_keys WHERE name = ? AND revoked_at IS NULL", [name]
    ).fetchone()
    if live:
        raise DataError(
            f"a live key is already named '{name}' (id {live[0]})",
            hint=f"choose another name, or revoke it first: `stethoscope keys revoke {live[0]}`",
        )
    secret = PREFIX + secrets.token_urlsafe(32)
    key_id = uuid.uuid4().hex[:12]
    with transaction(con):
        con.execute(
            "INSERT INTO api_keys (id, name, role, secret_sha256, prefix, created_at, created_by) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [key_id, name, role, digest(secret), secret[:SHOWN], _now(), actor],
        ).fetchall()
        audit.record(con, actor, "key.create", key_id, {"name": name, "role": role})
    return NewKey(get(con, key_id), secret)


def get(con: Connection, key_id: str) -> ApiKey:
    row = con.execute(f"SELECT {_COLUMNS} FROM api_keys WHERE id = ?", [key_id]).fetchone()
    if row is None:
        raise DataError(f"no key with id '{key_id}'", hint="list keys with `stethoscope keys list`")
    return _key(row)


def listing(con: Connection, *, revoked: bool = False) -> list[ApiKey]:
    """Live keys, oldest first; with ``revoked`` the revoked ones too."""
    where = "" if revoked else "WHERE revoked_at IS NULL"
    rows = con.execute(
        f"SELECT {_COLUMNS} FROM api_keys {where} ORDER BY created_at, id"
    ).fetchall()
    return [_key(r) for r in rows]


def revoke(con: Connection, key_id: str, *, actor: str) -> ApiKey:
    key = get(con, key_id)
    if key.revoked_at is not None:
        raise DataError(f"the key '{key.name}' ({key_id}) was already revoked on {key.revoked_at}")
    with transaction(con):
        con.execute(
            "UPDATE api_keys SET revoked_at = ?, revoked_by = ? WHERE id = ?",
            [_now(), actor, key_id],
        ).fetchall()
        audit.record(con, actor, "key.revoke", key_id, {"name": key.name, "role": key.role})
    return get(con, key_id)


def lookup(con: Connection, secret: str) -> ApiKey | None:
    """The live key whose secret this is, or None (a read only)."""
    if not secret.startswith(PREFIX):
        return None
    row = con.execute(
        f"SELECT {_COLUMNS} FROM api_keys WHERE secret_sha256 = ? AND revoked_at IS NULL",
        [digest(secret)],
    ).fetchone()
    return None if row is None else _key(row)


def due(key: ApiKey) -> bool:
    """Whether the key's use is to be noted now: never noted, or not for TOUCH_EVERY."""
    return _now() >= due_at(key)


def due_at(key: ApiKey) -> dt.datetime:
    """When the key's use is to be noted next (naive UTC; long ago if never noted)."""
    last = key.last_used_at
    if last is None:
        return dt.datetime(2000, 1, 1)
    return dt.datetime.fromisoformat(last) + TOUCH_EVERY


def now() -> dt.datetime:
    """The time keys are noted at: naive UTC, whole seconds."""
    return _now()


def touch(con: Connection, key: ApiKey) -> ApiKey:
    """Note that the key is used now."""
    now = _now()
    con.execute("UPDATE api_keys SET last_used_at = ? WHERE id = ?", [now, key.id]).fetchall()
    return replace(key, last_used_at=str(now))

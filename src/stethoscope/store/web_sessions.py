"""The dashboard's sessions and sign-in attempts, kept in the store.

- ``web_sessions``: a row per sign-in, of a dashboard user (``dashboard_user``: a
  ``users`` id, a person of the team, not a customer's contact); the session cookie names
  its id (signed). A request
  counts only while its row is live: not revoked, not expired, its user not disabled.
  Signing out revokes the row, so a copy of the cookie is worth nothing afterwards, in any
  browser and any server process.
- ``signin_attempts``: the failed sign-ins of the last window, by the name tried and the
  client's address. A name with ``NAME_LIMIT`` failures in ``WINDOW`` from one address, or
  an address with ``ADDRESS_LIMIT`` over all names, must wait until the oldest of them is
  out of the window: guessing passwords takes years, a person who mistyped waits minutes.
  The name is limited per address, never on its own: otherwise anyone who knows a user's
  name could keep that user out by failing to sign in as them (docs/concepts/security.md).
  A successful sign-in clears the failures of its name from its address.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import TYPE_CHECKING

from stethoscope.store.transaction import transaction
from stethoscope.store.users import _COLUMNS, User, _user

if TYPE_CHECKING:
    from stethoscope.store.database import Connection

WINDOW = dt.timedelta(minutes=15)
NAME_LIMIT = 5
ADDRESS_LIMIT = 20


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _digest(session_id: str) -> str:
    # the store keeps a hash: reading the database does not give a usable session
    return hashlib.sha256(session_id.encode()).hexdigest()


def open_session(con: Connection, user_id: str, lasts: dt.timedelta, address: str) -> str:
    """A new session of the user; its id (random, 256 bits), which the cookie carries."""
    session_id = secrets.token_urlsafe(32)
    now = _now()
    with transaction(con):
        con.execute(
            "INSERT INTO web_sessions (id_sha256, dashboard_user, created_at, expires_at, address) "
            "VALUES (?, ?, ?, ?, ?)",
            [_digest(session_id), user_id, now, now + lasts, address],
        )
        # the name's failures from this address are forgiven once it signs in from there
        con.execute(
            "DELETE FROM signin_attempts WHERE name = (SELECT name FROM users WHERE id = ?) "
            "AND address = ?",
            [user_id, address],
        )
    return session_id


def session_user(con: Connection, session_id: str) -> User | None:
    """The user of a live session, or None (unknown, revoked, expired, user disabled)."""
    cols = ", ".join(f"u.{c.strip()}" for c in _COLUMNS.split(","))
    row = con.execute(
        f"SELECT {cols} FROM web_sessions s JOIN users u ON u.id = s.dashboard_user "
        "WHERE s.id_sha256 = ? AND s.revoked_at IS NULL AND s.expires_at > ? "
        "AND u.disabled_at IS NULL",
        [_digest(session_id), _now()],
    ).fetchone()
    return None if row is None else _user(row)


def close_session(con: Connection, session_id: str) -> bool:
    """Revoke a session; whether it was live."""
    with transaction(con):
        rows = con.execute(
            "UPDATE web_sessions SET revoked_at = ? WHERE id_sha256 = ? AND revoked_at IS NULL "
            "RETURNING dashboard_user",
            [_now(), _digest(session_id)],
        ).fetchall()
    return bool(rows)


def wait(con: Connection, name: str, address: str) -> int:
    """Seconds before ``name`` may try again from ``address`` (0: now)."""
    now = _now()
    since = now - WINDOW
    waits = [0.0]
    for where, values, limit in (
        ("name = ? AND address = ?", [name[:200], address], NAME_LIMIT),
        ("address = ?", [address], ADDRESS_LIMIT),
    ):
        row = con.execute(
            f'SELECT count(*), min("at") FROM (SELECT "at" FROM signin_attempts '
            f'WHERE {where} AND "at" > ? ORDER BY "at" DESC LIMIT ?) AS recent',
            [*values, since, limit],
        ).fetchone()
        if row and row[0] >= limit:
            waits.append((row[1] + WINDOW - now).total_seconds())
    return max(0, int(max(waits) + 0.999))


def failed(con: Connection, name: str, address: str) -> None:
    """Record a failed sign-in; forget the failures that are out of the window."""
    now = _now()
    with transaction(con):
        con.execute('DELETE FROM signin_attempts WHERE "at" <= ?', [now - WINDOW])
        con.execute(
            'INSERT INTO signin_attempts (name, address, "at") VALUES (?, ?, ?)',
            [name[:200], address, now],
        )

"""People who sign in to the dashboard: a name, a role and a password hash.

Passwords are hashed with Argon2id (argon2-cffi's defaults); the store never holds a
password. A user's role is one of the API keys' roles but ``ingest``: ``admin``, ``editor``
or ``viewer``, with the same grants (``service.auth.GRANTS``). The user's name is how the
dashboard's "my book" finds their accounts, so it is best the ``owner`` value of the
accounts they look after (usually their email).

The service's secrets (``service_secrets``) live here too: random values made once, on
first use, and kept, such as the key that signs the dashboard's session cookies.
"""

from __future__ import annotations

import re
import secrets
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from stethoscope import clock
from stethoscope.errors import DataError
from stethoscope.store import audit
from stethoscope.store.transaction import transaction

if TYPE_CHECKING:
    from stethoscope.store.database import Connection

ROLES: tuple[str, ...] = ("admin", "editor", "viewer")
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@+-]{0,127}$")
MIN_PASSWORD = 8
MAX_PASSWORD = 1024
_COLUMNS = "id, name, role, created_at, created_by, disabled_at"


@dataclass(frozen=True)
class User:
    id: str
    name: str
    role: str
    created_at: str
    created_by: str
    disabled_at: str | None


def _hasher() -> Any:
    from argon2 import PasswordHasher

    return PasswordHasher()


def _user(r: tuple[Any, ...]) -> User:
    return User(r[0], r[1], r[2], str(r[3]), r[4], None if r[5] is None else str(r[5]))


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise DataError(
            f"the password is too short ({len(password)} characters)",
            hint=f"use at least {MIN_PASSWORD} characters",
        )
    if len(password) > MAX_PASSWORD:
        raise DataError(f"the password is longer than {MAX_PASSWORD} characters")


def create(con: Connection, name: str, role: str, password: str, *, actor: str) -> User:
    if role not in ROLES:
        raise DataError(f"unknown role {role!r}", hint=f"roles are: {', '.join(ROLES)}")
    if not NAME.match(name):
        raise DataError(
            f"unusable user name {name!r}",
            hint="use 1 to 128 letters, digits and . _ - + @, starting with a letter or digit; "
            "best the owner value of the user's accounts, e.g. their email",
        )
    check_password(password)
    if con.execute("SELECT id FROM users WHERE name = ?", [name]).fetchone():
        raise DataError(f"a user is already named '{name}'", hint="choose another name")
    user_id = uuid.uuid4().hex[:12]
    hashed = _hasher().hash(password)
    with transaction(con):
        con.execute(
            "INSERT INTO users (id, name, role, password_hash, created_at, created_by) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [user_id, name, role, hashed, clock.now_to_the_second(), actor],
        ).fetchall()
        # the audit log holds ids, not names (see store.audit)
        audit.record(con, actor, "user.create", user_id, {"role": role})
    found = get(con, user_id)
    assert found is not None
    return found


def get(con: Connection, user_id: str) -> User | None:
    row = con.execute(f"SELECT {_COLUMNS} FROM users WHERE id = ?", [user_id]).fetchone()
    return None if row is None else _user(row)


def listing(con: Connection) -> list[User]:
    rows = con.execute(f"SELECT {_COLUMNS} FROM users ORDER BY name").fetchall()
    return [_user(r) for r in rows]


def verify(con: Connection, name: str, password: str) -> User | None:
    """The live user with this name and password, or None. A failure is recorded in the
    audit log (with the user's id when the name is known, never the password)."""
    from argon2.exceptions import InvalidHashError, VerificationError

    row = con.execute(
        f"SELECT {_COLUMNS}, password_hash FROM users WHERE name = ?", [name]
    ).fetchone()
    hasher = _hasher()
    ok = False
    if row is None:
        # as long as a real check, so that timing does not tell which names exist
        hasher.hash(password[:MAX_PASSWORD])
    elif row[5] is None and len(password) <= MAX_PASSWORD:
        try:
            ok = bool(hasher.verify(row[6], password))
        except (VerificationError, InvalidHashError):
            ok = False
    if row is None or not ok:
        reason = "unknown user" if row is None else "disabled" if row[5] else "wrong password"
        with transaction(con):
            audit.record(
                con,
                "web:anonymous",
                "user.signin_failed",
                row[0] if row else None,
                {"reason": reason},
            )
        return None
    return _user(row[:6])


def kept_secret(con: Connection, name: str) -> str | None:
    """The service secret ``name`` if it was made (a read: see ``secret``)."""
    row = con.execute("SELECT secret FROM service_secrets WHERE name = ?", [name]).fetchone()
    return None if row is None else str(row[0])


def secret(con: Connection, name: str) -> str:
    """The service secret ``name``: made (256 random bits) on first use, then kept."""
    row = con.execute("SELECT secret FROM service_secrets WHERE name = ?", [name]).fetchone()
    if row is None:
        with transaction(con):
            # another process may make it at the same moment: the first one made is kept
            con.execute(
                "INSERT INTO service_secrets (name, secret, created_at) VALUES (?, ?, ?) "
                "ON CONFLICT (name) DO NOTHING",
                [name, secrets.token_urlsafe(32), clock.now_to_the_second()],
            ).fetchall()
        row = con.execute("SELECT secret FROM service_secrets WHERE name = ?", [name]).fetchone()
    assert row is not None
    return str(row[0])

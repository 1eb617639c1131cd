"""Who may do what, and what they did: API keys (and the cache that spares a server
a read per request), the dashboard's users, their sessions and sign-in throttling, the
audit log, and erasing a person's data.

``actor`` is who acts, for the audit log: an API key ("key:NAME"), or by default the user
of this process ("cli:USER").
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING

from stethoscope.errors import DataError
from stethoscope.facade.core import ProjectCore

if TYPE_CHECKING:
    from stethoscope.settings import Settings
    from stethoscope.store.audit import AuditEntry
    from stethoscope.store.keys import ApiKey, NewKey
    from stethoscope.store.privacy import Erasure
    from stethoscope.store.users import User


class Access(ProjectCore):
    def __init__(self, settings: Settings, *, on_wait: Callable[[str], None] | None = None) -> None:
        super().__init__(settings, on_wait=on_wait)
        # the API key last authenticated (by its secret's digest) and the write generation
        # it was read at: a server's requests mostly come with the same few keys
        self._keys: dict[str, tuple[int, float, ApiKey]] = {}

    # -- API keys ----------------------------------------------------------------------

    def create_key(self, name: str, role: str, *, actor: str | None = None) -> NewKey:
        """A new API key; its secret is in the result and nowhere else."""
        from stethoscope.store import audit, keys

        with self._lock:
            return keys.create(self.store.con, name, role, actor=actor or audit.local_actor())

    def keys(self, *, revoked: bool = False) -> list[ApiKey]:
        from stethoscope.store import keys

        with self._reading() as con:
            return keys.listing(con, revoked=revoked)

    def revoke_key(self, key_id: str, *, actor: str | None = None) -> ApiKey:
        from stethoscope.store import audit, keys

        with self._lock:
            return keys.revoke(self.store.con, key_id, actor=actor or audit.local_actor())

    def authenticate(self, secret: str) -> ApiKey | None:
        """The live API key with this secret, or None."""
        from stethoscope.store import keys

        digest = keys.digest(secret)
        key = self.known_key(digest)
        if key is None:
            with self._reading() as con:
                key = keys.lookup(con, secret)
        # last_used_at is noted at most once a minute, and never waits for a write
        # (a run, an ingest): when the writer is busy, a later request notes it
        if key is not None and keys.due(key) and self._lock.try_keeping_reads():
            try:
                key = keys.touch(self.store.con, key)
            finally:
                self._lock.release()
        if key is not None and self.sole_writer:
            # until its use is to be noted again, by this process's clock
            due = time.monotonic() + (keys.due_at(key) - keys.now()).total_seconds()
            self._keys = {digest: (self.generation, due, key)}
        return key

    def known_key(self, digest: str) -> ApiKey | None:
        """The live key of this secret digest as last looked up, when no write since can
        have revoked it; otherwise None (look it up). When its use is due to be noted,
        one caller in five seconds gets None too, and notes it."""
        known = self._keys.get(digest)
        if known is None or known[0] != self.generation:
            return None
        if time.monotonic() >= known[1]:
            # this request looks the key up and notes its use (``authenticate``); the
            # requests meanwhile need not, nor wait: hundreds of them at once, each
            # reading the store, held a busy server up for a tenth of a second
            self._keys = {digest: (known[0], time.monotonic() + 5, known[2])}
            return None
        return known[2]

    # -- dashboard users (store.users) ---------------------------------------------------

    def create_user(self, name: str, role: str, password: str, *, actor: str | None = None) -> User:
        """A person who may sign in to the dashboard, with a role (admin, editor, viewer)."""
        from stethoscope.store import audit, users

        with self._lock:
            return users.create(
                self.store.con, name, role, password, actor=actor or audit.local_actor()
            )

    def users(self) -> list[User]:
        from stethoscope.store import users

        with self._reading() as con:
            return users.listing(con)

    def user(self, user_id: str) -> User | None:
        from stethoscope.store import users

        with self._reading() as con:
            return users.get(con, user_id)

    def sign_in(self, name: str, password: str) -> User | None:
        """The live user with this name and password, or None (and an audit log entry)."""
        from stethoscope.store import users

        with self._lock:
            return users.verify(self.store.con, name, password)

    def service_secret(self, name: str) -> str:
        """A random secret of the service, made on first use and kept in the store."""
        from stethoscope.store import users

        # read without the write lock once made: a page asks for it, and waits for no run
        with self._reading() as con:
            kept = users.kept_secret(con, name)
        if kept is not None:
            return kept
        with self._lock:
            return users.secret(self.store.con, name)

    def audit(self, limit: int = 50, *, action: str | None = None) -> list[AuditEntry]:
        from stethoscope.store import audit

        with self._reading() as con:
            return audit.entries(con, limit, action=action)

    def forget(
        self,
        *,
        account_id: str | None = None,
        contact_id: str | None = None,
        actor: str | None = None,
    ) -> Erasure:
        """Erase the personal data of an account or of a contact (one, not both) from the
        store, in one transaction; see docs/concepts/privacy.md."""
        from stethoscope.store import audit, privacy

        who = actor or audit.local_actor()
        with self._lock:
            if account_id is not None and contact_id is None:
                return privacy.forget_account(self.store.con, account_id, actor=who)
            if contact_id is not None and account_id is None:
                return privacy.forget_contact(self.store.con, contact_id, actor=who)
        raise DataError("forget needs an account id or a contact id, not both")

    # -- dashboard sessions and sign-in attempts (store.web_sessions) -------------------

    def open_session(self, user_id: str, *, lasts: timedelta, address: str) -> str:
        """A new dashboard session of a user; its id, for the session cookie."""
        from stethoscope.store import web_sessions

        with self._lock:
            return web_sessions.open_session(self.store.con, user_id, lasts, address)

    def session_user(self, session_id: str) -> User | None:
        """The user of a live session (not signed out, not expired), or None."""
        from stethoscope.store import web_sessions

        # a read: every page asks it, so it must not wait for a run (issue 17 item 5)
        with self._reading() as con:
            return web_sessions.session_user(con, session_id)

    def close_session(self, session_id: str) -> bool:
        """Sign a session out everywhere; whether it was live."""
        from stethoscope.store import web_sessions

        with self._lock:
            return web_sessions.close_session(self.store.con, session_id)

    def signin_wait(self, name: str, address: str) -> int:
        """Seconds before ``name`` may try to sign in again from ``address`` (0: now)."""
        from stethoscope.store import web_sessions

        with self._lock:
            return web_sessions.wait(self.store.con, name, address)

    def signin_failed(self, name: str, address: str) -> None:
        """Count a failed sign-in against the name and the address."""
        from stethoscope.store import web_sessions

        with self._lock:
            web_sessions.failed(self.store.con, name, address)

"""Who is signed in to the dashboard, and whether a form was sent by the dashboard.

A session is a row in the store (``store.web_sessions``) and a cookie naming it, signed
(itsdangerous, HMAC-SHA1 over a key the store keeps: ``service_secrets``, made once) and
dated, so it cannot be forged and lapses after ``MAX_AGE``. It is ``Secure``, ``HttpOnly``
and ``SameSite=Lax``: never sent over plain HTTP to another host than localhost, never read
by scripts, never sent with a cross-site POST. Each request finds the session and its user
in the store, so a signed-out session or a disabled user is out at once.

Every form carries a CSRF token that must match the one in a second signed cookie (the
double-submit pattern, with a signed cookie so that it cannot be planted); a POST whose
token is missing or differs is refused with 403 before anything else is done. Signing in
issues a new token.
"""

from __future__ import annotations

import datetime as dt
import hmac
import secrets
from typing import TYPE_CHECKING, Any

from itsdangerous import BadSignature, URLSafeTimedSerializer

if TYPE_CHECKING:
    from fastapi import Request, Response

    from stethoscope.project import Project
    from stethoscope.store.users import User

SESSION_COOKIE = "stethoscope_session"
CSRF_COOKIE = "stethoscope_csrf"
CSRF_FIELD = "csrf_token"
MAX_AGE = 12 * 3600  # seconds a session lasts after signing in


class Sessions:
    """Sign and read the dashboard's cookies with the project's session key."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self._signer: URLSafeTimedSerializer | None = None

    @property
    def signer(self) -> URLSafeTimedSerializer:
        if self._signer is None:
            # made on first use, not at start-up: creating the app touches no store
            key = self.project.service_secret("session")
            self._signer = URLSafeTimedSerializer(key, salt="stethoscope.web")
        return self._signer

    def _set(self, response: Response, name: str, value: str, max_age: int | None) -> None:
        response.set_cookie(
            name,
            value,
            max_age=max_age,
            path="/",
            secure=True,
            httponly=True,
            samesite="lax",
        )

    # -- the session ---------------------------------------------------------------------

    def user(self, request: Request) -> User | None:
        """The signed-in user of a request, or None; kept on the request (``web_user``) for
        what every page's frame shows of them (pages.navigation)."""
        session_id = self.session_id(request)
        user = None if session_id is None else self.project.session_user(session_id)
        request.state.web_user = user
        return user

    def session_id(self, request: Request) -> str | None:
        """The id of the session the request's cookie names (signed and in date), or None."""
        raw = request.cookies.get(SESSION_COOKIE)
        if not raw:
            return None
        try:
            data: Any = self.signer.loads(raw, max_age=MAX_AGE)
        except BadSignature:  # also SignatureExpired
            return None
        if not isinstance(data, dict) or not isinstance(data.get("s"), str):
            return None
        return str(data["s"])

    def sign_in(self, response: Response, user: User, address: str) -> None:
        """Open a session for the user and give the browser its cookie (and a new CSRF
        token)."""
        session_id = self.project.open_session(
            user.id, lasts=dt.timedelta(seconds=MAX_AGE), address=address
        )
        self._set(response, SESSION_COOKIE, self.signer.dumps({"s": session_id}), MAX_AGE)
        self._set(response, CSRF_COOKIE, self.signer.dumps({"c": _token()}), None)

    def sign_out(self, request: Request, response: Response) -> None:
        """Revoke the request's session in the store and drop the browser's cookies."""
        session_id = self.session_id(request)
        if session_id is not None:
            self.project.close_session(session_id)
        for name in (SESSION_COOKIE, CSRF_COOKIE):
            response.delete_cookie(name, path="/", secure=True, httponly=True, samesite="lax")

    # -- CSRF ----------------------------------------------------------------------------

    def csrf(self, request: Request) -> str | None:
        """The request's CSRF token (from its cookie), or None."""
        raw = request.cookies.get(CSRF_COOKIE)
        if not raw:
            return None
        try:
            data: Any = self.signer.loads(raw)
        except BadSignature:
            return None
        token = data.get("c") if isinstance(data, dict) else None
        return token if isinstance(token, str) else None

    def ensure_csrf(self, request: Request) -> tuple[str, str | None]:
        """The token for the forms of a page, and the cookie to set when it is new."""
        token = self.csrf(request)
        if token is not None:
            return token, None
        token = _token()
        return token, self.signer.dumps({"c": token})

    def set_csrf(self, response: Response, cookie: str | None) -> None:
        if cookie is not None:
            self._set(response, CSRF_COOKIE, cookie, None)

    def csrf_ok(self, request: Request, sent: object) -> bool:
        """Whether a form's token is the one of the request's cookie."""
        expected = self.csrf(request)
        return (
            expected is not None
            and isinstance(sent, str)
            and hmac.compare_digest(sent.encode(), expected.encode())
        )


def _token() -> str:
    return secrets.token_urlsafe(32)

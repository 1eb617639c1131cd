"""Who is calling, and whether their role allows it: the service's credentials.

A request proves who it is with a secret, one of:

- an API key (``stethoscope keys create``), with its role;
- the server's local token, from its lease (``store.lease``): what a CLI command on the
  same machine uses to send its work to the server. It acts as ``admin``, named ``local``.

Roles: ``admin`` may do everything, ``editor`` what a ``viewer`` may plus change the model
and CSM inputs, ``viewer`` only reads. ``ingest`` stands apart: it may send events to the
ingest endpoints under /v1 and nothing under /api. So does ``metrics``: it may read the
service's own counts at /metrics (a Prometheus scraper's key) and nothing else. So an
endpoint asks for the least role it needs, ``Depends(require("viewer"))``, and the ingest
endpoints for ``Depends(require_ingest)``.

Under /api the secret travels as ``Authorization: Bearer <secret>``. The ingest endpoints
also take HTTP Basic with the secret as the user name and an empty password, which is how
Segment's libraries send a write key. Only they do: a browser replays Basic credentials on
its own, and the API must not act on a request the user did not mean to send.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hmac
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import Depends, FastAPI, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from stethoscope.errors import AuthError, ForbiddenError
from stethoscope.store.keys import ROLES, digest

if TYPE_CHECKING:
    from stethoscope.project import Project

# what each role may do, as the roles whose endpoints it may call
GRANTS: dict[str, frozenset[str]] = {
    "admin": frozenset(ROLES),
    "editor": frozenset({"editor", "viewer"}),
    "viewer": frozenset({"viewer"}),
    "ingest": frozenset({"ingest"}),
    "metrics": frozenset({"metrics"}),
}

_bearer = HTTPBearer(auto_error=False, description="An API key, or the server's local token.")


@dataclass(frozen=True)
class Principal:
    """Who a request acts as: an API key's name, role and id, or ``local`` (key_id None)."""

    name: str
    role: str
    key_id: str | None = None

    @property
    def actor(self) -> str:
        """How the audit log names it."""
        return f"key:{self.name}" if self.key_id else self.name

    def may(self, role: str) -> bool:
        return role in GRANTS[self.role]


LOCAL = Principal("local", "admin")


class Credentials:
    """What the service accepts: the local token of its lease and the project's API keys."""

    def __init__(self, project: Project, token: str) -> None:
        if not token:
            raise ValueError("the local token must not be empty")
        self.project = project
        self.token = token

    def known(self, secret: str) -> Principal | None:
        """Who ``secret`` is, when that is known without reading or writing the store
        (``Project.known_key``); None: ask ``principal``."""
        if hmac.compare_digest(secret.encode(), self.token.encode()):
            return LOCAL
        key = self.project.known_key(digest(secret))
        return None if key is None else Principal(key.name, key.role, key.id)

    def principal(self, secret: str) -> Principal:
        if hmac.compare_digest(secret.encode(), self.token.encode()):
            return LOCAL
        key = self.project.authenticate(secret)
        if key is None:
            raise AuthError(
                "the credential is not valid",
                hint="use a live API key (`stethoscope keys list`); a revoked key stays refused",
            )
        return Principal(key.name, key.role, key.id)


def install(app: FastAPI, project: Project, token: str) -> None:
    """Make ``require`` and ``require_ingest`` work on ``app``."""
    app.state.credentials = Credentials(project, token)


def _credentials(request: Request) -> Credentials:
    creds = getattr(request.app.state, "credentials", None)
    if not isinstance(creds, Credentials):
        raise RuntimeError("auth.install(app, ...) was not called")
    return creds


def _allowed(principal: Principal, role: str) -> Principal:
    if not principal.may(role):
        granted = [r for r in ROLES if role in GRANTS[r]]
        raise ForbiddenError(
            f"the key '{principal.name}' has the role {principal.role}, which may not do this",
            hint=f"this needs the role {' or '.join(granted)}; an admin can create such a key "
            "with `stethoscope keys create`",
        )
    return principal


@functools.cache
def require(role: str) -> Callable[..., Principal]:
    """A dependency admitting requests under /api whose role includes ``role``. The same
    object for the same role, so that FastAPI checks a request once however often a route
    and its router ask."""
    if role not in GRANTS:
        raise ValueError(f"unknown role {role!r}")

    def dependency(
        request: Request,
        bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    ) -> Principal:
        return _bearer_principal(request, None if bearer is None else bearer.credentials, role)

    _ROLE_OF[dependency] = role
    return dependency


def _bearer_principal(request: Request, secret: str | None, role: str) -> Principal:
    if secret is None:
        scheme = request.headers.get("authorization", "").partition(" ")[0].lower()
        if scheme == "basic":
            raise AuthError(
                "HTTP Basic credentials are taken only by the ingest endpoints (/v1)",
                hint="send Authorization: Bearer <key>",
            )
        raise AuthError("a credential is required", hint="send Authorization: Bearer <key>")
    return _allowed(_credentials(request).principal(secret), role)


def check_before_body(request: Request) -> None:
    """Check the request's credential as its route would, for a request refused before its
    dependencies ran: FastAPI reads a JSON body before it solves them, so a body that is
    not JSON would otherwise be a 400 to a caller with no credential at all, telling
    them what the endpoint takes. Raises AuthError or ForbiddenError."""
    dependant = getattr(request.scope.get("route"), "dependant", None)
    for role in _roles(dependant):
        if role == "ingest":
            require_ingest(request)
            continue
        scheme, _, secret = request.headers.get("authorization", "").partition(" ")
        bearer = secret.strip() if scheme.lower() == "bearer" and secret.strip() else None
        _bearer_principal(request, bearer, role)


def _roles(dependant: Any) -> Iterator[str]:
    """The roles the route's dependencies (all the way down) ask for."""
    if dependant is None:
        return
    role = _ROLE_OF.get(getattr(dependant, "call", None))
    if role is not None:
        yield role
    for sub in getattr(dependant, "dependencies", ()):
        yield from _roles(sub)


def require_ingest(request: Request) -> Principal:
    """A dependency admitting requests that may ingest events: Bearer, or HTTP Basic with
    the secret as the user name (a Segment write key)."""
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    value = value.strip()
    if scheme.lower() == "bearer" and value:
        secret = value
    elif scheme.lower() == "basic" and value:
        try:
            user, _, _password = base64.b64decode(value, validate=True).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            raise AuthError("malformed HTTP Basic credentials") from None
        if not user:
            raise AuthError(
                "the HTTP Basic user name is empty", hint="send the write key as the user name"
            )
        secret = user
    else:
        raise AuthError(
            "a credential is required",
            hint="send the write key as the HTTP Basic user name, or Authorization: Bearer <key>",
        )
    return _allowed(_credentials(request).principal(secret), "ingest")


# the role each of our credential dependencies asks for (check_before_body)
_ROLE_OF: dict[Any, str] = {require_ingest: "ingest"}

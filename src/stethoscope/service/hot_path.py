"""``GET /api/accounts/{id}`` answered before FastAPI sees the request.

FastAPI's middleware, routing, dependency injection and response handling take about half
a millisecond of CPU per request, several times what answering from the read model
(``service.read_model``) costs. This ASGI application, in front of FastAPI's
(``service.app.serving``), answers that one request itself when everything it needs is in
memory:

- the request is ``GET /api/accounts/<id>``, the credential a Bearer secret that is the
  server's local token or an API key already looked up since the last write
  (``Credentials.known``) with a role that may read;
- the read model holds an exact copy, with the account in it.

Anything else (no or unknown credential, a role that may not read, an account the copy
does not hold, a stale copy, any other request) goes on to the application, which answers
as it always does, errors included. The body is the one the endpoint itself sends
(``api_scores.encode_detail``), with the same headers.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from stethoscope.errors import StethoscopeError

if TYPE_CHECKING:
    from starlette.types import ASGIApp, Receive, Scope, Send

    from stethoscope.service.auth import Credentials
    from stethoscope.service.read_model import ReadModel

PREFIX = "/api/accounts/"
log = logging.getLogger(__name__)


class AccountHotPath:
    def __init__(self, app: ASGIApp, reads: ReadModel, credentials: Credentials) -> None:
        self.app = app
        self.reads = reads
        self.credentials = credentials

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        body = None
        if self.reads.enabled and scope["type"] == "http":
            try:
                body = self._answer(scope)
            except Exception:  # the application answers, with its error envelope if need be
                log.exception("the hot path failed; the application answers instead")
        if body is None:
            await self.app(scope, receive, send)
            return
        headers = [
            (b"content-length", str(len(body)).encode()),
            (b"content-type", b"application/json"),
        ]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    def _answer(self, scope: Scope) -> bytes | None:
        path: str = scope["path"]
        if scope["method"] != "GET" or not path.startswith(PREFIX):
            return None
        account_id = path[len(PREFIX) :]
        if not account_id or "/" in account_id:
            return None
        secret = _bearer(scope)
        if secret is None:
            return None
        principal = self.credentials.known(secret)
        if principal is None or not principal.may("viewer"):
            return None
        try:
            version = self.credentials.project.load_model().version
        except StethoscopeError:  # no or invalid model file: the endpoint says so
            return None
        return self.reads.get(account_id, version)


def _bearer(scope: Scope) -> str | None:
    """The Bearer secret of the request, as FastAPI's HTTPBearer reads it."""
    for name, value in scope["headers"]:
        if name == b"authorization":
            scheme, _, secret = value.decode("latin-1").partition(" ")
            secret = secret.strip()
            return secret if scheme.lower() == "bearer" and secret else None
    return None

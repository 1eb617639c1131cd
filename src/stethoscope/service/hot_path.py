"""``GET /api/accounts/{id}`` answered by the HTTP protocol, before any application runs.

The endpoint most read by other tools is answered from the read model
(``service.read_model``). Even so, going through uvicorn's ASGI cycle and FastAPI costs
far more than the answer: FastAPI's middleware, routing and dependencies about half a
millisecond of CPU a request, and the ASGI cycle itself (a scope, a task, the send
messages) about 80 µs, against 15 µs for the lookup. So the server's HTTP protocol
(``protocol``, a subclass of uvicorn's httptools one) answers that one request itself,
as soon as its headers are read, when everything it needs is in memory:

- the request is ``GET /api/accounts/<id>`` (an id with no ``/``, ``%``, ``?`` or ``#``),
  the credential a Bearer secret that is the server's local token or an API key already
  looked up since the last write (``Credentials.known``) with a role that may read;
- the read model holds an exact copy, with the account in it;
- the connection is not upgrading, no earlier request on it is still being answered, and
  its client is reading what it is sent.

Anything else (no or unknown credential, a role that may not read, an account the copy
does not hold, a stale copy, any other request, and an error of the hot path itself,
logged) goes on to the application, which answers as it always does, errors included (an
unexpected one in the envelope, with a request id: ``service.errors.Unexpected``). The body is the
one the endpoint itself sends (``api_scores.encode_detail``), with the same status and
headers.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from stethoscope.errors import StethoscopeError

if TYPE_CHECKING:
    from stethoscope.service.auth import Credentials
    from stethoscope.service.metrics import Metrics
    from stethoscope.service.read_model import ReadModel

PREFIX = b"/api/accounts/"
# the endpoint's route, as the service's metrics name it (service.metrics)
ROUTE = "/api/accounts/{account_id}"
# an id that needs no decoding, and a path with nothing after it
_NOT_IN_ID = (b"/", b"%", b"?", b"#")
log = logging.getLogger(__name__)


class HotPath:
    """The answer to a request, when it can be given from memory (see the module doc)."""

    def __init__(
        self, reads: ReadModel, credentials: Credentials, metrics: Metrics | None = None
    ) -> None:
        self.reads = reads
        self.credentials = credentials
        # the series of what it answers, bound once: counting then costs about a µs
        self._count = None if metrics is None else metrics.requests.labels(ROUTE, "GET", "200")
        self._time = None if metrics is None else metrics.latency.labels(ROUTE, "GET")

    def answered(self, seconds: float) -> None:
        """Count an answer given, as the application's requests are counted."""
        if self._count is not None and self._time is not None:
            self._count.inc()
            self._time.observe(seconds)

    def answer(self, method: bytes, url: bytes, headers: list[tuple[bytes, bytes]]) -> bytes | None:
        """The body of the 200 answer to this request, or None: the application answers."""
        if not self.reads.enabled or method != b"GET" or not url.startswith(PREFIX):
            return None
        account_id = url[len(PREFIX) :]
        if not account_id or any(c in account_id for c in _NOT_IN_ID):
            return None
        secret = _bearer(headers)
        if secret is None:
            return None
        principal = self.credentials.known(secret)
        if principal is None or not principal.may("viewer"):
            return None
        try:
            version = self.credentials.project.load_model().version
        except StethoscopeError:  # no or invalid model file: the endpoint says so
            return None
        return self.reads.get(account_id.decode("ascii"), version)


def protocol(hot: HotPath) -> type[HttpToolsProtocol]:
    """uvicorn's httptools protocol, answering what ``hot`` can before the application."""

    class HotPathProtocol(HttpToolsProtocol):
        def on_headers_complete(self) -> None:
            # Anything that fails here, before a byte is written, is logged and the
            # application answers instead: the same answer, or its error envelope. Raised
            # out of this callback it would reach the HTTP parser, and uvicorn would answer
            # a plain-text 400 and close the connection.
            started = time.perf_counter()
            try:
                answer = self._answer()
            except Exception:
                log.exception("the hot path failed; the application answers instead")
                answer = None
            if answer is None:
                super().on_headers_complete()
                return
            self.transport.write(answer)
            hot.answered(time.perf_counter() - started)
            # what uvicorn does when a response is complete: the request's body (if any)
            # is dropped, a next request on the connection is read, keep-alive is timed
            self.cycle = ANSWERED
            if not self.parser.should_keep_alive():
                self.transport.close()
            self.on_response_complete()

        def _answer(self) -> bytes | None:
            """The whole HTTP answer (head and body), or None: the application answers."""
            if not self._may_answer():
                return None
            body = hot.answer(self.parser.get_method(), self.url, self.headers)
            if body is None:
                return None
            head = [b"HTTP/1.1 200 OK\r\n"]
            for name, value in self.server_state.default_headers:  # date, server
                head += [name, b": ", value, b"\r\n"]
            head.append(b"content-length: %d\r\ncontent-type: application/json\r\n\r\n" % len(body))
            return b"".join(head) + body

        def _may_answer(self) -> bool:
            cycle = self.cycle
            return (
                (cycle is None or cycle.response_complete)  # no earlier request in flight
                and not self.flow.write_paused  # the client reads what it is sent
                and not self.parser.should_upgrade()
            )

    return HotPathProtocol


class _Nothing:
    def set(self) -> None:
        """Nobody waits for the body of a request answered already."""


class _Answered:
    """Stands for the request the protocol answered itself, where uvicorn keeps its
    request-response cycle: complete, nothing to wake."""

    response_complete = True
    disconnected = False
    keep_alive = True
    message_event = _Nothing()


ANSWERED: Any = _Answered()


def _bearer(headers: list[tuple[bytes, bytes]]) -> str | None:
    """The Bearer secret of the request, as FastAPI's HTTPBearer reads it."""
    for name, value in headers:
        if name == b"authorization":
            scheme, _, secret = value.decode("latin-1").partition(" ")
            secret = secret.strip()
            return secret if scheme.lower() == "bearer" and secret else None
    return None

"""The log of Stethoscope's processes: one place configures it (``configure``), as text for
a person or as JSON lines for a log collector, and every line made while the service
answers a request carries that request's id (``REQUEST_ID``, set by the service's
outermost middleware, ``service.metrics.Observed``).

The standard library's ``logging`` is the one log: uvicorn, httpx and psycopg write to it
already, so a handler on the root logger gathers every line in one format, and a filter on
that handler gives each the request id, whoever logged it. (structlog would add a second
API to call without changing what the lines hold.)

What a command shows its user (tables, progress, the answer) is output, not log: it goes
through ``cli.output`` and is not configured here.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import secrets
import sys
from contextvars import ContextVar
from typing import Any, Literal, TextIO

LogFormat = Literal["text", "json"]
LogLevel = Literal["debug", "info", "warning", "error"]

# the id of the request being answered: asyncio's tasks and the threads that Starlette
# runs sync endpoints in (anyio copies the context) see the value of their request
REQUEST_ID: ContextVar[str | None] = ContextVar("stethoscope_request_id", default=None)

# the attributes every LogRecord has: anything else on a record came as ``extra=`` and is
# written as a field of its JSON line
_STANDARD = frozenset(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "request_id"}


def new_request_id() -> str:
    return secrets.token_hex(8)


class _RequestId(logging.Filter):
    """Gives each record the id of the request it was made while answering (or None)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = REQUEST_ID.get()
        return True


class TextFormatter(logging.Formatter):
    """``2026-12-06 09:12:01,234 INFO stethoscope.x: message [request 0f3a...]``"""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        request_id = getattr(record, "request_id", None)
        if request_id is None:
            return line
        head, newline, rest = line.partition("\n")  # after the message, before a traceback
        return f"{head} [request {request_id}]{newline}{rest}"


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time (UTC, ISO 8601), level, logger, message, request_id
    when answering a request, the fields given as ``extra=``, and a traceback as
    ``exception``."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = getattr(record, "request_id", None)
        if request_id is not None:
            line["request_id"] = request_id
        for key, value in record.__dict__.items():
            if key not in _STANDARD and not key.startswith("_"):
                line[key] = value
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            line["exception"] = record.exc_text
        if record.stack_info:
            line["stack"] = self.formatStack(record.stack_info)
        return json.dumps(line, default=str, ensure_ascii=False)


def configure(
    format: LogFormat = "text", level: LogLevel = "info", *, stream: TextIO | None = None
) -> logging.Handler:
    """Send the process's log to ``stream`` (default stderr) in ``format``: Stethoscope's
    own lines from ``level`` up, other libraries' from warning up. Replaces what an
    earlier call installed, so the last call wins; returns the handler."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter() if format == "json" else TextFormatter())
    handler.addFilter(_RequestId())
    handler.set_name("stethoscope")
    root = logging.getLogger()
    for old in [h for h in root.handlers if h.get_name() == "stethoscope"]:
        root.removeHandler(old)
        old.close()
    root.addHandler(handler)
    root.setLevel(logging.WARNING)
    logging.getLogger("stethoscope").setLevel(level.upper())
    return handler

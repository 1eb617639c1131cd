"""The log: one configuration (stethoscope.logs), text or JSON lines, and the id of the
request being answered on every line made while answering it, in whatever thread."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from stethoscope import logs
from stethoscope.project import Project
from stethoscope.service.app import create_app
from tests.service.conftest import Api


@pytest.fixture
def configured() -> Iterator[tuple[io.StringIO, logging.Handler]]:
    """The log configured into a buffer; as it was afterwards."""
    root, ours = logging.getLogger(), logging.getLogger("stethoscope")
    levels = root.level, ours.level
    buffer = io.StringIO()
    handler = logs.configure("json", "debug", stream=buffer)
    yield buffer, handler
    root.removeHandler(handler)
    root.setLevel(levels[0])
    ours.setLevel(levels[1])


def lines(buffer: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in buffer.getvalue().splitlines()]


def test_json_lines_hold_the_request_id_the_extra_fields_and_the_traceback(
    configured: tuple[io.StringIO, logging.Handler],
) -> None:
    buffer, _ = configured
    log = logging.getLogger("stethoscope.test")
    log.info("outside a request")
    token = logs.REQUEST_ID.set("0123456789abcdef")
    try:
        log.warning("in %s", "a request", extra={"route": "/x", "status": 503})
        try:
            raise ValueError("boom")
        except ValueError:
            log.exception("failed")
    finally:
        logs.REQUEST_ID.reset(token)
    outside, inside, failed = lines(buffer)
    assert "request_id" not in outside
    assert outside["level"] == "info"
    assert outside["logger"] == "stethoscope.test"
    assert inside["message"] == "in a request"
    assert inside["request_id"] == "0123456789abcdef"
    assert (inside["route"], inside["status"]) == ("/x", 503)
    assert str(inside["time"]).endswith("+00:00")
    assert failed["request_id"] == "0123456789abcdef"
    assert "ValueError: boom" in str(failed["exception"])


def test_other_libraries_log_from_warning_up_and_a_second_configure_replaces_the_first(
    configured: tuple[io.StringIO, logging.Handler],
) -> None:
    buffer, first = configured
    logging.getLogger("a.library").info("a request was sent")
    logging.getLogger("a.library").warning("a warning")
    assert [line["logger"] for line in lines(buffer)] == ["a.library"]
    text = io.StringIO()
    second = logs.configure("text", "info", stream=text)
    try:
        assert first not in logging.getLogger().handlers
        token = logs.REQUEST_ID.set("feedfacefeedface")
        logging.getLogger("stethoscope.test").info("hello")
        logging.getLogger("stethoscope.test").debug("not at info")
        logs.REQUEST_ID.reset(token)
        assert text.getvalue().endswith(
            " INFO stethoscope.test: hello [request feedfacefeedface]\n"
        )
    finally:
        logging.getLogger().removeHandler(second)


def test_every_line_of_a_request_carries_its_id_also_from_a_worker_thread(
    configured: tuple[io.StringIO, logging.Handler], project: Project
) -> None:
    buffer, _ = configured
    api = Api(create_app(project, "token"))
    # a store whose schema is behind: /readyz (a sync endpoint, run in a worker thread)
    # logs why it is not ready
    project.store.con.execute("DELETE FROM stethoscope_migrations WHERE version = 14")
    r = api.get("/readyz")
    assert r.status_code == 503
    assert r.json() == {"ok": False, "store": "ok", "migrations": "pending"}
    request_id = r.headers["x-request-id"]
    logged = [line for line in lines(buffer) if line.get("request_id") == request_id]
    assert [line["logger"] for line in logged] == [
        "stethoscope.service.health",
        "stethoscope.service.metrics",
    ]
    assert logged[0]["message"] == "not ready: the store's migrations [14] are not applied"
    # debug: a line per request, with its route and status
    assert (logged[1]["route"], logged[1]["status"], logged[1]["method"]) == ("/readyz", 503, "GET")
    r = api.get("/readyz")
    assert r.headers["x-request-id"] != request_id

"""Segment-compatible ingest: ``POST /v1/track``, ``/v1/identify``, ``/v1/group`` and
``/v1/batch`` (also as ``/v1/import``, the name analytics-ruby and analytics-java use), as
Segment's HTTP Tracking API defines them, so that Segment's libraries send product usage to
Stethoscope by changing only their host. docs/concepts/ingest.md is the user's side of this.

- The credential is an ingest (or admin) key: the HTTP Basic user name, as Segment's
  libraries send their write key, or a Bearer token (``service.auth.require_ingest``).
- A 2xx answer means every call of the request is committed (one transaction); a re-sent
  messageId is stored once (``store.ingest``).
- A bad call of a batch is refused alone: the 400 names each refused call and field, and
  the batch's other calls are committed first (Segment's libraries drop a batch refused, so
  refusing it whole lost its good calls). A batch whose own fields are malformed is refused
  whole; so is one with a call over 32 KB or over 500 KB in all (413, Segment's limits);
  415 a body neither plain nor gzip. What a call may hold (no U+0000, ids of 255
  characters, times from 1970 to now + 5 years) is the data contract's rule.
- track calls become events; group calls, and identify calls whose traits name an
  account, put their user in that account; page, screen and alias calls in a batch are
  accepted and left out.
"""

from __future__ import annotations

import json
import math
import zlib
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from stethoscope import clock
from stethoscope.errors import DataError, Problem
from stethoscope.service import metrics
from stethoscope.service.auth import require_ingest
from stethoscope.service.deps import ProjectDep
from stethoscope.service.errors import ErrorEnvelope, envelope
from stethoscope.service.ingest_calls import (
    CALLS,
    HINT,
    IGNORED,
    MAX_CALL_BYTES,
    Batch,
    PayloadError,
    invalid,
    parse_call,
    read_batch,
)
from stethoscope.service.ingest_schema import SUCCESS, batch_schema, body, call_schema

if TYPE_CHECKING:
    from stethoscope.project import Project

# Segment's limit of a batch (a call's is MAX_CALL_BYTES), as JSON without compression
MAX_BATCH_BYTES = 500 * 1024
# what gzip may add to a body that does not compress (headers, stored blocks)
_GZIP_SLACK = 1024


# The ingest endpoints, for ingest and admin keys, over the served project (service.deps).
router = APIRouter(
    prefix="/v1",
    tags=["ingest"],
    dependencies=[Depends(require_ingest)],
    responses={
        200: {
            "description": 'Committed: `{"success": true}`',
            "content": {"application/json": {"schema": SUCCESS}},
        },
        400: {
            "model": ErrorEnvelope,
            "description": "A malformed call: every problem, with its place and field",
        },
        401: {
            "model": ErrorEnvelope,
            "description": "No credential, or one that is unknown or revoked",
        },
        403: {"model": ErrorEnvelope, "description": "A key whose role may not ingest"},
        413: {
            "model": ErrorEnvelope,
            "description": "A call over 32 KB, or a batch over 500 KB",
        },
        415: {"model": ErrorEnvelope, "description": "A Content-Encoding other than gzip"},
    },
)


async def _receive(request: Request, project: Project, kind: str | None) -> Response:
    received_at = clock.now()
    try:
        payload = _json(await _read(request, MAX_CALL_BYTES if kind else MAX_BATCH_BYTES))
    except PayloadError as e:  # the other DataErrors are the app's 400s
        return _refusal(e)
    try:
        if kind:
            batch = Batch(parse_call(payload, kind, received_at))
        else:
            batch = read_batch(payload, received_at)
    except PayloadError as e:
        return _refusal(e)
    except DataError:
        if kind:  # the one call of the request (a malformed batch has no count)
            metrics.ingested(request, accepted=0, refused=1)
        raise
    if batch.calls:
        await run_in_threadpool(project.ingest, batch.calls, received_at=received_at)
    metrics.ingested(request, accepted=len(batch.calls), refused=batch.refused)
    if batch.problems:
        return _refused_calls(batch)
    return JSONResponse({"success": True})


@router.post("/track", openapi_extra=body("track", call_schema("track")))
async def track(request: Request, project: ProjectDep) -> Response:
    """Record an action of a user: an event of the user's account."""
    return await _receive(request, project, "track")


@router.post("/identify", openapi_extra=body("identify", call_schema("identify")))
async def identify(request: Request, project: ProjectDep) -> Response:
    """Tell who a user is; traits naming an account put the user in it."""
    return await _receive(request, project, "identify")


@router.post("/group", openapi_extra=body("group", call_schema("group")))
async def group(request: Request, project: ProjectDep) -> Response:
    """Put a user in an account (the groupId)."""
    return await _receive(request, project, "group")


@router.post("/batch", openapi_extra=body("batch", batch_schema([*CALLS, *IGNORED])))
async def batch(request: Request, project: ProjectDep) -> Response:
    """Several calls at once: {"batch": [...], "sentAt": ..., "context": {...}}."""
    return await _receive(request, project, None)


@router.post("/import", include_in_schema=False)
async def import_(request: Request, project: ProjectDep) -> Response:
    return await _receive(request, project, None)


async def _read(request: Request, limit: int) -> bytes:
    """The body as JSON text, unzipped, at most ``limit`` bytes (else a PayloadError)."""
    encoding = request.headers.get("content-encoding", "").strip().lower()
    if encoding not in ("", "identity", "gzip"):
        raise PayloadError(
            f"the body is encoded as {encoding!r}",
            hint="send it plain or with Content-Encoding: gzip",
            status=415,
        )
    gzipped = encoding == "gzip"
    cap = limit + _GZIP_SLACK if gzipped else limit
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > cap:
        raise _too_large(limit)
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > cap:
            raise _too_large(limit)
        chunks.append(chunk)
    body = b"".join(chunks)
    return _gunzip(body, limit) if gzipped else body


def _gunzip(data: bytes, limit: int) -> bytes:
    """Unzip every gzip member of ``data``, stopping as soon as it passes ``limit``."""
    out = bytearray()
    while True:
        unzip = zlib.decompressobj(16 + zlib.MAX_WBITS)
        try:
            out += unzip.decompress(data, limit + 1 - len(out))
        except zlib.error as e:
            raise invalid("the body is not valid gzip", [Problem("body", str(e))]) from None
        if len(out) > limit:
            raise _too_large(limit)
        if not unzip.eof:
            raise invalid("the body is not valid gzip", [Problem("body", "it ends too early")])
        data = unzip.unused_data
        if not data:
            return bytes(out)


def _json(body: bytes) -> Any:
    def refuse(constant: str) -> None:
        raise ValueError(f"{constant} is not a JSON number")

    def number(text: str) -> float:
        value = float(text)
        if math.isinf(value):
            raise ValueError(f"the number {text[:30]} is out of range")
        return value

    try:
        return json.loads(body, parse_constant=refuse, parse_float=number)
    except (ValueError, RecursionError) as e:  # UnicodeDecodeError is a ValueError
        reason = str(e) if isinstance(e, ValueError) else "nested too deep"
        raise invalid("the body is not valid JSON", [Problem("body", reason)]) from None


def _too_large(limit: int) -> PayloadError:
    what = "a call" if limit == MAX_CALL_BYTES else "a batch"
    return PayloadError(
        f"the body is larger than {limit // 1024} KB, the most {what} may take",
        hint="send fewer calls per batch, or less in their properties and traits",
        status=413,
    )


def _refused_calls(batch: Batch) -> Response:
    """400 for the refused calls of a batch whose other calls are committed."""
    shown = batch.problems[:50]
    n = batch.refused
    return envelope(
        400,
        f"invalid batch: {n:,} call{'s' if n != 1 else ''} refused, {len(batch.calls):,} committed",
        type="DataError",
        errors=[
            {"loc": [p.where, *([p.column] if p.column else [])], "msg": p.message} for p in shown
        ],
        hint="the committed calls are stored and need not be sent again; fix the refused "
        f"ones: {HINT}",
        more=len(batch.problems) - len(shown),
    )


def _refusal(e: PayloadError) -> Response:
    errors = [
        {"loc": [p.where, *([p.column] if p.column else [])], "msg": p.message} for p in e.problems
    ]
    return envelope(
        e.status, e.message, type=type(e).__name__, errors=errors, hint=e.hint, more=e.more
    )

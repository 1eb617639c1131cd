"""Upserting rows of a source table over HTTP: `{"rows": [...]}` in, checked and written
exactly as `stethoscope import TABLE FILE --mode upsert` would (the rows become a JSON
Lines file for the same importer), all or nothing.

A row replaces the stored row with the same key (the table's id, or the id derived from
its natural key), whole: a field left out is empty afterwards. Events are not upserted:
they have no key, and come through ingest or `import`.
"""

from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path as FilePath
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, Field, ValidationError

from stethoscope.contract.schema import TABLES
from stethoscope.errors import DataError
from stethoscope.service.api_common import ApiProblem, EnvelopeRoute
from stethoscope.service.auth import require
from stethoscope.service.deps import ProjectDep

if TYPE_CHECKING:
    from stethoscope.contract.importer import ImportResult
    from stethoscope.project import Project

UPSERT_TABLES: tuple[str, ...] = tuple(t for t in TABLES if TABLES[t].key is not None)
# a request body larger than this is refused (413) before it is read to the end
MAX_BODY_BYTES = 16 << 20
# the JSON Lines file the rows become: its line N is row N - 1
_FILE = "rows.jsonl"
_LINE = re.compile(rf"^{re.escape(_FILE)} line (\d+)$")
# "duplicate id, also at row 3": another record of the file, named by its line
_OTHER_ROW = re.compile(r"\b(also at|as) row (\d+)\b")


class RowsRequest(BaseModel):
    rows: list[dict[str, Any]] = Field(
        min_length=1,
        description="Rows as JSON objects, keyed by the table's column names (see the data "
        "contract); the columns of a table are the same as for `import`.",
    )


class UpsertResult(BaseModel):
    table: str
    rows: int = Field(description="Rows received.")
    inserted: int = Field(description="Rows whose key was not stored yet.")
    updated: int = Field(description="Stored rows replaced by a row with the same key.")
    ignored_fields: list[str] = Field(
        description="Fields of the rows that the table has no column for (not stored)."
    )


def _body_schema() -> dict[str, Any]:
    return {
        "required": True,
        "content": {
            "application/json": {
                "schema": RowsRequest.model_json_schema(),
                "example": {
                    "rows": [
                        {
                            "id": "a1",
                            "name": "Acme",
                            "customer_since": "2024-01-01",
                            "arr": 1200,
                        }
                    ]
                },
            }
        },
    }


async def _read(request: Request) -> bytes:
    """The body, refused with 413 as soon as it is larger than MAX_BODY_BYTES."""
    too_large = ApiProblem(
        413,
        f"the request body is larger than {MAX_BODY_BYTES >> 20} MiB",
        ["body"],
        type="RequestError",
        hint="send the rows in several requests, or import a file with POST "
        "/api/tables/{table}/import",
    )
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise too_large
    size, chunks = 0, []
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise too_large
        chunks.append(chunk)
    return b"".join(chunks)


def _import(project: Project, table: str, rows: list[dict[str, Any]]) -> ImportResult:
    with tempfile.TemporaryDirectory(prefix="stethoscope-rows-") as tmp:
        path = FilePath(tmp) / _FILE
        with path.open("w", encoding="utf-8") as f:
            for row in rows:
                f.write(json.dumps(row, separators=(",", ":")) + "\n")
        return project.import_file(table, path, format="jsonl", mode="upsert")


def _located(e: DataError) -> ApiProblem:
    """The importer's problems, placed at the row and field of the request body."""
    errors = []
    for p in e.problems:
        m = _LINE.match(p.where)
        loc: list[str | int] = ["body", "rows", int(m.group(1)) - 1] if m else ["body"]
        msg = _OTHER_ROW.sub(lambda r: f"{r.group(1)} rows[{int(r.group(2)) - 1}]", p.message)
        errors.append({"loc": [*loc, *([p.column] if p.column else [])], "msg": msg})
    # the file is ours, not the caller's: name neither it nor importing
    message = e.message.removeprefix(f"{_FILE}: ").replace(
        "nothing was imported", "nothing was written"
    )
    return ApiProblem(
        400,
        message,
        ["body"],
        type=type(e).__name__,
        hint="fix the rows and send them again" if e.problems else e.hint,
        errors=errors or None,
        more=e.more,
    )


router = APIRouter(prefix="/api", tags=["data"], route_class=EnvelopeRoute)


async def upsert_rows(
    project: ProjectDep,
    table: Annotated[
        str,
        Path(
            description="A source table with a key.",
            json_schema_extra={"enum": list(UPSERT_TABLES)},
        ),
    ],
    request: Request,
) -> UpsertResult:
    """Insert or replace rows of a source table by its key, checked as `import --mode
    upsert` checks a file: every problem is reported with the row's index and the
    field, and nothing is written unless every row is good."""
    if table not in UPSERT_TABLES:
        hint = f"tables are: {', '.join(UPSERT_TABLES)}"
        if table == "events":
            hint = "events have no key: send them to the ingest endpoints, or import a file"
        raise ApiProblem(400, f"cannot upsert rows of '{table}'", ["path", "table"], hint=hint)
    body = await _read(request)
    try:
        rows = RowsRequest.model_validate_json(body).rows
    except ValidationError as e:
        raise RequestValidationError(
            [{**err, "loc": ("body", *err["loc"])} for err in e.errors()]
        ) from None
    try:
        result = await run_in_threadpool(_import, project, table, rows)
    except DataError as e:
        raise _located(e) from None
    columns = set(TABLES[table].names)
    ignored = (
        sorted({k for r in rows for k in r} - columns) if not TABLES[table].extras_into else []
    )
    return UpsertResult(
        table=table,
        rows=result.rows_read,
        inserted=result.rows_loaded - result.rows_replaced,
        updated=result.rows_replaced,
        ignored_fields=ignored,
    )


# PUT and POST alike, each with its own operation id
for method in ("PUT", "POST"):
    router.add_api_route(
        "/tables/{table}/rows",
        upsert_rows,
        methods=[method],
        dependencies=[Depends(require("editor"))],
        openapi_extra={"requestBody": _body_schema()},
        operation_id=f"upsert_rows_{method.lower()}",
    )

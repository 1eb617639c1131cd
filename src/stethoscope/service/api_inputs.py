"""CSM inputs over HTTP: record a gut check or a manual measure, list them, revoke one.

What the model declares is what may be recorded (``stethoscope input``, the same facade
method). The author of an input, and who revoked it, is the credential that sent the
request (``key:NAME``), as the audit log names it. A new or revoked input counts from the
next run.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query
from pydantic import BaseModel, Field, field_validator

from stethoscope import clock
from stethoscope.errors import DataError
from stethoscope.service.api_common import (
    ApiProblem,
    Day,
    EnvelopeRoute,
    Limit,
    Offset,
    Page,
    UtcDateTime,
    not_found,
    page,
)
from stethoscope.service.auth import require
from stethoscope.service.deps import Editor, ProjectDep

if TYPE_CHECKING:
    from stethoscope.project import Project


def _reason(v: str) -> str:
    if not v.strip():
        raise ValueError("say why: a reason is required")
    return v.strip()


class InputRequest(BaseModel):
    name: str = Field(min_length=1, description="The input, as the model declares it.")
    value: bool | int | float | str = Field(
        description="A number, yes/no (or true/false), or one of the input's choices."
    )
    reason: str = Field(max_length=2000, description="Why: kept with the value.")
    expires: Day | None = Field(
        None, description="From this date on the value no longer counts (default: the model's)."
    )

    _check_reason = field_validator("reason")(_reason)

    model_config = {
        "json_schema_extra": {
            "examples": [{"name": "gut_check", "value": 3, "reason": "exec sponsor left"}]
        }
    }


class RevokeRequest(BaseModel):
    reason: str = Field(max_length=2000, description="Why it no longer holds.")

    _check_reason = field_validator("reason")(_reason)


class Input(BaseModel):
    id: str
    account_id: str
    name: str
    value: float | str | None = Field(description="The number, or the choice.")
    author: str
    reason: str
    created_at: UtcDateTime
    expires_at: UtcDateTime | None
    revoked_at: UtcDateTime | None
    revoked_by: str | None
    revoke_reason: str | None
    status: Literal["live", "expired", "revoked"]


class Rescore(BaseModel):
    """Scoring the account again at once, after its input was saved."""

    as_of: Day | None = Field(description="The date scored again: the book's latest.")
    run_id: str | None = Field(description="The run of one account; null: not scored now.")
    before: dict[str, float | None] = Field(description="Each score before, by name.")
    scores: dict[str, float | None] = Field(description="Each score now, by name.")
    bands: dict[str, str | None] = Field(description="Each score's band now, by name.")
    not_now: str | None = Field(
        description="Why it was not scored now (the input counts from the next run)."
    )


class AddedInput(Input):
    rescored: Rescore


def _input(row: dict[str, Any], now: datetime) -> dict[str, Any]:
    if row["revoked_at"] is not None:
        status = "revoked"
    elif row["expires_at"] is not None and row["expires_at"] <= now:
        status = "expired"
    else:
        status = "live"
    value = row["value_number"] if row["value_text"] is None else row["value_text"]
    return row | {"value": value, "status": status}


router = APIRouter(prefix="/api", tags=["inputs"], route_class=EnvelopeRoute)


def _find(project: Project, input_id: str) -> dict[str, Any]:
    for row in project.inputs():
        if row["id"] == input_id:
            return row
    raise not_found("input", input_id, ["path", "input_id"])


@router.post("/accounts/{account_id}/inputs", status_code=201)
def add_input(
    project: ProjectDep,
    account_id: Annotated[str, Path(description="The account's id.")],
    req: InputRequest,
    who: Editor,
) -> AddedInput:
    """Record a CSM input for an account; its author is the caller's key. The account is
    then scored again at once, on the book's latest scored date, as a run of the whole book
    would score it (``rescored``); the rest of the book at the next run."""
    if project.account(account_id) is None:
        raise not_found("account", account_id, ["path", "account_id"])
    declared = project.load_model().inputs
    if req.name not in declared:
        raise ApiProblem(
            400,
            f"the model declares no input '{req.name}'",
            ["body", "name"],
            hint=f"inputs are: {', '.join(declared) or '(none)'}",
        )
    if req.expires is not None and req.expires <= clock.today():
        raise ApiProblem(400, f"the expiry {req.expires} is not in the future", ["body", "expires"])
    value = req.value
    raw = ("yes" if value else "no") if isinstance(value, bool) else str(value)
    try:
        row = project.add_input(
            account_id,
            req.name,
            raw,
            reason=req.reason,
            author=who.actor,
            expires=req.expires,
            actor=who.actor,
            rescore=True,
        )
    except DataError as e:
        # account, name and expiry are checked above: what is left is the value
        raise ApiProblem.of(e, ["body", "value"]) from None
    done = row["rescored"]
    return AddedInput(
        **_input(_find(project, row["id"]), clock.now()),
        rescored=Rescore(
            as_of=done.as_of,
            run_id=done.run_id,
            before=done.before,
            scores=done.scores,
            bands=done.bands,
            not_now=done.not_now,
        ),
    )


@router.get("/inputs", dependencies=[Depends(require("viewer"))])
def inputs(
    project: ProjectDep,
    limit: Limit = 50,
    offset: Offset = 0,
    account: Annotated[str | None, Query(description="Only this account's.")] = None,
    include_expired: Annotated[bool, Query(description="Expired ones too.")] = False,
    include_revoked: Annotated[bool, Query(description="Revoked ones too.")] = False,
) -> Page[Input]:
    """CSM inputs, newest first: the live ones, unless asked for more."""
    now = clock.now()
    rows = [_input(r, now) for r in project.inputs(account)]
    shown = {"live"} | ({"expired"} if include_expired else set())
    shown |= {"revoked"} if include_revoked else set()
    rows = [r for r in rows if r["status"] in shown]
    return Page[Input](**page(Input, rows[offset : offset + limit], len(rows), limit, offset))


@router.post("/inputs/{input_id}/revoke")
def revoke(
    project: ProjectDep,
    input_id: Annotated[str, Path(description="The input's id.")],
    req: RevokeRequest,
    who: Editor,
) -> Input:
    """Revoke an input: it stops counting from the next run, and is kept with who
    revoked it and why."""
    row = _find(project, input_id)
    if row["revoked_at"] is not None:
        raise ApiProblem(
            409,
            f"the input '{input_id}' was already revoked on {row['revoked_at']:%Y-%m-%d} "
            f"by {row['revoked_by']}",
            ["path", "input_id"],
            type="ConflictError",
        )
    project.revoke_input(input_id, by=who.actor, reason=req.reason, actor=who.actor)
    return Input(**_input(_find(project, input_id), clock.now()))

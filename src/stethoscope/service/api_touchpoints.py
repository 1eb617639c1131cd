"""Logging a touchpoint over HTTP: a note, call, meeting or email with a customer, and the
next step agreed, as the account page's form logs it (``Project.log_touchpoint``).

The touchpoint is a row of the contract's ``touchpoints`` table; its author is the
credential that sent it (``key:NAME``). A next step becomes an open task for the account's
owner, due on ``due_on`` when given. The answer (201) comes after the commit: an
acknowledged touchpoint is stored. Every bad field is reported, by name, and nothing is
written.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Path
from pydantic import AfterValidator, BaseModel, Field

from stethoscope.errors import DataError
from stethoscope.service.api_common import ApiProblem, Day, EnvelopeRoute, UtcDateTime, not_found
from stethoscope.service.deps import Editor, ProjectDep
from stethoscope.store.touchpoints import NOTE_MAX_CHARS, STEP_MAX_CHARS


def _naive_utc(t: datetime) -> datetime:
    """The store keeps UTC without a zone: a time with another zone is moved to UTC."""
    return t if t.tzinfo is None else t.astimezone(UTC).replace(tzinfo=None)


class TouchpointRequest(BaseModel):
    kind: Literal["note", "call", "meeting", "email", "qbr"] = Field(description="What it was.")
    note: str | None = Field(
        None,
        max_length=NOTE_MAX_CHARS,
        description="What was said or agreed (required for a note).",
    )
    occurred_at: Annotated[datetime, AfterValidator(_naive_utc)] | None = Field(
        None, description="When it happened (ISO 8601; without a zone: UTC). Default: now."
    )
    contact_id: str | None = Field(
        None, max_length=255, description="The customer's contact (contacts.id) it was with."
    )
    next_step: str | None = Field(
        None,
        max_length=STEP_MAX_CHARS,
        description="The next step agreed: it becomes an open task for the account's owner.",
    )
    due_on: Day | None = Field(None, description="When the next step is due.")

    model_config = {
        "extra": "forbid",
        "json_schema_extra": {
            "examples": [
                {
                    "kind": "call",
                    "note": "Renewal looks safe; they want SSO.",
                    "contact_id": "c-17",
                    "next_step": "Send the SSO guide",
                    "due_on": "2026-12-15",
                }
            ]
        },
    }


class Touchpoint(BaseModel):
    id: str
    account_id: str
    kind: str
    occurred_at: UtcDateTime
    contact_id: str | None
    contact_name: str | None
    persona: str | None = Field(description="The contact's role, when a contact is given.")
    author: str | None
    note: str | None
    task_id: int | None = Field(description="The task the next step became, if any.")
    resolved_alerts: list[int] = Field(
        default_factory=list,
        description="The account's open alerts this touchpoint resolved: those of rules "
        "whose resolves_on names its kind.",
    )


router = APIRouter(prefix="/api", tags=["touchpoints"], route_class=EnvelopeRoute)


@router.post("/accounts/{account_id}/touchpoints", status_code=201)
def log_touchpoint(
    project: ProjectDep,
    account_id: Annotated[str, Path(description="The account's id.")],
    req: TouchpointRequest,
    who: Editor,
) -> Touchpoint:
    """Log a touchpoint with an account, and the next step as a task for its owner."""
    if project.account(account_id) is None:
        raise not_found("account", account_id, ["path", "account_id"])
    try:
        row = project.log_touchpoint(
            account_id,
            req.kind,
            author=who.actor,
            note=(req.note or "").strip() or None,
            occurred_at=req.occurred_at,
            contact_id=(req.contact_id or "").strip() or None,
            next_step=(req.next_step or "").strip() or None,
            due_on=req.due_on,
            actor=who.actor,
        )
    except DataError as e:
        errors = [{"loc": ["body", p.column], "msg": p.message} for p in e.problems]
        first = e.problems[0].column if e.problems else None
        raise ApiProblem(
            400,
            e.message,
            ["body", *([first] if first else [])],
            type="DataError",
            errors=errors or None,
        ) from None
    return Touchpoint(account_id=account_id, **row)

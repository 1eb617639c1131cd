"""The runs of a project over HTTP: who scored what, when, and how it ended."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from stethoscope.service.api_common import MAX_OFFSET, Day
from stethoscope.service.auth import require
from stethoscope.service.deps import ProjectDep
from stethoscope.store.results import STATUSES

router = APIRouter(prefix="/api/runs", tags=["runs"])


@router.get("", dependencies=[Depends(require("viewer"))])
def runs(
    project: ProjectDep,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
    status: Annotated[str | None, Query(pattern="^(" + "|".join(STATUSES) + ")$")] = None,
) -> dict[str, Any]:
    """Runs, newest first, with their trigger (cli, api, schedule), status and error;
    ``next_offset`` is the offset of the next page, or null on the last."""
    # one more than asked: whether a next page exists, without counting every run
    rows = project.runs(limit + 1, offset=offset, status=status)
    return {
        "runs": [asdict(r) for r in rows[:limit]],
        "limit": limit,
        "offset": offset,
        "next_offset": offset + limit if len(rows) > limit else None,
    }


@router.get("/{run_id}", dependencies=[Depends(require("viewer"))])
def run(project: ProjectDep, run_id: str) -> dict[str, Any]:
    """One run."""
    record = project.run_record(run_id)
    if record is None:
        raise HTTPException(404, f"no run '{run_id}'")
    return asdict(record)


class RunRequest(BaseModel):
    """One date (``as_of``, default today, UTC), or the dates from ``from`` to ``to``:
    every day, or every ``every`` (``7d``, ``2w``, ``1mo``)."""

    model_config = ConfigDict(populate_by_name=True, extra="forbid")

    as_of: Day | None = None
    start: Day | None = Field(None, alias="from", description="Backfill from this date.")
    end: Day | None = Field(None, alias="to", description="... to this date (default: today).")
    every: str | None = Field(
        None, description="Step between the dates: 7d, 2w, 1mo (default: every day)."
    )

    @field_validator("every")
    @classmethod
    def _step(cls, v: str | None) -> str | None:
        from stethoscope.errors import DataError
        from stethoscope.steps import parse_step

        if v is None:
            return None
        try:
            return str(parse_step(v, "every"))
        except DataError as e:
            raise ValueError(e.message) from None

    @model_validator(mode="after")
    def _one_way(self) -> RunRequest:
        if self.as_of is not None and (self.start or self.end):
            raise ValueError("give as_of, or from and to, not both")
        if self.every is not None and not (self.start or self.end):
            raise ValueError("every needs from (and to)")
        if self.start and self.end and self.end < self.start:
            raise ValueError(f"'to' ({self.end}) is before 'from' ({self.start})")
        return self


class RunStarted(BaseModel):
    """A finished run (``stethoscope run`` prints the same)."""

    run_id: str
    model_version: str
    as_of_from: date
    as_of_to: date
    dates: int
    accounts: int
    seconds: float
    bands: dict[str, dict[str, int]] = Field(
        description="Accounts per band on the last date, per score."
    )
    every: str = Field("1d", description="The step between the run's dates.")


@router.post("", status_code=201, dependencies=[Depends(require("editor"))])
def start(project: ProjectDep, req: RunRequest | None = None) -> RunStarted:
    """Score every account as of a date, or at the dates of a span (every day, or
    every ``every``), under the project's model, as one atomic run recorded with the
    trigger ``api``; answers when it has finished. While a run is in progress another is
    refused (503)."""
    req = req or RunRequest.model_validate({})
    summary = project.run(
        as_of=req.as_of, start=req.start, end=req.end, every=req.every, trigger="api"
    )
    return RunStarted(**asdict(summary))

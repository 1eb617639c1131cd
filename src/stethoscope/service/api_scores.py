"""Reading the book over HTTP: accounts, scores, an account's history and explanation, and
the model versions. Every endpoint here needs the viewer role, and calls the facade
methods that the CLI's read-outs call (``scores``, ``explain``, ``diff``)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Response
from pydantic import BaseModel, Field

from stethoscope.errors import DataError, StethoscopeError
from stethoscope.rows import (
    AccountRow,
    Change,
    CurrentScore,
    Explanation,
    HistoryRow,
    ModelDiff,
    ModelVersionRow,
    ScoreRow,
)
from stethoscope.service.api_common import (
    ApiProblem,
    Day,
    EnvelopeRoute,
    Limit,
    Offset,
    Order,
    Page,
    UtcDateTime,
    not_found,
    page,
)
from stethoscope.service.auth import require
from stethoscope.service.deps import ProjectDep, ReadModelDep

if TYPE_CHECKING:
    from stethoscope.model.types import Model
    from stethoscope.project import Project

AccountId = Annotated[str, Path(description="The account's id (accounts.id).")]
# readouts.ACCOUNT_SORTS and readouts.SORTS, spelt out for the type checker and OpenAPI
AccountSort = Literal["name", "arr", "renewal_date"]
ScoreSort = Literal["score", "name", "arr", "renewal_date", "change_7d", "change_30d", "coverage"]
ScoreName = Annotated[str, Query(description="Which score of the model.")]


class Account(AccountRow):
    """An account as imported (see the data contract's accounts table)."""

    # the API has never answered when an account's values took effect: it stays out of the
    # JSON and of the published schema (pydantic's serialisation schema, which FastAPI
    # publishes, leaves an excluded field out) until it is decided to show it
    updated_at: datetime | None = Field(exclude=True)


class AccountDetail(Account):
    model_version: str = Field(description="The version of the project's model, now.")
    scores: list[CurrentScore] = Field(description="Empty until a run has scored the account.")


class ScorePage(Page[ScoreRow]):
    score_name: str
    as_of: date | None = Field(description="The date of the scores; null before any run.")
    model_version: str


class ModelVersion(ModelVersionRow):
    # the store keeps times in UTC without a zone; the API says it (api_common.UtcDateTime)
    created_at: UtcDateTime = Field(description="When it first scored.")
    active: bool = Field(description="Whether it is the project's model file now.")


class ActiveModel(BaseModel):
    version: str
    name: str
    description: str
    scores: list[str]
    text: str = Field(description="The model file's YAML, as written.")
    scored_to: date | None = Field(description="Latest date scored under it; null if none.")


def encode_detail(account: AccountRow, scores: list[CurrentScore], version: str) -> bytes:
    """The body of ``GET /api/accounts/{id}``: an account as ``Project.account`` gives it,
    its current scores (``Project.current_scores``), the model version now."""
    # the row's __dict__, not dict(row) (iterated in Python) nor model_construct: 7.5 µs an
    # account against 15 and 17.5 (measured), and the read model encodes every account
    detail = {**vars(account), "model_version": version, "scores": scores}
    return AccountDetail.model_validate(detail).model_dump_json().encode()


router = APIRouter(
    prefix="/api", dependencies=[Depends(require("viewer"))], route_class=EnvelopeRoute
)


def _model_with(project: Project, score: str) -> Model:
    m = project.load_model()
    if score not in m.scores:
        raise ApiProblem(
            400,
            f"the model has no score '{score}'",
            ["query", "score"],
            hint=f"scores are: {', '.join(m.scores)}",
        )
    return m


def _known(project: Project, account_id: str) -> AccountRow:
    found = project.account(account_id)
    if found is None:
        raise not_found("account", account_id, ["path", "account_id"])
    return found


@router.get("/accounts", tags=["accounts"])
def accounts(
    project: ProjectDep,
    limit: Limit = 50,
    offset: Offset = 0,
    segment: Annotated[str | None, Query(description="Only this segment.")] = None,
    owner: Annotated[str | None, Query(description="Only this owner (CSM).")] = None,
    search: Annotated[
        str | None, Query(min_length=1, description="Text in the name or id, any case.")
    ] = None,
    sort: Annotated[AccountSort, Query(description="The column to sort by.")] = "name",
    order: Order = "asc",
) -> Page[Account]:
    """Accounts as imported, filtered and sorted."""
    got = project.accounts(
        segment=segment,
        owner=owner,
        search=search,
        sort=sort,
        descending=order == "desc",
        limit=limit,
        offset=offset,
    )
    # their fields: pydantic validates a model's own instances, not its parent's
    items = [vars(r) for r in got.items]
    return Page[Account](**page(Account, items, got.total, limit, offset))


@router.get("/accounts/{account_id}", tags=["accounts"], response_model=AccountDetail)
def account(project: ProjectDep, reads: ReadModelDep, account_id: AccountId) -> Response:
    """An account, with each of its scores on the latest date it was scored."""
    version = project.load_model().version
    body = reads.get(account_id, version)
    if body is None:
        body = encode_detail(
            _known(project, account_id), project.current_scores(account_id), version
        )
    return Response(body, media_type="application/json")


@router.get("/accounts/{account_id}/history", tags=["accounts"])
def history(
    project: ProjectDep,
    account_id: AccountId,
    limit: Limit = 100,
    offset: Offset = 0,
    start: Annotated[Day | None, Query(alias="from", description="First date.")] = None,
    end: Annotated[Day | None, Query(alias="to", description="Last date.")] = None,
    score: Annotated[str | None, Query(description="Only this score.")] = None,
    model_version: Annotated[
        str | None, Query(description="Only this model version (default: every one).")
    ] = None,
) -> Page[HistoryRow]:
    """An account's stored scores over a span of dates, by date, score name and model
    version."""
    _known(project, account_id)
    if start and end and end < start:
        raise ApiProblem(400, f"'to' ({end}) is before 'from' ({start})", ["query", "to"])
    got = project.history(
        account_id,
        start=start,
        end=end,
        score=score,
        model_version=model_version,
        limit=limit,
        offset=offset,
    )
    return Page[HistoryRow](**page(HistoryRow, got.items, got.total, limit, offset))


@router.get("/accounts/{account_id}/explain", tags=["accounts"])
def explain(
    project: ProjectDep,
    account_id: AccountId,
    as_of: Annotated[
        Day | None, Query(description="Explain the score of this date (default: latest).")
    ] = None,
    vs: Annotated[
        Day | None, Query(description="Explain instead the change since this date.")
    ] = None,
    score: ScoreName = "health",
) -> Explanation | Change:
    """Every measure's value, grade, weight and contribution, adding up exactly to the
    score; with ``vs``, the change since that date attributed to the measures that
    moved, adding up exactly to the change. A date not stored under the current model
    is computed on the spot (and not stored)."""
    _known(project, account_id)
    _model_with(project, score)
    try:
        if vs is not None:
            return project.explain_change(account_id, vs=vs, as_of=as_of, score=score)
        return project.explain(account_id, as_of=as_of, score=score)
    except DataError as e:
        # the account exists: it is not a customer on one of the dates
        raise ApiProblem.of(e, ["path", "account_id"]) from None


@router.get("/scores", tags=["scores"])
def scores(
    project: ProjectDep,
    limit: Limit = 50,
    offset: Offset = 0,
    score: ScoreName = "health",
    as_of: Annotated[
        Day | None, Query(description="Scores of this date (default: the latest run's).")
    ] = None,
    band: Annotated[str | None, Query(description="Only this band.")] = None,
    segment: Annotated[str | None, Query(description="Only this segment (the account's).")] = None,
    owner: Annotated[str | None, Query(description="Only this owner (CSM).")] = None,
    sort: Annotated[ScoreSort, Query(description="The column to sort by.")] = "score",
    order: Order = "asc",
) -> ScorePage:
    """The scored book: what `stethoscope scores` lists, with group scores."""
    m = _model_with(project, score)
    day = as_of or project.latest_as_of()
    if day is None:
        empty = page(ScoreRow, [], 0, limit, offset)
        return ScorePage(**empty, score_name=score, as_of=None, model_version=m.version)
    filters: dict[str, Any] = {"band": band, "segment": segment, "owner": owner}
    rows = project.scores(
        score=score,
        as_of=day,
        sort=sort,
        descending=order == "desc",
        limit=limit,
        offset=offset,
        groups=True,
        **filters,
    )
    total = project.count_scores(as_of=day, score=score, **filters)
    return ScorePage(
        **page(ScoreRow, rows, total, limit, offset),
        score_name=score,
        as_of=day,
        model_version=m.version,
    )


@router.get("/models", tags=["models"])
def models(project: ProjectDep, limit: Limit = 50, offset: Offset = 0) -> Page[ModelVersion]:
    """The model versions that have scored, newest first."""
    try:
        active: str | None = project.load_model().version
    except StethoscopeError:
        active = None  # a broken model file is no reason not to list the stored ones
    got = project.model_versions(limit=limit, offset=offset)
    rows = [vars(r) | {"active": r.version == active} for r in got.items]
    return Page[ModelVersion](**page(ModelVersion, rows, got.total, limit, offset))


@router.get("/models/active", tags=["models"])
def active_model(project: ProjectDep) -> ActiveModel:
    """The project's model file now: its version, name and text."""
    m = project.load_model()
    return ActiveModel(
        version=m.version,
        name=m.name,
        description=m.description,
        scores=list(m.scores),
        text=m.source,
        scored_to=project.latest_as_of(),
    )


@router.get("/models/warnings", tags=["models"])
def warnings(project: ProjectDep) -> dict[str, Any]:
    """The active model's measures whose data the store does not hold: a source table
    with no rows, event names that never occur, an attribute no account has (what
    `stethoscope validate` and `run` warn of)."""
    return {"warnings": [asdict(w) for w in project.data_warnings()]}


@router.get("/models/diff", tags=["models"])
def diff(
    project: ProjectDep,
    old: Annotated[str, Query(min_length=6, description="A stored version, or its start.")],
    new: Annotated[
        str | None,
        Query(min_length=6, description="A stored version (default: the active model)."),
    ] = None,
    as_of: Annotated[
        Day | None, Query(description="Score both as of this date (default: latest).")
    ] = None,
    score: ScoreName = "health",
    top: Annotated[int, Query(ge=0, le=1000, description="How many movers to list.")] = 10,
) -> ModelDiff:
    """What replacing model ``old`` by ``new`` does to the book, scored on the same data
    as of the same date: accounts changing band, and the largest movers."""
    models: list[Model] = []
    for field, version in (("old", old), ("new", new)):
        try:
            m = project.stored_model(version) if version else project.load_model()
        except DataError as e:
            raise ApiProblem.of(e, ["query", field]) from None
        if score not in m.scores:
            raise ApiProblem(
                400,
                f"the model version {m.version[:12]} has no score '{score}'",
                ["query", "score"],
                hint=f"its scores are: {', '.join(m.scores)}",
            )
        models.append(m)
    return project.diff(models[0], models[1], as_of=as_of, score=score, top=top)

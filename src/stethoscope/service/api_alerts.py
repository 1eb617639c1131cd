"""Alerts, tasks, deliveries and the export over HTTP (docs/reference/api.md).

Reads need ``viewer``; changing a task, evaluating the rules and sending waiting deliveries
need ``editor``; the outbox, whose messages may hold customers' addresses, needs ``admin``.
Who changed a task is the credential that sent the request, as the audit log names it.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, ConfigDict, Field

from stethoscope.errors import StethoscopeError
from stethoscope.rows import AlertOutcome, AlertRow, DeliveryRow, RuleReport, TaskRow
from stethoscope.service.api_common import (
    ApiProblem,
    Day,
    EnvelopeRoute,
    Limit,
    Offset,
    not_found,
)
from stethoscope.service.deps import Admin, Editor, ProjectDep, Viewer
from stethoscope.store.alerts import ALERT_STATUSES, DELIVERY_STATUSES, TASK_STATUSES


def _pattern(values: tuple[str, ...]) -> str:
    return "^(" + "|".join(values) + ")$"


class TaskChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: Literal["open", "done", "snoozed", "dismissed"]
    reason: str | None = Field(None, max_length=2000, description="Why (needed to dismiss).")
    until: Day | None = Field(None, description="The day a snoozed task comes back.")


class TaskBulk(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ids: list[int] = Field(min_length=1, max_length=1000, description="The tasks to change.")
    action: Literal["done", "snooze", "dismiss", "reopen", "assign"]
    until: Day | None = Field(None, description="The day snoozed tasks come back.")
    owner: str | None = Field(None, max_length=320, description="Whom to assign them to.")
    reason: str | None = Field(None, max_length=2000, description="Why (needed to dismiss).")


class EvaluateRequest(BaseModel):
    model_config = ConfigDict(populate_by_name=True, extra="forbid")

    start: Day | None = Field(None, alias="from", description="First scored date to evaluate.")
    end: Day | None = Field(None, alias="to", description="Last (default: the latest scored).")


# A listing here answers ``{"<rows>": [...], "limit": L, "offset": O, "next_offset": N}``,
# without a total: a route asks the facade for one row more than the page, which says
# whether a next page exists without counting everything.
NextOffset = Annotated[
    int | None, Field(description="The offset of the next page; null on the last.")
]


class AlertList(BaseModel):
    alerts: list[AlertRow] = Field(description="Newest first.")
    limit: int
    offset: int
    next_offset: NextOffset


class OutcomeList(BaseModel):
    outcomes: list[AlertOutcome] = Field(description="Newest alert first.")
    limit: int
    offset: int
    next_offset: NextOffset


class DeliveryList(BaseModel):
    deliveries: list[DeliveryRow] = Field(description="Newest first.")
    limit: int
    offset: int
    next_offset: NextOffset


class TaskList(BaseModel):
    tasks: list[TaskRow] = Field(description="Soonest due first.")
    limit: int
    offset: int
    next_offset: NextOffset


class RuleReports(BaseModel):
    rules: list[RuleReport] = Field(description="A row per rule that has alerted.")


class TasksChanged(BaseModel):
    change: int = Field(description="The change's id, to undo it.")
    tasks: list[TaskRow]


def _more(got: int, limit: int, offset: int) -> dict[str, Any]:
    """The fields of a listing's page after its rows, of ``got`` rows (limit + 1 asked)."""
    return {
        "limit": limit,
        "offset": offset,
        "next_offset": offset + limit if got > limit else None,
    }


router = APIRouter(prefix="/api", tags=["alerts"], route_class=EnvelopeRoute)


@router.get("/alerts")
def alerts(
    project: ProjectDep,
    _: Viewer,
    limit: Limit = 50,
    offset: Offset = 0,
    status: Annotated[str | None, Query(pattern=_pattern(ALERT_STATUSES))] = None,
    rule: str | None = None,
    account_id: str | None = None,
    recipient: str | None = None,
) -> AlertList:
    """Alerts, newest first: rule, account, recipient, the score and band that opened
    it, what the rule measured (``value``), open or resolved."""
    rows = project.alerts(
        status=status,
        rule=rule,
        account_id=account_id,
        recipient=recipient,
        limit=limit + 1,
        offset=offset,
    )
    return AlertList(alerts=rows[:limit], **_more(len(rows), limit, offset))


@router.get("/alerts/report")
def report(
    project: ProjectDep, _: Viewer, horizon_days: Annotated[int, Query(ge=1, le=3660)] = 180
) -> RuleReports:
    """Per rule: alerts, accounts alerted, those that churned within the horizon after
    an alert (precision), churned accounts never alerted (recall), tasks done."""
    return RuleReports(rules=project.alert_report(horizon_days=horizon_days))


@router.get("/alerts/preview")
def preview(project: ProjectDep, _: Viewer) -> dict[str, Any]:
    """A dry run of the rules on the latest scored date: per rule, the accounts it fires
    on, of those scored, and the alerts it would open. Nothing is written."""
    return {"rules": [asdict(p) for p in project.preview_alerts()]}


@router.get("/alerts/outcomes")
def outcomes(
    project: ProjectDep, _: Viewer, limit: Limit = 50, offset: Offset = 0, rule: str | None = None
) -> OutcomeList:
    """Per alert: its task's status, the account's score 30 days later, and its next
    renewal or churn."""
    rows = project.alert_outcomes(rule=rule, limit=limit + 1, offset=offset)
    return OutcomeList(outcomes=rows[:limit], **_more(len(rows), limit, offset))


@router.get("/alerts/rules")
def rules(project: ProjectDep, _: Viewer) -> dict[str, Any]:
    """The project's alert rules as resolved (an invalid rules file answers 400 with
    every problem at its file:line), and the playbooks they may use."""
    from stethoscope.alerts.playbooks import presets

    r = project.alert_rules()
    return {
        "source": r.source,
        "rules": [vars(rule) for rule in r.rules.values()],
        "playbooks": sorted(r.playbooks or presets()),
    }


@router.post("/alerts/evaluate")
def evaluate(project: ProjectDep, _: Editor, req: EvaluateRequest | None = None) -> dict[str, Any]:
    """Evaluate the rules on scored dates not yet evaluated (after adding rules, say);
    a run evaluates its own dates by itself."""
    req = req or EvaluateRequest.model_validate({})
    done = project.evaluate_alerts(start=req.start, end=req.end)
    return {"evaluations": [vars(e) for e in done]}


@router.get("/alerts/deliveries")
def deliveries(
    project: ProjectDep,
    _: Admin,
    limit: Limit = 50,
    offset: Offset = 0,
    status: Annotated[str | None, Query(pattern=_pattern(DELIVERY_STATUSES))] = None,
) -> DeliveryList:
    """The outbox, newest first: every message with its channel, recipient, status,
    attempts and last error."""
    rows = project.deliveries(status=status, limit=limit + 1, offset=offset)
    return DeliveryList(deliveries=rows[:limit], **_more(len(rows), limit, offset))


@router.post("/alerts/deliveries/send")
def send(project: ProjectDep, _: Editor) -> dict[str, Any]:
    """Send the deliveries that are due now (the server also does every
    alert_drain_interval seconds)."""
    return vars(project.drain_outbox())


@router.get("/tasks")
def tasks(
    project: ProjectDep,
    _: Viewer,
    limit: Limit = 50,
    offset: Offset = 0,
    owner: str | None = None,
    status: Annotated[str | None, Query(pattern=_pattern(TASK_STATUSES))] = None,
    account_id: str | None = None,
) -> TaskList:
    """Tasks, soonest due first; ``status=open`` includes snoozed tasks whose day has
    come."""
    rows = project.tasks(
        owner=owner, status=status, account_id=account_id, limit=limit + 1, offset=offset
    )
    return TaskList(tasks=rows[:limit], **_more(len(rows), limit, offset))


@router.post("/tasks/bulk")
def change_tasks(project: ProjectDep, who: Editor, req: TaskBulk) -> TasksChanged:
    """Change tasks in one go (done, snooze, dismiss, reopen, assign); answers the change's
    id, which ``POST /api/tasks/changes/{change_id}/undo`` takes, and the tasks."""
    try:
        change = project.change_tasks(
            req.ids,
            req.action,
            until=req.until,
            owner=req.owner if req.action == "assign" else None,
            reason=req.reason if req.action == "dismiss" else None,
            actor=who.actor,
        )
    except StethoscopeError as e:
        raise ApiProblem.of(e, ["body"]) from None
    # the change found every task: one erased since (stethoscope forget) is not listed
    changed = [project.task(i) for i in sorted(set(req.ids))]
    return TasksChanged(change=change, tasks=[t for t in changed if t is not None])


@router.post("/tasks/changes/{change_id}/undo")
def undo_change(project: ProjectDep, who: Editor, change_id: int) -> dict[str, Any]:
    """Put the tasks of a change back exactly as they were (only its author, once, while
    none of them changed since)."""
    try:
        undone = project.undo_task_change(change_id, actor=who.actor)
    except StethoscopeError as e:
        raise ApiProblem.of(e, ["path", "change_id"]) from None
    return {"change": change_id, "undone": undone}


@router.get("/tasks/{task_id}")
def task(project: ProjectDep, _: Viewer, task_id: int) -> TaskRow:
    """One task, with its playbook's steps."""
    row = project.task(task_id)
    if row is None:
        raise not_found("task", str(task_id), ["path", "task_id"])
    return row


@router.post("/tasks/{task_id}")
def change_task(project: ProjectDep, who: Editor, task_id: int, req: TaskChange) -> TaskRow:
    """Mark a task done, snoozed (``until``), dismissed (``reason``) or open again;
    recorded in the audit log under the caller's key."""
    if project.task(task_id) is None:
        raise not_found("task", str(task_id), ["path", "task_id"])
    try:
        return project.update_task(
            task_id, req.status, reason=req.reason, until=req.until, actor=who.actor
        )
    except StethoscopeError as e:
        raise ApiProblem.of(e, ["body"]) from None


@router.get("/export", responses={200: {"content": {"text/csv": {}, "application/json": {}}}})
def export(
    project: ProjectDep,
    _: Viewer,
    format: Annotated[Literal["csv", "json"], Query()] = "csv",
    as_of: Day | None = None,
    score: str | None = None,
) -> Response:
    """The scored book on a date (default: the latest) as CSV or JSON, for a CRM or a
    marketing tool; the same as `stethoscope export`."""
    text = project.export_scores(fmt=format, as_of=as_of, score=score)
    media = "text/csv" if format == "csv" else "application/json"
    return Response(text, media_type=media)

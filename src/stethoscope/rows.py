"""The rows a person reads of the book, typed once: an account, a scored account, an
account's current scores and its history, a stored model version, why an account has its
score and how that changed, what another model would change, an alert, a task, a message
of the outbox, a rule's report, what became of an alert.

The facade returns them (``Project``, from the store; ``RemoteProject``, from the API's
JSON), the REST API answers with them as its response models, and the CLI prints their
fields, so an OpenAPI schema, a table column and mypy agree on one definition. They are
pydantic models rather than dataclasses because the API needs their JSON schema and the
HTTP client builds them from JSON (dates as text): pydantic does both without an adapter.

A row serialises to exactly the JSON the listing answered before it was typed: the fields
are in the order of the store's columns, and a task step's ``done`` is written only once
the step was ticked (or unticked).

The engine builds the explanations and changes (``engine.explain``) and the readouts the
model diffs, so this module imports nothing of the package: the engine may depend on it.
Those are frozen, as the dataclasses they replace were: the day's page caches them. Runs are
the store's dataclass (``store.results.RunRecord``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class Row(BaseModel):
    """A row of this module. Its validator and serializer are built on its first use, not
    when the class is made: every command imports this module, and building them all then
    was a tenth of the CLI's import (10 ms, measured), for rows most commands never make."""

    model_config = ConfigDict(defer_build=True)


class AccountRow(Row):
    """An account as imported (see the data contract's accounts table)."""

    id: str
    name: str
    owner: str | None
    segment: str | None
    industry: str | None
    plan: str | None
    arr: float | None
    seats: int | None
    customer_since: dt.date
    renewal_date: dt.date | None
    parent_id: str | None
    attributes: dict[str, Any] | None
    updated_at: dt.datetime | None = Field(description="When these values took effect.")


class BookRow(Row):
    """An account's score as of a date, with how it moved: a row of the scored book (the
    dashboard's Accounts page and its CSV), and of `stethoscope scores` without groups."""

    account_id: str
    name: str | None
    owner: str | None
    segment: str | None = Field(description="The account's segment, as imported.")
    arr: float | None
    renewal_date: dt.date | None
    score: float | None
    band: str | None
    coverage: float | None
    model_segment: str | None = Field(description="The model's segment that chose the scorecard.")
    scorecard: str | None
    change_7d: float | None
    change_30d: float | None
    change_90d: float | None


class ScoreRow(BookRow):
    """One account's score as of the page's date: what `stethoscope scores` shows."""

    # the facade fills them when asked (``scores(groups=True)``), and leaves them empty
    # otherwise; the API always asks
    groups: dict[str, float | None] = Field(
        description="Score (0-100) of each group under the scorecard, nested ones too."
    )


# what `stethoscope scores --format csv|json` writes: a row without its group scores
SCORE_COLUMNS = tuple(BookRow.model_fields)


class CurrentScore(Row):
    # one score of an account on the latest date it was scored (store.current keeps them)
    score_name: str
    as_of: dt.date = Field(description="The latest date the account was scored.")
    score: float | None
    band: str | None
    coverage: float | None = Field(description="Share of the scorecard's weight with data, 0-1.")
    segment: str | None = Field(description="The model's segment that chose the scorecard.")
    scorecard: str | None
    change_7d: float | None
    change_30d: float | None
    change_90d: float | None


class HistoryRow(Row):
    # one stored score of an account: a date, a score, the model version that gave it
    as_of: dt.date
    score_name: str
    model_version: str
    score: float | None
    band: str | None
    coverage: float | None
    segment: str | None
    scorecard: str | None
    run_id: str


class ModelVersionRow(Row):
    # a model version that has scored (by its content's hash), newest first
    version: str
    name: str
    created_at: dt.datetime = Field(description="When it first scored.")
    scored_from: dt.date | None = Field(description="First date its successful runs scored.")
    scored_to: dt.date | None = Field(description="Last date its successful runs scored.")


class AlertRow(Row):
    """An alert: opened by a rule for an account on a scored date, routed to a recipient;
    open until the rule's condition no longer holds."""

    id: int
    rule: str
    kind: str
    severity: str
    account_id: str
    account_name: str | None
    recipient: str | None
    segment: str | None
    opened_on: dt.date
    score: float | None = Field(description="The score that opened it.")
    band: str | None
    value: float | None = Field(description="What the rule measured (a drop, a score...).")
    status: str = Field(description="open or resolved.")
    resolved_on: dt.date | None
    model_version: str
    run_id: str | None
    created_at: dt.datetime


class TaskStep(Row):
    """A step of a task's playbook."""

    title: str
    after_days: int = Field(description="Days after the task opened that the step is due.")
    email_contact: str | None = Field(description="The contact role it emails; null: the CSM.")
    done: bool | None = Field(
        None,
        exclude_if=lambda done: done is None,
        description="Absent until the step is ticked or unticked.",
    )


class TaskRow(Row):
    """A call to action for a person, opened by an alert (or a touchpoint's next step)."""

    id: int
    alert_id: int | None
    account_id: str
    account_name: str | None
    owner: str | None
    title: str
    playbook: str | None
    steps: list[TaskStep]
    due_on: dt.date | None
    status: str = Field(description="open, done, snoozed or dismissed.")
    reason: str | None = Field(description="Why it was dismissed.")
    snoozed_until: dt.date | None
    created_at: dt.datetime
    updated_at: dt.datetime
    updated_by: str
    rule: str | None = Field(description="The rule of its alert.")


class DeliveryRow(Row):
    """A message of the outbox: sent, waiting to go (pending, retrying) or skipped."""

    id: int
    kind: str = Field(description="alert, customer or sync.")
    alert_id: int | None
    task_id: int | None
    channel: str
    recipient: str | None
    subject: str | None
    body: str
    digest: bool
    status: str
    attempts: int
    due_at: dt.datetime
    last_error: str | None
    created_at: dt.datetime
    sent_at: dt.datetime | None


class RuleReport(Row):
    """How well a rule foretold churn, over the dates the rules were evaluated on
    (alerts.outcomes)."""

    rule: str
    alerts: int
    alerted: int = Field(description="Accounts alerted.")
    churned_after: int = Field(description="Of them, those churned within the horizon.")
    tasks_done: int
    tasks_dismissed: int
    tasks_open: int
    missed: int = Field(description="Churned accounts the rule never alerted on before.")
    churned: int
    precision: float | None
    recall: float | None
    evaluated_from: dt.date
    evaluated_to: dt.date
    horizon_days: int


class AlertOutcome(Row):
    """What became of an alert: its task, the score some days later, the next renewal or
    churn."""

    id: int
    rule: str
    account_id: str
    opened_on: dt.date
    score: float | None
    band: str | None
    status: str
    resolved_on: dt.date | None
    task_status: str | None
    score_later: float | None
    outcome: str | None = Field(description="renewed or churned; null: neither yet.")
    outcome_on: dt.date | None


# -- why a score, and how it changed (built by engine.explain) ---------------------------

_FROZEN = ConfigDict(frozen=True)  # (and deferred, as every Row)


class MeasureLine(Row):
    # a measure's part of an explained score
    model_config = _FROZEN

    measure: str
    group: str | None = Field(description="The group that holds it; null: on the scorecard.")
    metric: str
    value: Any = Field(description="The metric's value; null when missing.")
    grade: float | None = Field(description="0-100.")
    weight: float = Field(description="Effective share of the score, 0-1 (0 when missing).")
    contribution: float = Field(description="On the scale; with the floor, adds up to the score.")
    age_days: int | None = Field(description="Age of the newest data behind the value.")


class GroupLine(Row):
    # a group's score and part of an explained score: its measures' contributions, summed
    model_config = _FROZEN

    group: str
    score: float | None
    weight: float
    contribution: float


class Explanation(Row):
    """Why an account has its score: as `stethoscope explain --format json`."""

    model_config = _FROZEN

    account_id: str
    account_name: str | None
    as_of: dt.date
    score_name: str
    model_version: str
    score: float | None
    band: str | None
    coverage: float | None
    segment: str | None
    scorecard: str | None
    floor: float = Field(description="The scale's minimum: contributions + floor = score.")
    measures: list[MeasureLine]
    groups: list[GroupLine]
    # from stored history under the same model version; None where there is no score to
    # compare with (empty until engine.explain.with_trends fills them)
    trends: dict[str, dict[int, float | None]] = Field(
        description="Change of the score and of each group score over 7, 30 and 90 days.",
    )


class ChangeLine(Row):
    # a measure that moved between two dates: its value, grade and contribution on each
    model_config = _FROZEN

    measure: str
    value_from: Any
    value_to: Any
    grade_from: float | None
    grade_to: float | None
    contribution_from: float
    contribution_to: float
    change: float


class Change(Row):
    """The change of a score between two dates, by measure: `explain --vs` as JSON. The
    lines' changes add up exactly to ``change``."""

    model_config = _FROZEN

    account_id: str
    score_name: str
    date_from: dt.date
    date_to: dt.date
    score_from: float | None
    score_to: float | None
    change: float | None
    lines: list[ChangeLine] = Field(description="Measures that moved, largest change first.")
    moved: list[str] = Field(
        default_factory=list,
        description="What the model changed rather than the customer, e.g. 'scorecard "
        "onboarding → standard' or 'segment smb → mid-market'.",
    )


# -- what another model would change (built by readouts.diff_frames) ---------------------


class Mover(Row):
    # an account whose score the other model moves: the largest first
    model_config = _FROZEN

    account_id: str
    name: str | None
    score_old: float | None
    score_new: float | None
    band_old: str | None
    band_new: str | None
    change: float | None


class ModelDiff(Row):
    """What replacing one model by another does to the book: as `stethoscope diff`."""

    model_config = _FROZEN

    as_of: dt.date
    score_name: str
    version_old: str
    version_new: str
    accounts: int
    transitions: dict[str, dict[str, int]] = Field(
        description="Accounts by old band, then new band ('unknown': no score)."
    )
    changed_band: int
    movers: list[Mover]
    into_band: dict[str, int] = Field(description="Accounts that newly land in each band.")

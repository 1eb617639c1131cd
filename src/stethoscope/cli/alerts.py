"""Commands for alerts, tasks and the export: `stethoscope alerts ...`, `stethoscope tasks
...`, `stethoscope export`. Each goes through the running server when one owns the store."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from stethoscope.cli import output
from stethoscope.cli.app import app, state
from stethoscope.errors import DataError

if TYPE_CHECKING:
    from pydantic import BaseModel

    from stethoscope.facade.protocol import Facade

alerts_app = typer.Typer(
    help="Alert rules and the alerts they opened: validate, list, report, send.",
    no_args_is_help=True,
)
tasks_app = typer.Typer(
    help="Tasks (calls to action) opened by alerts: list, show, done, snooze, dismiss.",
    no_args_is_help=True,
)
app.add_typer(alerts_app, name="alerts")
app.add_typer(tasks_app, name="tasks")

# a rule that fires on more of the book than this is likely on the wrong scale
LOUD = 0.5
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
LimitOpt = Annotated[int, typer.Option(min=1, max=1000, help="Rows to show.")]


def _connect() -> Facade:
    from stethoscope.connect import connect

    return connect(state.project, on_wait=output.note)


def _date(text: str | None, option: str) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(
            f"expected a date like 2025-06-30, got {text!r}", param_hint=option
        ) from None


def _print(rows: Sequence[BaseModel], columns: list[str], as_json: bool, empty: str) -> None:
    """Rows as JSON (every field), or as a table of ``columns``, fields of the rows' type
    (stethoscope.rows)."""
    from rich.table import Table  # only for a command that prints one

    if as_json:
        output.console.print_json(json.dumps([r.model_dump() for r in rows], default=str))
        return
    if not rows:
        output.console.print(empty, highlight=False)
        return
    table = Table(*columns)
    for r in rows:
        values = (getattr(r, c) for c in columns)
        table.add_row(*("" if v is None else str(v) for v in values))
    output.console.print(table)


# -- alerts ------------------------------------------------------------------------------


@alerts_app.command("init")
def alerts_init(
    path: Annotated[Path, typer.Argument(help="Where to write the rules.")] = Path("alerts.yaml"),
) -> None:
    """Write starting alert rules (below 70 investigate, below 60 act, a sudden drop, a move
    to red, a new NPS detractor) to edit; set alert_rules to use them."""
    from stethoscope.alerts.rules import preset_rules_text

    if path.exists():
        raise DataError(f"{path} exists already", hint="edit it, or pass another path")
    from stethoscope.facade.model_files import ModelFiles
    from stethoscope.settings import load_settings

    # the rules are written in the model's band names (reading the model needs no database)
    model = ModelFiles(load_settings(state.project)).load_model()
    path.write_text(preset_rules_text(model))
    output.console.print(
        f'Wrote {path}. Use it with alert_rules = "{path}" in stethoscope.toml, then '
        "`stethoscope alerts validate`.",
        highlight=False,
        soft_wrap=True,
    )


@alerts_app.command("validate")
def alerts_validate() -> None:
    """Check the alert rules against the model: every problem at once, at file:line; then a
    dry run: how many accounts each rule fires on at the latest scored date."""
    from rich.table import Table  # only for a command that prints one

    with _connect() as project:
        rules = project.alert_rules()
        previews = project.preview_alerts()
    from stethoscope.alerts.playbooks import presets

    names = ", ".join(rules.rules) or "none"
    output.console.print(
        f"Alert rules OK ({rules.source}): {len(rules.rules)} rules ({names}), "
        f"{len(rules.playbooks or presets())} playbooks.",
        highlight=False,
        soft_wrap=True,
    )
    if not previews:
        if rules.rules:
            output.console.print("No scores yet: `stethoscope run`, then validate again.")
        return
    table = Table("rule", "kind", "severity", "fires on", "would open", title=None)
    loud = []
    for p in previews:
        share = p.fires / p.scored if p.scored else 0.0
        table.add_row(
            p.rule,
            p.kind,
            p.severity,
            f"{p.fires:,} of {p.scored:,} ({share:.0%})",
            f"{p.would_open:,}",
        )
        if share > LOUD:
            loud.append(p.rule)
    output.console.print(f"Dry run on {previews[0].as_of}, the latest scored date:")
    output.console.print(table)
    for name in loud:
        output.console.print(
            f"[yellow]warning[/] rule '{name}' fires on more than {LOUD:.0%} of the scored "
            "accounts: is its threshold on the model's scale? (a band, `band: red`, or "
            "`percent:` of the scale fits any scale)",
            highlight=False,
            soft_wrap=True,
        )


@alerts_app.command("list")
def alerts_list(
    status: Annotated[str | None, typer.Option(help="open or resolved.")] = None,
    rule: Annotated[str | None, typer.Option(help="Only this rule's alerts.")] = None,
    account: Annotated[str | None, typer.Option(help="Only this account's alerts.")] = None,
    limit: LimitOpt = 50,
    as_json: JsonOpt = False,
) -> None:
    """List alerts, newest first."""
    with _connect() as project:
        rows = project.alerts(status=status, rule=rule, account_id=account, limit=limit)
    cols = [
        "id",
        "opened_on",
        "rule",
        "account_id",
        "account_name",
        "recipient",
        "score",
        "band",
        "status",
        "resolved_on",
    ]
    _print(rows, cols, as_json, "No alerts.")


@alerts_app.command("evaluate")
def alerts_evaluate(
    start: Annotated[str | None, typer.Option("--from", help="First scored date.")] = None,
    end: Annotated[str | None, typer.Option("--to", help="Last (default: latest).")] = None,
) -> None:
    """Evaluate the rules on scored dates not evaluated yet (a run does its own dates)."""
    with _connect() as project:
        done = project.evaluate_alerts(start=_date(start, "--from"), end=_date(end, "--to"))
    opened = sum(e.opened for e in done)
    resolved = sum(e.resolved for e in done)
    fresh = [e for e in done if not e.skipped]
    output.console.print(
        f"Evaluated {len(fresh)} dates ({len(done) - len(fresh)} already were): "
        f"{opened} alerts opened, {resolved} resolved.",
        highlight=False,
    )


@alerts_app.command("report")
def alerts_report(
    horizon: Annotated[int, typer.Option(min=1, help="Days after an alert that count.")] = 180,
    as_json: JsonOpt = False,
) -> None:
    """Per rule: alerts, accounts alerted, how many later churned (precision), churned
    accounts never alerted (recall), tasks done."""
    with _connect() as project:
        rows = project.alert_report(horizon_days=horizon)
    cols = [
        "rule",
        "alerts",
        "alerted",
        "churned_after",
        "precision",
        "churned",
        "missed",
        "recall",
        "tasks_done",
        "tasks_dismissed",
        "tasks_open",
    ]
    _print(rows, cols, as_json, "No alerts yet.")


@alerts_app.command("outcomes")
def alerts_outcomes(
    rule: Annotated[str | None, typer.Option(help="Only this rule's alerts.")] = None,
    limit: LimitOpt = 50,
    as_json: JsonOpt = False,
) -> None:
    """Per alert: its task's status, the score 30 days later, the next renewal or churn."""
    with _connect() as project:
        rows = project.alert_outcomes(rule=rule, limit=limit)
    cols = [
        "id",
        "opened_on",
        "rule",
        "account_id",
        "score",
        "task_status",
        "score_later",
        "outcome",
        "outcome_on",
    ]
    _print(rows, cols, as_json, "No alerts.")


@alerts_app.command("deliveries")
def alerts_deliveries(
    status: Annotated[str | None, typer.Option(help="pending, retrying, sent or skipped.")] = None,
    limit: LimitOpt = 50,
    as_json: JsonOpt = False,
) -> None:
    """The outbox: every message, its channel, recipient, status, attempts, last error."""
    with _connect() as project:
        rows = project.deliveries(status=status, limit=limit)
    cols = [
        "id",
        "kind",
        "channel",
        "recipient",
        "subject",
        "status",
        "attempts",
        "due_at",
        "last_error",
    ]
    _print(rows, cols, as_json, "No deliveries.")


@alerts_app.command("send")
def alerts_send() -> None:
    """Send the deliveries that are due now (failed ones back off; the server does this on
    a timer)."""
    with _connect() as project:
        d = project.drain_outbox()
    output.console.print(
        f"Sent {d.sent}, failed {d.failed} (tried again later); {d.waiting} waiting.",
        highlight=False,
    )


# -- tasks -------------------------------------------------------------------------------


@tasks_app.command("list")
def tasks_list(
    owner: Annotated[str | None, typer.Option(help="Only this person's tasks.")] = None,
    status: Annotated[
        str | None,
        typer.Option(help="open (with snoozed ones due again), done, snoozed, dismissed."),
    ] = None,
    account: Annotated[str | None, typer.Option(help="Only this account's tasks.")] = None,
    limit: LimitOpt = 50,
    as_json: JsonOpt = False,
) -> None:
    """List tasks, soonest due first."""
    with _connect() as project:
        rows = project.tasks(owner=owner, status=status, account_id=account, limit=limit)
    cols = ["id", "due_on", "owner", "title", "playbook", "status", "rule"]
    _print(rows, cols, as_json, "No tasks.")


@tasks_app.command("show")
def tasks_show(task_id: Annotated[int, typer.Argument(help="The task's id.")]) -> None:
    """A task with its playbook's steps."""
    with _connect() as project:
        t = project.task(task_id)
    if t is None:
        raise DataError(f"no task {task_id}", hint="list them with `stethoscope tasks list`")
    out = output.console
    out.print(f"Task {t.id}: {t.title}", highlight=False)
    out.print(
        f"  owner {t.owner or '(none)'}, due {t.due_on}, {t.status}"
        + (f" until {t.snoozed_until}" if t.snoozed_until else "")
        + (f" ({t.reason})" if t.reason else ""),
        highlight=False,
    )
    for i, s in enumerate(t.steps, 1):
        when = f" (after {s.after_days} days)" if s.after_days else ""
        mail = f" [emails the {s.email_contact}]" if s.email_contact else ""
        out.print(f"  {i}. {s.title}{when}{mail}", highlight=False)


def _change(
    task_id: int, status: str, reason: str | None = None, until: dt.date | None = None
) -> None:
    with _connect() as project:
        t = project.update_task(task_id, status, reason=reason, until=until)
    output.console.print(f"Task {t.id} is {t.status}.", highlight=False)


@tasks_app.command("done")
def tasks_done(task_id: Annotated[int, typer.Argument(help="The task's id.")]) -> None:
    """Mark a task done."""
    _change(task_id, "done")


@tasks_app.command("snooze")
def tasks_snooze(
    task_id: Annotated[int, typer.Argument(help="The task's id.")],
    until: Annotated[str, typer.Option(help="The day it comes back, e.g. 2025-07-15.")],
) -> None:
    """Snooze a task until a date."""
    _change(task_id, "snoozed", until=_date(until, "--until"))


@tasks_app.command("dismiss")
def tasks_dismiss(
    task_id: Annotated[int, typer.Argument(help="The task's id.")],
    reason: Annotated[str, typer.Option(help="Why it needs no action.")],
) -> None:
    """Dismiss a task, saying why."""
    _change(task_id, "dismissed", reason=reason)


@tasks_app.command("reopen")
def tasks_reopen(task_id: Annotated[int, typer.Argument(help="The task's id.")]) -> None:
    """Open a done, snoozed or dismissed task again."""
    _change(task_id, "open")


# -- export ------------------------------------------------------------------------------


@app.command("export")
def export(
    fmt: Annotated[str, typer.Option("--format", help="csv or json.")] = "csv",
    as_of: Annotated[str | None, typer.Option(help="The date (default: the latest).")] = None,
    score: Annotated[str | None, typer.Option(help="Only this score.")] = None,
    out: Annotated[Path | None, typer.Option(help="Write to this file (default: stdout).")] = None,
) -> None:
    """Export the scored book (account, owner, score, band ...) as CSV or JSON, for a CRM
    or a marketing tool."""
    if fmt not in ("csv", "json"):
        raise typer.BadParameter("expected csv or json", param_hint="--format")
    with _connect() as project:
        text = project.export_scores(fmt=fmt, as_of=_date(as_of, "--as-of"), score=score)
    if out is None:
        typer.echo(text, nl=False)
    else:
        out.write_text(text)
        output.err.print(f"Wrote {out}", highlight=False)

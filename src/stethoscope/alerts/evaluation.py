"""Evaluating alert rules on an as-of date: set-based SQL over score history and the source
tables, one statement per rule and step, never a loop over accounts.

Each rule kind is two queries over the date ``D`` (accounts with score, band and the value
the rule measured):

- *firing*: the accounts for which the rule's condition holds on D (a score below the
  threshold, a drop of N points against the best score of the last D days, a band that has
  just changed into one of ``to``, a new NPS detractor answer on D, ...);
- *holding*: the accounts for which an open alert should stay open, which is the condition
  relaxed by the rule's hysteresis (a score below threshold + hysteresis).

On D, first every open alert of the rule whose account is scored on D but no longer holds
is resolved; then an alert is opened for every firing account with no open alert of the
rule and none opened within the rule's cooldown. A new alert that asks for a task opens
one for its recipient, with the steps of its playbook. Recipients are routed in the same
statement: the account's owner, else the rule set's fallback for the account's segment,
else its fallback for any segment (``*``). A date is evaluated once per model version, and
never one before the latest evaluated (alerts move forward in time).
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from stethoscope import clock
from stethoscope.contract.schema import q
from stethoscope.store import audit
from stethoscope.store.results import detail_table

if TYPE_CHECKING:
    from stethoscope.alerts.rules import Rule, Rules
    from stethoscope.model.types import Model
    from stethoscope.store.database import Connection

# an NPS answer of 6 or less is a detractor's (Bain's definition)
DETRACTOR = 6
# how long a detractor alert holds without a new detractor answer, by default
DETRACTOR_DAYS = 30
# an onboarding account is stalled from ``within`` days after it became a customer; the
# rule looks this many days further for accounts it has not seen yet (a missed evaluation)
STALLED_GRACE = 30


@dataclass
class Evaluation:
    """What evaluating the rules on one date did."""

    as_of: str
    opened: int = 0
    resolved: int = 0
    tasks: int = 0
    skipped: bool = False  # already evaluated on this date under this model version
    batch: str = ""  # marks the alerts this evaluation opened


Sql = tuple[str, list[Any]]


def _scored(version: str, rule: Rule, day: dt.date) -> Sql:
    return (
        "SELECT account_id, score, band, scorecard, segment FROM score_history "
        "WHERE model_version = ? AND as_of = ? AND score_name = ?",
        [version, day, rule.score],
    )


def _in(values: tuple[str, ...]) -> str:
    return "(" + ", ".join("?" for _ in values) + ")"


def condition(model: Model, rule: Rule, day: dt.date, *, holding: bool) -> Sql:
    """The accounts (account_id, score, band, value) for which ``rule`` fires on ``day``,
    or, with ``holding``, for which its alert stays open."""
    v = model.version
    h, hp = _scored(v, rule, day)
    slack = rule.hysteresis if holding else 0.0
    nxt = day + dt.timedelta(days=1)
    kind = rule.kind
    if kind == "below":
        assert rule.threshold is not None
        return (
            f"SELECT account_id, score, band, score AS value FROM ({h}) h WHERE score < ?",
            [*hp, rule.threshold + slack],
        )
    if kind == "red":
        col = f"gs__{rule.group}" if rule.group else f"g__{rule.measure}"
        assert rule.threshold is not None
        return (
            f"SELECT h.account_id, h.score, h.band, d.{q(col)} AS value FROM ({h}) h "
            f"JOIN {q(detail_table(v))} d ON d.account_id = h.account_id AND d.as_of = ? "
            f"WHERE d.{q(col)} < ?",
            [*hp, day, rule.threshold + slack],
        )
    if kind == "drop":
        assert rule.points is not None
        assert rule.within_days is not None
        start = day - dt.timedelta(days=rule.within_days)
        # a drop that came with a move to another scorecard or segment is the model's doing,
        # not the customer's: it does not fire (an open alert still resolves as usual)
        moved, mp = ("", []) if holding else _moved(v, rule, start, day)
        return (
            f"SELECT h.account_id, h.score, h.band, p.peak - h.score AS value FROM ({h}) h "
            "JOIN (SELECT account_id, max(score) AS peak FROM score_history "
            "WHERE model_version = ? AND score_name = ? AND as_of >= ? AND as_of < ? "
            "GROUP BY account_id) p ON p.account_id = h.account_id "
            f"WHERE p.peak - h.score >= ?{moved}",
            [*hp, v, rule.score, start, day, rule.points - slack, *mp],
        )
    if kind == "band_change":
        to = _in(rule.to)
        if holding:
            return (
                f"SELECT account_id, score, band, score AS value FROM ({h}) h WHERE band IN {to}",
                [*hp, *rule.to],
            )
        # entering a band by a move to another scorecard or segment does not fire either
        return (
            f"SELECT h.account_id, h.score, h.band, h.score AS value FROM ({h}) h "
            "JOIN score_history p ON p.account_id = h.account_id AND p.model_version = ? "
            "AND p.score_name = ? AND p.as_of = (SELECT max(as_of) FROM score_history "
            "WHERE model_version = ? AND score_name = ? AND as_of < ?) "
            f"WHERE h.band IN {to} AND p.band NOT IN {to} "
            "AND p.scorecard IS NOT DISTINCT FROM h.scorecard "
            "AND p.segment IS NOT DISTINCT FROM h.segment",
            [*hp, v, rule.score, v, rule.score, day, *rule.to, *rule.to],
        )
    if kind == "detractor":
        days = rule.within_days or DETRACTOR_DAYS
        since = day - dt.timedelta(days=days - 1) if holding else day
        return (
            f"SELECT h.account_id, h.score, h.band, min(s.score) AS value FROM ({h}) h "
            "JOIN surveys s ON s.account_id = h.account_id "
            f"WHERE s.kind = 'nps' AND s.score <= {DETRACTOR} "
            "AND s.responded_at >= ? AND s.responded_at < ? "
            "GROUP BY h.account_id, h.score, h.band",
            [*hp, _midnight(since), _midnight(nxt)],
        )
    if kind == "stalled":
        assert rule.within_days is not None
        due = day - dt.timedelta(days=rule.within_days)
        events = _in(rule.events)
        window = "" if holding else "AND a.customer_since > ? AND a.customer_since <= ? "
        wparams = [] if holding else [due - dt.timedelta(days=STALLED_GRACE), due]
        return (
            "SELECT h.account_id, h.score, h.band, "
            "CAST(CAST(? AS DATE) - a.customer_since AS FLOAT8) AS value "
            f"FROM ({h}) h JOIN accounts a ON a.id = h.account_id "
            f"WHERE TRUE {window}"
            "AND NOT EXISTS (SELECT 1 FROM events e WHERE e.account_id = h.account_id "
            f"AND e.event IN {events} AND e.{q('timestamp')} < ?)",
            [day, *hp, *wparams, *rule.events, _midnight(nxt)],
        )
    if kind == "renewal":
        assert rule.within_days is not None
        bands = _in(rule.bands)
        return (
            "SELECT h.account_id, h.score, h.band, "
            "CAST(a.renewal_date - CAST(? AS DATE) AS FLOAT8) AS value "
            f"FROM ({h}) h JOIN accounts a ON a.id = h.account_id "
            f"WHERE a.renewal_date >= ? AND a.renewal_date <= ? AND h.band IN {bands}",
            [day, *hp, day, day + dt.timedelta(days=rule.within_days), *rule.bands],
        )
    raise AssertionError(kind)  # pragma: no cover - the rules' kinds are a Literal


def _moved(version: str, rule: Rule, start: dt.date, day: dt.date) -> Sql:
    """A condition on the scored account ``h``: read on the same scorecard and segment on
    every scored date from ``start`` up to ``day``."""
    return (
        " AND NOT EXISTS (SELECT 1 FROM score_history c WHERE c.account_id = h.account_id "
        "AND c.model_version = ? AND c.score_name = ? AND c.as_of >= ? AND c.as_of < ? "
        "AND (c.scorecard IS DISTINCT FROM h.scorecard OR c.segment IS DISTINCT FROM h.segment))",
        [version, rule.score, start, day],
    )


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time())


def _routing(rules: Rules) -> Sql:
    """The recipient of an alert on account ``a``: its owner, else the fallback for its
    segment, else the fallback for any segment."""
    fallback = {k: v for k, v in rules.routing.fallback.items() if k != "*"}
    anyone = rules.routing.fallback.get("*")
    if not fallback:
        return "COALESCE(NULLIF(a.owner, ''), CAST(? AS VARCHAR))", [anyone]
    whens = " ".join("WHEN ? THEN CAST(? AS VARCHAR)" for _ in fallback)
    params: list[Any] = [x for kv in fallback.items() for x in kv]
    return (
        f"COALESCE(NULLIF(a.owner, ''), CASE a.segment {whens} ELSE CAST(? AS VARCHAR) END)",
        [*params, anyone],
    )


def evaluate(
    con: Connection,
    model: Model,
    rules: Rules,
    day: dt.date,
    *,
    run_id: str | None = None,
    actor: str = "alerts",
) -> Evaluation:
    """Evaluate every rule on ``day`` (in the caller's transaction)."""
    result = Evaluation(day.isoformat())
    # alerts move forward in time: a date before one already evaluated (a backfill of older
    # history after newer runs) would reopen and resolve alerts out of order
    later = con.execute(
        "SELECT max(as_of) FROM alert_evaluations WHERE model_version = ?", [model.version]
    ).fetchone()
    if later and later[0] is not None and later[0] > day:
        result.skipped = True
        return result
    done = con.execute(
        "INSERT INTO alert_evaluations VALUES (?, ?, ?, 0, 0) ON CONFLICT DO NOTHING "
        "RETURNING as_of",
        [model.version, day, clock.now()],
    ).fetchall()
    if not done:
        result.skipped = True
        return result
    batch = result.batch = uuid.uuid4().hex
    created = clock.now()
    who, who_params = _routing(rules)
    for rule in by_severity(rules):
        scored, sp = _scored(model.version, rule, day)
        hold, hp = condition(model, rule, day, holding=True)
        resolved = con.execute(
            "UPDATE alerts SET status = 'resolved', resolved_on = ? "
            "WHERE rule = ? AND status = 'open' AND opened_on < ? "
            f"AND account_id IN (SELECT s.account_id FROM ({scored}) s "
            f"WHERE NOT EXISTS (SELECT 1 FROM ({hold}) x WHERE x.account_id = s.account_id))",
            [day, rule.name, day, *sp, *hp],
        ).fetchone()
        result.resolved += int(resolved[0]) if resolved else 0
        fire, fp = condition(model, rule, day, holding=False)
        segments = f"AND a.segment IN {_in(rule.segments)} " if rule.segments else ""
        graver, gp = _graver_open(rule)
        cooldown = day - dt.timedelta(days=rule.cooldown_days)
        ids = con.execute(
            "INSERT INTO alerts (rule, kind, severity, account_id, recipient, segment, "
            "opened_on, score, band, value, status, model_version, run_id, batch, created_at) "
            f"SELECT ?, ?, ?, f.account_id, {who}, a.segment, ?, f.score, f.band, f.value, "
            "'open', ?, ?, ?, ? "
            f"FROM ({fire}) f JOIN accounts a ON a.id = f.account_id "
            "WHERE NOT EXISTS (SELECT 1 FROM alerts x WHERE x.rule = ? "
            "AND x.account_id = f.account_id AND (x.status = 'open' OR x.opened_on > ?)) "
            f"{segments}{graver}",
            [
                rule.name,
                rule.kind,
                rule.severity,
                *who_params,
                day,
                model.version,
                run_id,
                batch,
                created,
                *fp,
                rule.name,
                cooldown,
                *rule.segments,
                *gp,
            ],
        ).fetchone()
        new = int(ids[0]) if ids else 0
        result.opened += new
        if new and rule.due_days is not None:
            result.tasks += _open_tasks(con, rules, rule, batch, day, created, actor)
    con.execute(
        "UPDATE alert_evaluations SET opened = ?, resolved = ? WHERE model_version = ? "
        "AND as_of = ?",
        [result.opened, result.resolved, model.version, day],
    )
    # who opened the alerts and tasks: counts only, as the audit log keeps no personal data
    audit.record(
        con,
        actor,
        "alerts.evaluate",
        day.isoformat(),
        {
            "opened": result.opened,
            "resolved": result.resolved,
            "tasks": result.tasks,
            "run_id": run_id,
        },
    )
    return result


def by_severity(rules: Rules) -> list[Rule]:
    """The rules, gravest first (in the file's order within a severity): an act rule opens
    its alert before an investigate rule looks at the same account on the same date."""
    from stethoscope.alerts.rules import SEVERITIES

    return sorted(rules.rules.values(), key=lambda r: -SEVERITIES.index(r.severity))


def _graver_open(rule: Rule) -> Sql:
    """A condition on the firing account ``f``: no open alert of a graver severity, so an
    account with an open 'act' alert (and its task) gets no 'investigate' one as well."""
    from stethoscope.alerts.rules import SEVERITIES

    graver = SEVERITIES[SEVERITIES.index(rule.severity) + 1 :]
    if not graver:
        return "", []
    return (
        "AND NOT EXISTS (SELECT 1 FROM alerts g WHERE g.account_id = f.account_id "
        f"AND g.status = 'open' AND g.severity IN {_in(graver)}) ",
        list(graver),
    )


@dataclass
class Preview:
    """What a rule would do on a date, written nowhere: accounts it fires on, of those
    scored, and how many of them have no open alert of it (what it would open)."""

    rule: str
    kind: str
    severity: str
    as_of: str
    fires: int
    scored: int
    would_open: int


def preview(con: Connection, model: Model, rules: Rules, day: dt.date) -> list[Preview]:
    """Every rule's firing condition on ``day``, counted (read-only: a dry run)."""
    out = []
    for rule in rules.rules.values():
        scored, sp = _scored(model.version, rule, day)
        fire, fp = condition(model, rule, day, holding=False)
        segments = f"AND a.segment IN {_in(rule.segments)} " if rule.segments else ""
        row = con.execute(
            f"SELECT (SELECT count(*) FROM ({scored}) s), count(f.account_id), "
            "count(f.account_id) FILTER (WHERE NOT EXISTS (SELECT 1 FROM alerts x "
            "WHERE x.rule = ? AND x.account_id = f.account_id AND x.status = 'open')) "
            f"FROM ({fire}) f JOIN accounts a ON a.id = f.account_id WHERE TRUE {segments}",
            [*sp, rule.name, *fp, *rule.segments],
        ).fetchone()
        assert row is not None
        out.append(
            Preview(rule.name, rule.kind, rule.severity, day.isoformat(), row[1], row[0], row[2])
        )
    return out


def _open_tasks(
    con: Connection,
    rules: Rules,
    rule: Rule,
    batch: str,
    day: dt.date,
    created: dt.datetime,
    actor: str,
) -> int:
    """A task for each alert the rule opened in ``batch``, with its playbook's steps."""
    playbook = rules.playbooks.get(rule.playbook) if rule.playbook else None
    steps = [
        {
            "title": s.title,
            "after_days": s.after_days,
            "email_contact": s.email_contact if playbook and playbook.email_customers else None,
        }
        for s in (playbook.steps if playbook else ())
    ]
    title = rule.task_title or rule.description or f"Alert {rule.name}"
    assert rule.due_days is not None
    n = con.execute(
        "INSERT INTO tasks (alert_id, account_id, owner, title, playbook, steps, due_on, status, "
        "created_at, updated_at, updated_by) "
        "SELECT al.id, al.account_id, al.recipient, ? || ': ' || COALESCE(a.name, al.account_id), "
        "?, ?, ?, 'open', ?, ?, ? FROM alerts al LEFT JOIN accounts a ON a.id = al.account_id "
        "WHERE al.batch = ? AND al.rule = ?",
        [
            title,
            rule.playbook,
            json.dumps(steps),
            day + dt.timedelta(days=rule.due_days),
            created,
            created,
            actor,
            batch,
            rule.name,
        ],
    ).fetchone()
    return int(n[0]) if n else 0


def evaluate_days(
    con: Connection,
    model: Model,
    rules: Rules,
    days: list[dt.date],
    *,
    run_id: str | None = None,
) -> list[Evaluation]:
    """Evaluate ``days`` in order, in one transaction."""
    out = []
    con.begin()
    try:
        for day in days:
            out.append(evaluate(con, model, rules, day, run_id=run_id))
        con.commit()
    except BaseException:
        con.rollback()
        raise
    return out

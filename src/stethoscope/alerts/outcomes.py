"""What became of alerts: per alert, whether its task was done, the account's score some
days later and its next renewal outcome; per rule, how well it foretold churn.

Per rule, over the dates the rules were evaluated on (``alert_evaluations``):

- ``alerted``: accounts the rule alerted on; ``churned_after``: those that churned within
  ``horizon`` days after an alert of the rule (the outcomes table's ``churned``);
- ``precision`` = churned_after / alerted;
- ``churned``: accounts scored on an evaluated date that churned after the first evaluated
  date (within the horizon of the last); ``missed``: those of them the rule never alerted
  on before they churned; ``recall`` = (churned - missed) / churned.

Everything is one query per report, over the whole store.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from stethoscope.rows import AlertOutcome, RuleReport
from stethoscope.store.results import row_dicts

if TYPE_CHECKING:
    from stethoscope.store.database import Connection

HORIZON_DAYS = 180
LATER_DAYS = 30


def _churn() -> str:
    return (
        "SELECT account_id, min(date) AS churned_on FROM outcomes WHERE kind = 'churned' "
        "GROUP BY account_id"
    )


def report(
    con: Connection, *, horizon_days: int = HORIZON_DAYS, rules: list[str] | None = None
) -> list[RuleReport]:
    """A row per rule that has alerted: alerts, accounts alerted, how many of them churned
    within the horizon after an alert, precision, churned accounts never alerted, recall,
    and how many of its tasks were done or dismissed."""
    span = con.execute("SELECT min(as_of), max(as_of) FROM alert_evaluations").fetchone()
    if not span or span[0] is None:
        return []
    first, last = span
    h = horizon_days
    rows = row_dicts(
        con,
        f"WITH churn AS ({_churn()}), "
        "book AS (SELECT DISTINCT account_id FROM score_history WHERE as_of >= ? AND as_of <= ?), "
        "churned AS (SELECT c.account_id, c.churned_on FROM churn c JOIN book b "
        "ON b.account_id = c.account_id WHERE c.churned_on > ? AND c.churned_on <= ?), "
        "per_alert AS (SELECT al.rule, al.id, al.account_id, al.opened_on, c.churned_on, "
        "t.status AS task_status FROM alerts al LEFT JOIN churn c ON c.account_id = al.account_id "
        "LEFT JOIN tasks t ON t.alert_id = al.id), "
        "hits AS (SELECT rule, count(*) AS alerts, count(DISTINCT account_id) AS alerted, "
        "count(DISTINCT CASE WHEN churned_on >= opened_on "
        "AND churned_on <= opened_on + CAST(? AS INTEGER) THEN account_id END) AS churned_after, "
        "count(CASE WHEN task_status = 'done' THEN 1 END) AS tasks_done, "
        "count(CASE WHEN task_status = 'dismissed' THEN 1 END) AS tasks_dismissed, "
        "count(CASE WHEN task_status IN ('open', 'snoozed') THEN 1 END) AS tasks_open "
        "FROM per_alert GROUP BY rule), "
        "missed AS (SELECT r.rule, count(*) AS missed FROM (SELECT DISTINCT rule FROM alerts) r "
        "CROSS JOIN churned c WHERE NOT EXISTS (SELECT 1 FROM alerts al WHERE al.rule = r.rule "
        "AND al.account_id = c.account_id AND al.opened_on <= c.churned_on) GROUP BY r.rule) "
        "SELECT hits.*, COALESCE(missed.missed, 0) AS missed, "
        "(SELECT count(*) FROM churned) AS churned FROM hits "
        "LEFT JOIN missed ON missed.rule = hits.rule ORDER BY hits.rule",
        [first, last, first, last + dt.timedelta(days=h), h],
    )
    out = []
    for r in rows:
        if rules is not None and r["rule"] not in rules:
            continue
        churned = int(r["churned"])
        caught = churned - int(r["missed"])
        r["precision"] = round(r["churned_after"] / r["alerted"], 4) if r["alerted"] else None
        r["recall"] = round(caught / churned, 4) if churned else None
        r["evaluated_from"] = first
        r["evaluated_to"] = last
        r["horizon_days"] = h
        out.append(RuleReport.model_validate(r))
    return out


def alert_outcomes(
    con: Connection,
    *,
    rule: str | None = None,
    later_days: int = LATER_DAYS,
    limit: int = 100,
    offset: int = 0,
) -> list[AlertOutcome]:
    """Per alert: its task's status, the account's score ``later_days`` after (the latest
    scored date up to then), and the first renewal or churn after the alert."""
    where, params = ("WHERE al.rule = ?", [rule]) if rule else ("", [])
    rows = row_dicts(
        con,
        "SELECT al.id, al.rule, al.account_id, al.opened_on, al.score, al.band, al.status, "
        "al.resolved_on, t.status AS task_status, "
        "(SELECT h.score FROM score_history h WHERE h.account_id = al.account_id "
        "AND h.model_version = al.model_version AND h.score_name = 'health' "
        "AND h.as_of > al.opened_on AND h.as_of <= al.opened_on + CAST(? AS INTEGER) "
        "ORDER BY h.as_of DESC LIMIT 1) AS score_later, "
        "(SELECT o.kind FROM outcomes o WHERE o.account_id = al.account_id "
        "AND o.kind IN ('renewed', 'churned') AND o.date >= al.opened_on "
        "ORDER BY o.date LIMIT 1) AS outcome, "
        "(SELECT o.date FROM outcomes o WHERE o.account_id = al.account_id "
        "AND o.kind IN ('renewed', 'churned') AND o.date >= al.opened_on "
        "ORDER BY o.date LIMIT 1) AS outcome_on "
        f"FROM alerts al LEFT JOIN tasks t ON t.alert_id = al.id {where} "
        "ORDER BY al.opened_on DESC, al.id DESC LIMIT ? OFFSET ?",
        [later_days, *params, limit, offset],
    )
    return [AlertOutcome.model_validate(r) for r in rows]

"""The outbox: the messages that alerts, playbooks and the sync decide to send, written in
the store before anything is sent, then sent by ``drain``.

After a run, every alert the run opened that is still open at its end gets one delivery per
channel of its rule (a catch-up over several days sends what is still true on its last
day, not every day's news). An ``immediate`` delivery is due at once; a ``digest`` one at
the next ``alert_digest_hour`` (UTC), when every digest delivery of a recipient and channel
goes as one message. A send that fails is tried again after ``alert_retry_delay`` seconds,
doubled after each failure up to ``alert_retry_max``, until it goes: nothing is dropped.
Sent is marked per delivery right after its send, so a drain that is interrupted sends
again at most the message in flight.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from stethoscope import clock
from stethoscope.store import alerts as store
from stethoscope.store.alerts import Delivery
from stethoscope.store.results import row_dicts

if TYPE_CHECKING:
    from stethoscope.alerts.rules import Rule, Rules
    from stethoscope.model.types import Model
    from stethoscope.settings import Settings
    from stethoscope.store.database import Connection

log = logging.getLogger(__name__)
# the days over which "what moved" is measured in a message
MOVED_DAYS = 7
MOVED_LINES = 3


@dataclass(frozen=True)
class Drained:
    sent: int
    failed: int
    waiting: int  # still to go after this drain (retrying, or due later)


def link(settings: Settings, account_id: str) -> str:
    from urllib.parse import quote

    base = settings.public_url.rstrip("/") or f"http://{settings.host}:{settings.port}"
    return f"{base}/accounts/{quote(account_id, safe='')}"


def next_digest(settings: Settings, at: dt.datetime) -> dt.datetime:
    """The first digest hour at or after ``at`` (naive UTC)."""
    slot = at.replace(hour=settings.alert_digest_hour, minute=0, second=0, microsecond=0)
    return slot if slot >= at else slot + dt.timedelta(days=1)


def compose(
    con: Connection,
    model: Model,
    rules: Rules,
    settings: Settings,
    batches: list[str],
    *,
    at: dt.datetime | None = None,
) -> list[Delivery]:
    """The deliveries of the alerts opened in ``batches`` that are still open, and the
    customer emails of their tasks' playbooks (only where a playbook opts in). Only rules
    that send anything are read."""
    sending = [
        r.name for r in rules.rules.values() if r.channels or _emails_customers(rules, r.playbook)
    ]
    if not batches or not sending:
        return []
    t = at or clock.now()
    rows = row_dicts(
        con,
        "SELECT al.*, a.name AS account_name, a.owner, a.arr, a.renewal_date, "
        "t.id AS task_id, t.due_on, t.playbook, t.steps FROM alerts al "
        "LEFT JOIN accounts a ON a.id = al.account_id "
        "LEFT JOIN tasks t ON t.alert_id = al.id "
        f"WHERE al.status = 'open' AND al.batch IN ({', '.join('?' for _ in batches)}) "
        f"AND al.rule IN ({', '.join('?' for _ in sending)}) ORDER BY al.id",
        [*batches, *sending],
    )
    out: list[Delivery] = []
    for r in rows:
        rule = rules.rules[r["rule"]]
        out += _alert_deliveries(con, model, rules, settings, rule, r, t)
        out += _customer_emails(con, rules, r, t)
    return out


def _emails_customers(rules: Rules, playbook: str | None) -> bool:
    p = rules.playbooks.get(playbook) if playbook else None
    return p is not None and p.email_customers and any(s.email_contact for s in p.steps)


def _alert_deliveries(
    con: Connection,
    model: Model,
    rules: Rules,
    settings: Settings,
    rule: Rule,
    r: dict[str, Any],
    t: dt.datetime,
) -> list[Delivery]:
    import json

    if not rule.channels:
        return []
    context = {
        "account": {
            "id": r["account_id"],
            "name": r["account_name"] or r["account_id"],
            "owner": r["owner"],
            "segment": r["segment"],
            "arr": r["arr"],
            "renewal_date": r["renewal_date"],
        },
        "rule": {
            "name": rule.name,
            "kind": rule.kind,
            "description": rule.description,
            "severity": rule.severity,
            "threshold": rule.threshold,
            "points": rule.points,
            "within_days": rule.within_days,
            "dimension": rule.group or rule.measure,
        },
        "score": r["score"],
        "band": r["band"],
        "value": r["value"],
        "as_of": r["opened_on"],
        "moved": moved(con, model, rule.score, r["account_id"], r["opened_on"]),
        "link": link(settings, r["account_id"]),
        "task": {"due_on": r["due_on"], "playbook": r["playbook"], "steps": json.loads(r["steps"])}
        if r["task_id"] is not None
        else None,
    }
    from stethoscope.alerts import templates  # Jinja2: only when there is a message to write

    try:
        subject, body = templates.message(rule.subject, rule.template, rule.kind, context)
    except Exception as e:  # a template naming what it is not given: say so, send the default
        subject, body = templates.message(None, None, rule.kind, context)
        body = f"(the rule's template failed: {type(e).__name__}: {e})\n\n{body}"
    recipient = r["recipient"]
    due = next_digest(settings, t) if rule.delivery == "digest" else t
    out = []
    for channel in rule.channels:
        skip = None
        to = recipient
        if channel == "email":
            to = rules.routing.email_of(recipient) if recipient else None
            if to is None:
                skip = (
                    f"no email address for '{recipient}' (add it under routing.people)"
                    if recipient
                    else "the account has no owner and its segment no fallback"
                )
        out.append(
            Delivery(
                "alert",
                channel,
                to,
                subject,
                body,
                digest=rule.delivery == "digest",
                alert_id=r["id"],
                task_id=r["task_id"],
                due_at=due,
                skip=skip,
            )
        )
    return out


def _customer_emails(
    con: Connection, rules: Rules, r: dict[str, Any], t: dt.datetime
) -> list[Delivery]:
    """The steps of the alert's playbook that email a customer contact, when the playbook
    opted in: one delivery per contact of that role, due ``after`` days from now."""
    playbook = rules.playbooks.get(r["playbook"]) if r["playbook"] else None
    if playbook is None or not playbook.email_customers or r["task_id"] is None:
        return []
    from stethoscope.alerts import templates

    out = []
    for step in playbook.steps:
        if not step.email_contact or not step.template:
            continue
        contacts = row_dicts(
            con,
            "SELECT id, name, email FROM contacts WHERE account_id = ? AND lower(role) = ? "
            "AND email IS NOT NULL ORDER BY id",
            [r["account_id"], step.email_contact.lower()],
        )
        for c in contacts:
            context = {
                "contact": {"name": c["name"] or "", "email": c["email"]},
                "account": {"id": r["account_id"], "name": r["account_name"] or r["account_id"]},
                "owner": r["recipient"],
                "scheduling_link": rules.routing.links.get(r["recipient"] or "", ""),
            }
            subject = templates.render(step.subject or step.title, context).strip()
            out.append(
                Delivery(
                    "customer",
                    "email",
                    c["email"],
                    subject,
                    templates.render(step.template, context),
                    alert_id=r["id"],
                    task_id=r["task_id"],
                    due_at=t + dt.timedelta(days=step.after_days),
                )
            )
    return out


def moved(
    con: Connection, model: Model, score: str, account_id: str, day: dt.date
) -> list[dict[str, Any]]:
    """The measures whose contributions moved most since the earliest stored day of the last
    ``MOVED_DAYS`` days, from the engine's explain (nothing without such a day)."""
    from stethoscope import readouts
    from stethoscope.engine.explain import compare, explain_row

    row = con.execute(
        "SELECT min(as_of) FROM score_history WHERE model_version = ? AND account_id = ? "
        "AND score_name = ? AND as_of >= ? AND as_of < ?",
        [model.version, account_id, score, day - dt.timedelta(days=MOVED_DAYS), day],
    ).fetchone()
    since = row[0] if row else None
    after = readouts.frame_row(con, model.version, account_id, day)
    before = readouts.frame_row(con, model.version, account_id, since) if since else None
    if after is None or before is None:
        return []
    change = compare(
        explain_row(model, before, score), explain_row(model, after, score), model.scale.decimals
    )
    return [
        {"measure": line.measure, "change": line.change, "since": since}
        for line in change.lines[:MOVED_LINES]
        if line.change
    ]


def drain(
    con_lock: Callable[[], Any],
    con: Connection,
    settings: Settings,
    *,
    at: dt.datetime | None = None,
) -> Drained:
    """Send every delivery due at ``at`` (default now). ``con_lock`` is a context manager
    factory held while the store is used, and released while sending."""
    t = at or clock.now()
    with con_lock():
        rows = store.due(con, t)
    sent = failed = 0
    for group in _messages(rows):
        # the channels (smtplib, email) only when there is something to send
        from stethoscope.alerts.channels import ChannelError, send

        first = group[0]
        ids = [g["id"] for g in group]
        if len(group) == 1:
            subject, body = first["subject"] or "", first["body"]
        else:
            subject = f"{len(group)} alerts for you"
            body = "\n\n----\n\n".join(f"{g['subject']}\n\n{g['body']}" for g in group)
        try:
            send(settings, first["channel"], first["recipient"], subject, body)
        except ChannelError as e:
            delay = min(
                settings.alert_retry_delay * 2 ** max(first["attempts"], 0),
                settings.alert_retry_max,
            )
            with con_lock():
                store.mark_failed(con, ids, str(e), t + dt.timedelta(seconds=delay))
            failed += len(ids)
            continue
        with con_lock():
            store.mark_sent(con, ids, clock.now())
        sent += len(ids)
    with con_lock():
        row = con.execute(
            "SELECT count(*) FROM deliveries WHERE status IN ('pending', 'retrying')"
        ).fetchone()
    return Drained(sent, failed, int(row[0]) if row else 0)


def _messages(rows: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Deliveries as messages: each immediate one alone, the digest ones of a recipient and
    channel together."""
    out: list[list[dict[str, Any]]] = []
    digests: dict[tuple[str, str | None], list[dict[str, Any]]] = {}
    for r in rows:
        if r["digest"]:
            digests.setdefault((r["channel"], r["recipient"]), []).append(r)
        else:
            out.append([r])
    return out + list(digests.values())


class Drainer:
    """Sends waiting deliveries every ``interval`` seconds, in a thread of its own (the
    server runs one)."""

    def __init__(self, send_due: Callable[[], Drained], interval: float) -> None:
        self.send_due = send_due
        self.interval = interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="stethoscope-outbox", daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.send_due()
            except Exception as e:  # the next tick tries again; the server must go on
                log.warning(
                    "outbox: could not send waiting deliveries: %s: %s", type(e).__name__, e
                )

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

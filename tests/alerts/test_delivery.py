"""Issue 6's "done when", with a real SMTP server and a real HTTP receiver: a drop below 60
emails the owner once and opens a task; the next day at 59 sends nothing; a recovery then a
new drop alerts again; a receiver that is down gets its delivery later, once."""

from __future__ import annotations

import base64
import datetime as dt
import json
from collections.abc import Callable

import pytest
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from stethoscope.alerts.channels import signed_headers
from stethoscope.store import audit
from tests.alerts.conftest import DAY0, Book, Mailbox, Receiver

ACT = """\
alerts:
  rules:
    act:
      kind: below
      threshold: 60
      hysteresis: 5
      cooldown: 2d
      description: Health below 60, act
      channels: [email]
      task: {playbook: red, due: 3d}
  routing:
    fallback: {smb: smb-lead@x.example}
"""


def smtp_settings(port: int) -> str:
    return f'smtp_host = "127.0.0.1"\nsmtp_port = {port}\nsmtp_security = "none"\n'


def day(n: int) -> dt.date:
    return DAY0 + dt.timedelta(days=n)


def test_a_drop_below_60_emails_the_owner_once_and_opens_a_task(
    book_factory: Callable[..., Book], smtp: tuple[int, Mailbox]
) -> None:
    port, box = smtp
    book = book_factory(ACT, smtp_settings(port))
    p = book.project
    book.score(day(0), a1=80, a2=90)
    assert box.messages == []
    book.score(day(1), a1=55, a2=90)
    assert len(box.messages) == 1
    to, msg = box.messages[0]
    assert to == ["dana@x.example"]
    assert msg["Subject"] == "[act] Acct a1: health 55.0 is below 60"
    body = msg.get_payload()
    assert "Score 55.0 (red) as of 2025-03-02" in body
    assert "level: -25.0 points" in body  # what moved, from the engine's explain
    assert "http://127.0.0.1:8765/accounts/a1" in body
    assert "Bring in an expert CSM" in body  # the playbook's steps
    tasks = p.tasks(status="open")
    assert [(t.account_id, t.owner, t.playbook, t.due_on) for t in tasks] == [
        ("a1", "dana@x.example", "red", day(4))
    ]
    assert len(tasks[0].steps) == 3
    # the next day at 59: the same alert is still open, nothing is sent (cooldown)
    book.score(day(2), a1=59, a2=90)
    assert len(box.messages) == 1
    # 62 is above 60 but within the hysteresis: still open, nothing sent
    book.score(day(3), a1=62, a2=90)
    book.score(day(4), a1=58, a2=90)
    assert len(box.messages) == 1
    assert [a.status for a in p.alerts()] == ["open"]
    # a recovery past the hysteresis resolves it; a new drop alerts again
    book.score(day(5), a1=70, a2=90)
    assert [(a.status, a.resolved_on) for a in p.alerts()] == [("resolved", day(5))]
    book.score(day(6), a1=50, a2=90)
    assert len(box.messages) == 2
    assert box.messages[1][0] == ["dana@x.example"]
    assert [a.status for a in p.alerts()] == ["open", "resolved"]
    assert len(p.tasks(status="open")) == 2
    sent = p.deliveries(status="sent")
    assert [(d.channel, d.recipient, d.attempts) for d in sent] == [
        ("email", "dana@x.example", 1),
        ("email", "dana@x.example", 1),
    ]


def test_cooldown_holds_back_an_alert_soon_after_the_last(
    book_factory: Callable[..., Book], smtp: tuple[int, Mailbox]
) -> None:
    port, box = smtp
    book = book_factory(ACT.replace("cooldown: 2d", "cooldown: 10d"), smtp_settings(port))
    book.score(day(0), a1=50)
    book.score(day(1), a1=80)  # resolved
    book.score(day(2), a1=50)  # fires again, but within 10 days of the last alert
    assert len(box.messages) == 1
    assert [a.status for a in book.project.alerts()] == ["resolved"]
    book.score(day(11), a1=50)  # 11 days after the last alert
    assert len(box.messages) == 2


def test_routing_falls_back_per_segment_and_skips_who_has_no_address(
    book_factory: Callable[..., Book], smtp: tuple[int, Mailbox]
) -> None:
    port, box = smtp
    book = book_factory(ACT, smtp_settings(port))
    book.segments["a2"] = "mid-market"
    book.owners["a2"] = ""
    book.score(day(0), a1=90, a2=50, a3=50)
    # a3 (smb, no owner) goes to the smb fallback; a2's segment has none: recorded, skipped
    assert [m[0] for m in box.messages] == [["smb-lead@x.example"]]
    skipped = book.project.deliveries(status="skipped")
    assert len(skipped) == 1
    assert skipped[0].last_error == "the account has no owner and its segment no fallback"


def test_a_webhook_receiver_that_is_down_gets_the_delivery_later_once(
    book_factory: Callable[..., Book], receiver: Receiver
) -> None:
    url = f"json://127.0.0.1:{receiver.port}/hook"
    rules = ACT.replace("channels: [email]", "channels: [hook]")
    book = book_factory(rules, f'alert_retry_delay = 30\nalert_channels = {{hook = "{url}"}}\n')
    p = book.project
    book.score(day(0), a1=50)  # the receiver is down
    [d] = p.deliveries()
    assert (d.status, d.attempts) == ("retrying", 1)
    assert "apprise reported a failure" in d.last_error
    receiver.start()
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    assert p.drain_outbox(at=now).sent == 0  # not due yet: backoff
    drained = p.drain_outbox(at=now + dt.timedelta(seconds=31))
    assert (drained.sent, drained.failed, drained.waiting) == (1, 0, 0)
    assert len(receiver.posts) == 1
    assert receiver.posts[0][0] == "/hook"
    assert receiver.json(0)["title"] == "[act] Acct a1: health 50.0 is below 60"
    # drained again, later: nothing goes twice
    p.drain_outbox(at=now + dt.timedelta(hours=5))
    book.score(day(1), a1=52)
    assert len(receiver.posts) == 1
    [d] = p.deliveries()
    assert (d.status, d.attempts) == ("sent", 2)


def test_failures_back_off_doubling_up_to_the_most(
    book_factory: Callable[..., Book], receiver: Receiver
) -> None:
    url = f"json://127.0.0.1:{receiver.port}/hook"
    rules = ACT.replace("channels: [email]", "channels: [hook]")
    book = book_factory(
        rules,
        f'alert_retry_delay = 10\nalert_retry_max = 35\nalert_channels = {{hook = "{url}"}}\n',
    )
    p = book.project
    book.score(day(0), a1=50)
    t = dt.datetime.now(dt.UTC).replace(tzinfo=None) + dt.timedelta(minutes=1)
    gaps = []
    for _ in range(3):
        p.drain_outbox(at=t)
        [d] = p.deliveries()
        gaps.append(round((d.due_at - t).total_seconds()))
        t = d.due_at
    assert gaps == [20, 35, 35]
    assert p.deliveries()[0].attempts == 4


def test_digest_rules_send_one_message_per_recipient_at_the_digest_hour(
    book_factory: Callable[..., Book], smtp: tuple[int, Mailbox]
) -> None:
    port, box = smtp
    rules = ACT.replace("cooldown: 2d", "cooldown: 2d\n      delivery: digest")
    book = book_factory(rules, smtp_settings(port))
    book.owners["a2"] = "dana@x.example"
    book.score(day(0), a1=50, a2=40)
    assert box.messages == []
    [first, *_] = book.project.deliveries()
    assert first.due_at.hour == 8
    assert first.due_at.minute == 0
    book.project.drain_outbox(at=first.due_at)
    assert len(box.messages) == 1
    to, msg = box.messages[0]
    assert to == ["dana@x.example"]
    assert msg["Subject"] == "2 alerts for you"


def test_tasks_change_status_with_an_audit_trail(
    book_factory: Callable[..., Book], smtp: tuple[int, Mailbox]
) -> None:

    from stethoscope.errors import DataError

    port, _ = smtp
    book = book_factory(ACT, smtp_settings(port))
    p = book.project
    book.score(day(0), a1=50)
    [t] = p.tasks()
    with pytest.raises(DataError, match=r"^say why: dismissing a task needs a reason\n"):
        p.update_task(t.id, "dismissed")
    with pytest.raises(DataError, match=r"^snoozing a task needs the date it comes back\n"):
        p.update_task(t.id, "snoozed")
    with pytest.raises(DataError, match=r"^no task 999\n"):
        p.update_task(999, "done")
    later = dt.datetime.now(dt.UTC).date() + dt.timedelta(days=3)
    assert p.update_task(t.id, "snoozed", until=later, actor="user:u1").status == "snoozed"
    assert p.tasks(status="open") == []
    done = p.update_task(t.id, "done", actor="user:u1")
    assert (done.status, done.updated_by, done.snoozed_until) == ("done", "user:u1", None)
    entries = audit.entries(p.store.con, 5)
    assert [(e.actor, e.action, e.target) for e in entries[:2]] == [
        ("user:u1", "task.done", str(t.id)),
        ("user:u1", "task.snoozed", str(t.id)),
    ]
    dismissed = p.update_task(t.id, "dismissed", reason="customer on holiday")
    assert dismissed.reason == "customer on holiday"


def test_a_signed_webhook_per_run_carries_the_changed_scores(
    book_factory: Callable[..., Book], receiver: Receiver
) -> None:
    receiver.start()
    url = f"http://127.0.0.1:{receiver.port}/crm"
    book = book_factory("", f'sync_webhook_url = "{url}"\nsync_webhook_secret = "s3cret"\n')
    book.score(day(0), a1=80, a2=90)
    book.score(day(1), a1=55, a2=90)
    book.score(day(2), a1=55, a2=90)  # nothing changed: nothing posted
    assert len(receiver.posts) == 2
    _path, headers, body = receiver.posts[1]
    # a receiver verifies with the Standard Webhooks library and the secret as whsec_<base64>
    hook = Webhook("whsec_" + base64.b64encode(b"s3cret").decode())
    payload = hook.verify(body, headers)
    assert (payload["as_of"], payload["previous_as_of"]) == ("2025-03-02", "2025-03-01")
    assert (payload["page"], payload["pages"]) == (1, 1)
    assert [
        (c["account_id"], c["score"], c["band"], c["previous_band"]) for c in payload["changed"]
    ] == [("a1", 55.0, "red", "green")]
    assert len(receiver.json(0)["changed"]) == 2
    assert headers["webhook-id"] != receiver.posts[0][1]["webhook-id"]


def test_a_sync_webhook_cannot_be_replayed_or_altered(
    book_factory: Callable[..., Book], receiver: Receiver
) -> None:
    receiver.start()
    url = f"http://127.0.0.1:{receiver.port}/crm"
    secret = "whsec_" + base64.b64encode(b"0123456789abcdef0123456789abcdef").decode()
    book = book_factory("", f'sync_webhook_url = "{url}"\nsync_webhook_secret = "{secret}"\n')
    book.score(day(0), a1=80, a2=90)
    [(_path, headers, body)] = receiver.posts
    hook = Webhook(secret)
    assert hook.verify(body, headers)["changed"]
    # the same message replayed ten minutes later: its signed timestamp gives it away
    stale = int(headers["webhook-timestamp"]) - 600
    old = signed_headers(secret, body, dt.datetime.fromtimestamp(stale, dt.UTC))
    with pytest.raises(WebhookVerificationError, match="too old"):
        hook.verify(body, old)
    # a fresh timestamp with the old signature, or another body: the signature fails
    moved = {**headers, "webhook-timestamp": str(int(headers["webhook-timestamp"]) + 1)}
    with pytest.raises(WebhookVerificationError, match="No matching signature"):
        hook.verify(body, moved)
    with pytest.raises(WebhookVerificationError, match="No matching signature"):
        hook.verify(body.replace(b'"a1"', b'"a9"'), headers)
    # a retry of the same message keeps its id, so a receiver drops the repeat
    again = signed_headers(secret, body, dt.datetime.now(dt.UTC))
    assert again["webhook-id"] == headers["webhook-id"]


def test_a_first_run_sends_the_book_in_bounded_pages(
    book_factory: Callable[..., Book], receiver: Receiver
) -> None:
    receiver.start()
    url = f"http://127.0.0.1:{receiver.port}/crm"
    book = book_factory(
        "", f'sync_webhook_url = "{url}"\nsync_webhook_secret = "k"\nsync_webhook_page_size = 1\n'
    )
    book.score(day(0), a1=80, a2=90)
    pages = [json.loads(body) for _path, _headers, body in receiver.posts]
    assert [(p["page"], p["pages"], len(p["changed"])) for p in pages] == [(1, 2, 1), (2, 2, 1)]
    assert sorted(c["account_id"] for p in pages for c in p["changed"]) == ["a1", "a2"]
    assert len({h["webhook-id"] for _path, h, _body in receiver.posts}) == 2


def test_a_scheduled_run_evaluates_the_rules_and_sends(
    book_factory: Callable[..., Book], smtp: tuple[int, Mailbox]
) -> None:
    from stethoscope.service.schedule import Scheduler
    from tests.service.test_schedule import FakeClock

    port, box = smtp
    book = book_factory(ACT, smtp_settings(port))
    book.put(a1=50, a2=90)
    tick = dt.datetime.combine(day(1), dt.time(2), tzinfo=dt.UTC)
    sched = Scheduler(book.project, "0 2 * * *", clock=FakeClock(tick), say=lambda _: None)
    run = sched.tick(tick)
    assert run is not None
    assert run.as_of_to == str(day(0))
    assert [r.trigger for r in book.project.runs()] == ["schedule"]
    assert [m[0] for m in box.messages] == [["dana@x.example"]]
    assert [(a.account_id, a.opened_on) for a in book.project.alerts()] == [("a1", day(0))]

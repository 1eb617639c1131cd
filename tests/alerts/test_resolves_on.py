"""An alert resolves on a touchpoint where its rule says so (``resolves_on``): logging a
call or meeting with the account closes the open alert of that rule, on the touchpoint's
day, in the touchpoint's transaction; a note does not, nor a call dated before the alert,
nor a rule without the key. On both stores."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from stethoscope.alerts.rules import parse_rules
from stethoscope.errors import ModelError
from stethoscope.model.loader import parse_model
from stethoscope.service.app import create_app
from tests.alerts.conftest import DAY0, MODEL, Book
from tests.service.conftest import TOKEN, Api, bearer

RULES = """\
alerts:
  rules:
    low:
      kind: below
      threshold: 60
      resolves_on: [call, meeting]
    lower:
      kind: below
      threshold: 50
"""


def _open(book: Book) -> dict[str, str]:
    return {a.rule: a.status for a in book.project.alerts(account_id="a1")}


def test_a_call_resolves_the_alert_of_a_rule_that_says_so(
    book_factory: Callable[..., Book],
) -> None:
    book = book_factory(RULES)
    book.score(DAY0, a1=40, a2=55)
    p = book.project
    assert _open(book) == {"low": "open", "lower": "open"}
    # a note is not a call; a call before the alert opened answers an older problem
    assert p.log_touchpoint("a1", "note", author="ann", note="read")["resolved_alerts"] == []
    before = dt.datetime.combine(DAY0 - dt.timedelta(days=1), dt.time(10))
    assert p.log_touchpoint("a1", "call", author="ann", occurred_at=before)["resolved_alerts"] == []
    assert _open(book) == {"low": "open", "lower": "open"}

    logged = p.log_touchpoint("a1", "call", author="ann", occurred_at=dt.datetime(2025, 3, 2, 9))
    [low] = [a for a in p.alerts(account_id="a1") if a.rule == "low"]
    assert logged["resolved_alerts"] == [low.id]
    assert (low.status, low.resolved_on) == ("resolved", dt.date(2025, 3, 2))
    # the rule without resolves_on keeps its alert open; the audit log names what resolved
    assert _open(book) == {"low": "resolved", "lower": "open"}
    [entry] = [
        e for e in p.audit(10, action="touchpoint.logged") if e.detail.get("kind") == "call"
    ][:1]
    assert entry.detail["resolved_alerts"] == [low.id]
    # nothing open to resolve: a second call resolves nothing
    assert p.log_touchpoint("a1", "meeting", author="ann")["resolved_alerts"] == []
    # over the API, the answer names the alerts a meeting resolved
    api = Api(create_app(p, TOKEN))
    key = p.create_key("crm", "editor").secret
    r = api.post("/api/accounts/a2/touchpoints", headers=bearer(key), json={"kind": "meeting"})
    [a2] = p.alerts(account_id="a2")
    assert (r.status_code, r.json()["resolved_alerts"], a2.status) == (
        201,
        [a2.id],
        "resolved",
    )


def test_resolves_on_names_touchpoint_kinds() -> None:
    text = MODEL + "alerts:\n  rules:\n    low: {kind: below, threshold: 60, resolves_on: [cal]}\n"
    with pytest.raises(ModelError) as e:
        parse_rules(text, "model.yaml", parse_model(MODEL), key="alerts")
    [problem] = e.value.problems
    assert problem.message.startswith(
        "alerts.rules.low.resolves_on[0]: unknown touchpoint kind 'cal' (did you mean 'call'?)"
    )
    rules = parse_rules(MODEL + RULES, "model.yaml", parse_model(MODEL), key="alerts")
    assert (rules.rules["low"].resolves_on, rules.rules["lower"].resolves_on) == (
        ("call", "meeting"),
        (),
    )

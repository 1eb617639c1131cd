"""Each kind of rule opens and resolves alerts on the dates it should (no channels: the
alerts and tasks are what is checked)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from tests.alerts.conftest import DAY0, Book


def day(n: int) -> dt.date:
    return DAY0 + dt.timedelta(days=n)


def rules(body: str) -> str:
    return "alerts:\n  rules:\n    r:\n      channels: []\n" + body


def opened(book: Book) -> list[tuple[str, dt.date, str]]:
    rows = book.project.alerts(limit=100)
    return sorted((a.account_id, a.opened_on, a.status) for a in rows)


def test_band_change_alerts_on_the_move_into_a_band(book_factory: Callable[..., Book]) -> None:
    book = book_factory(rules("      kind: band_change\n      to: [red]\n"))
    book.score(day(0), a1=80, a2=50)  # a2 starts red: no change into it
    book.score(day(1), a1=70, a2=50)  # yellow is not in `to`
    assert opened(book) == []
    book.score(day(2), a1=55, a2=50)
    book.score(day(3), a1=50, a2=50)
    assert opened(book) == [("a1", day(2), "open")]
    book.score(day(4), a1=80, a2=50)
    assert opened(book) == [("a1", day(2), "resolved")]


def test_drop_compares_with_the_best_score_of_the_window(book_factory: Callable[..., Book]) -> None:
    book = book_factory(rules("      kind: drop\n      points: 15\n      within: 7d\n"))
    book.score(day(0), a1=90, a2=90)
    book.score(day(1), a1=80, a2=89)
    assert opened(book) == []
    book.score(day(2), a1=74, a2=88)
    [a] = book.project.alerts()
    assert (a.account_id, a.value) == ("a1", 16.0)
    # the peak leaves the window after 7 days: the drop no longer holds
    book.score(day(9), a1=74, a2=88)
    assert opened(book) == [("a1", day(2), "resolved")]


def test_red_measure_uses_the_red_band_by_default(book_factory: Callable[..., Book]) -> None:
    book = book_factory(rules("      kind: red\n      measure: level\n"))
    book.score(day(0), a1=59, a2=60)
    assert opened(book) == [("a1", day(0), "open")]


def test_a_new_detractor_answer_alerts_once(book_factory: Callable[..., Book]) -> None:
    book = book_factory(
        rules("      kind: detractor\n      within: 10d\n      task: {playbook: nps-detractor}\n")
    )
    book.score(day(0), a1=80, a2=80)
    book.load(
        "surveys",
        "account_id,kind,score,responded_at\n"
        f"a1,nps,3,{day(1)}T10:00:00\na2,nps,9,{day(1)}T11:00:00\na2,csat,1,{day(1)}T11:00:00\n",
    )
    book.score(day(1), a1=80, a2=80)
    book.score(day(2), a1=80, a2=80)
    assert opened(book) == [("a1", day(1), "open")]
    [t] = book.project.tasks()
    assert t.playbook == "nps-detractor"
    # without email_customers the customer emails are steps for the CSM
    assert [s.email_contact for s in t.steps] == [None, None, None]
    book.score(day(11), a1=80, a2=80)
    assert opened(book) == [("a1", day(1), "resolved")]


def test_an_onboarding_account_without_its_key_event_stalls(
    book_factory: Callable[..., Book],
) -> None:
    book = book_factory(
        rules("      kind: stalled\n      events: [setup_done]\n      within: 14d\n")
    )
    book.since.update(a1=str(day(-20)), a2=str(day(-20)), a3=str(day(-5)))
    book.put(a1=80, a2=80, a3=80)
    book.load("events", f"account_id,event,timestamp\na1,setup_done,{day(-19)}T09:00:00\n")
    book.score(day(0), a1=80, a2=80, a3=80)
    assert opened(book) == [("a2", day(0), "open")]
    book.load("events", f"account_id,event,timestamp\na2,setup_done,{day(1)}T09:00:00\n")
    book.score(day(1), a1=80, a2=80, a3=80)
    assert opened(book) == [("a2", day(0), "resolved")]


def test_a_renewal_near_while_not_green(book_factory: Callable[..., Book]) -> None:
    # every account renews on DAY0 + 40
    book = book_factory(rules("      kind: renewal\n      within: 45d\n"))
    book.score(day(0), a1=70, a2=90)
    assert opened(book) == [("a1", day(0), "open")]
    book.score(day(41), a1=70, a2=90)  # the renewal date has passed
    assert opened(book) == [("a1", day(0), "resolved")]


def test_rules_for_some_segments_only(book_factory: Callable[..., Book]) -> None:
    book = book_factory(
        rules("      kind: below\n      threshold: 60\n      segments: [enterprise]\n")
    )
    book.score(day(0), a1=50, a2=50)
    assert opened(book) == [("a2", day(0), "open")]


def test_a_playbook_that_opts_in_emails_the_customer_contacts(
    book_factory: Callable[..., Book],
) -> None:
    from tests.alerts.conftest import Mailbox  # noqa: F401  (the email goes via the outbox)

    text = (
        "alerts:\n  rules:\n    r:\n      kind: below\n      threshold: 60\n      channels: []\n"
        "      task: {playbook: care}\n"
        "  routing:\n    people:\n      dana@x.example: {scheduling_link: 'https://cal.example/dana'}\n"
        "  playbooks:\n    care:\n      email_customers: true\n      steps:\n"
        "        - {title: Call, after: 1d}\n"
        "        - title: Write\n          email_contact: champion\n          after: 2d\n"
        "          subject: 'Hello {{ account.name }}'\n"
        "          template: 'Hi {{ contact.name }}, book me at {{ scheduling_link }}'\n"
    )
    book = book_factory(text)
    book.put(a1=50)
    book.load(
        "contacts",
        "id,account_id,email,name,role\nc1,a1,kim@cust.example,Kim,champion\n"
        "c2,a1,bo@cust.example,Bo,user\n",
    )
    book.score(day(0), a1=50)
    [d] = book.project.deliveries()
    assert (d.kind, d.channel, d.recipient, d.subject) == (
        "customer",
        "email",
        "kim@cust.example",
        "Hello Acct a1",
    )
    assert d.body == "Hi Kim, book me at https://cal.example/dana"
    assert d.status == "pending"  # due in two days
    [t] = book.project.tasks()
    assert [s.email_contact for s in t.steps] == [None, "champion"]


def test_a_date_before_the_latest_evaluated_is_not_evaluated(
    book_factory: Callable[..., Book],
) -> None:
    book = book_factory(rules("      kind: below\n      threshold: 60\n"))
    book.score(day(5), a1=80)
    book.score(day(1), a1=50)  # older history scored later: no alert back in time
    assert opened(book) == []
    assert [e.skipped for e in book.project.last_evaluation] == [True]
    book.score(day(6), a1=50)
    assert opened(book) == [("a1", day(6), "open")]

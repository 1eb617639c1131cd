"""Candidate metrics for ``stethoscope discover``, written in the model language.

Each candidate is a metric as a model file would hold it (``{table: events, aggregate:
count, window: 30d}``), with the helper metrics it reads (the base of a percent change, the
two sides of a ratio), so a starter model is a selection of candidates copied as they are.

Candidates come from a table of small generators, one per source (``GENERATORS``): each
reads what the book holds up to the cut-off date (which tables have rows, the commonest
event names, which ticket priorities and touchpoint personas occur) and yields candidates.
Adding a kind of metric is a generator of a few lines appended to the table.

A candidate with a ``caveat`` reads a value the store keeps only as it is today (an
account's ARR, seats or renewal date when the accounts were imported once, without
history), not as it was on the observation date: its association can be leakage, so
discover reports it and leaves it out of the starter model. Once accounts have history
(an account imported again with changed values), attributes read the version in force on
the date, and the caveat goes.
Values known only later are placed by when they became known: a ticket's CSAT by its
``closed_at``, and tickets open on the date as the share closed by then (a ticket's
``status`` is only known as it is today).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from stethoscope.backtest.candidate_kinds import (
    LONG,
    STATIC,
    WINDOW,
    YEAR,
    Candidate,
    Spec,
    change,
    one,
    ratio,
    span,
)
from stethoscope.backtest.candidates_contract import (
    account_attributes,
    contract_in_force,
    subscription_lines,
)
from stethoscope.backtest.discover_book import Book

__all__ = ["Candidate", "Spec", "candidates", "metrics_of", "slugs"]

# -- generators: one per source; each yields candidates for what the book holds ---------


def _events(book: Book) -> Iterator[Candidate]:
    if "events" not in book.tables:
        return
    count = {"table": "events", "aggregate": "count", "window": span(WINDOW)}
    days = {"table": "events", "aggregate": "active_days", "window": span(WINDOW)}
    yield one("events_30d", "events", "Events in the last 30 days.", count)
    yield one("active_days_30d", "events", "Days with any event in the last 30.", days)
    yield one(
        "active_days_90d",
        "events",
        "Days with any event in the last 90.",
        {**days, "window": span(LONG)},
    )
    yield change(
        "events_change_30d",
        "events",
        "Events in 30 days against the 30 before, in percent.",
        "events_30d",
        count,
    )
    yield change(
        "events_change_60d",
        "events",
        "Events in 60 days against the 60 before, in percent.",
        "events_60d",
        {**count, "window": "60d"},
    )
    yield change(
        "events_change_90d",
        "events",
        "Events in 90 days against the 90 before, in percent.",
        "events_90d",
        {**count, "window": span(LONG)},
    )
    yield change(
        "active_days_change_30d",
        "events",
        "Active days in 30 against the 30 before, in percent.",
        "active_days_30d",
        days,
    )
    yield one(
        "days_since_event",
        "events",
        "Days since the last event.",
        {"table": "events", "aggregate": "days_since"},
    )
    breadth = {
        "table": "events",
        "aggregate": "count_distinct",
        "column": "event",
        "window": span(WINDOW),
    }
    yield one("event_types_30d", "events", "Kinds of event used in 30 days.", breadth)
    yield ratio(
        "events_per_day_30d",
        "events",
        "Events per active day, 30 days.",
        {"events_30d": count, "active_days_30d": days},
    )
    if book.has_users:
        users = {
            "table": "events",
            "aggregate": "count_distinct",
            "column": "user_id",
            "window": span(WINDOW),
        }
        yield one("users_30d", "events", "Distinct users with an event in 30 days.", users)
        yield change(
            "users_change_30d",
            "events",
            "Active users in 30 days against the 30 before, in percent.",
            "users_30d",
            users,
        )
        yield ratio(
            "events_per_user_30d",
            "events",
            "Events per active user, 30 days.",
            {"events_30d": count, "users_30d": users},
        )
        yield ratio(
            "users_per_seat_30d",
            "events",
            "Active users in 30 days per licensed seat (accounts.seats).",
            {"users_30d": users, "seats": {"attribute": "seats"}},
            None if book.attribute_history else STATIC,
        )


def _event_types(book: Book) -> Iterator[Candidate]:
    total = {"table": "events", "aggregate": "count", "window": span(WINDOW)}
    names = slugs(book.events)
    for event, slug in zip(book.events, names, strict=True):
        where = {"event": event}
        count = {"table": "events", "where": where, "aggregate": "count", "window": span(WINDOW)}
        days = {**count, "aggregate": "active_days"}
        family = f"event {event}"
        n, d = f"{slug}_30d", f"{slug}_days_30d"
        yield one(n, family, f"{event} events in 30 days.", count)
        yield one(d, family, f"Days with a {event} event in 30.", days)
        yield change(
            f"{slug}_change_30d",
            family,
            f"{event} events in 30 days against the 30 before, in percent.",
            n,
            count,
        )
        yield ratio(
            f"{slug}_share_30d",
            family,
            f"{event} events per event of any kind, 30 days.",
            {n: count, "events_30d": total},
        )


def _rates(book: Book) -> Iterator[Candidate]:
    """Totals as rates: per active user (``per: user``), and scaled to the whole window for
    accounts younger than it (``scale: tenure``), so a new account is not read as idle."""
    if "events" not in book.tables:
        return
    count = {"table": "events", "aggregate": "count"}
    yield one(
        "events_90d_scaled",
        "events",
        "Events in 90 days, scaled to 90 days for accounts younger than that.",
        {**count, "window": span(LONG), "scale": "tenure"},
    )
    if book.has_users:
        for days in (WINDOW, LONG):
            yield one(
                f"events_per_active_user_{days}d",
                "events",
                f"Events per active user (distinct users with an event), {days} days.",
                {**count, "window": span(days), "per": "user"},
            )


def _roles(book: Book) -> Iterator[Candidate]:
    """The activity of the people a renewal depends on (``contact.role``): a champion
    who goes quiet is a classic warning, invisible in the account's total usage."""
    for role in sorted(book.contact_roles):
        who = {"table": "events", "where": {"contact.role": role}}
        family = f"{role}s"
        yield one(
            f"{role}_events_30d",
            family,
            f"Events by contacts whose role is {role}, 30 days.",
            {**who, "aggregate": "count", "window": span(WINDOW)},
        )
        yield one(
            f"{role}_days_30d",
            family,
            f"Days with an event by a {role}, in the last 30.",
            {**who, "aggregate": "active_days", "window": span(WINDOW)},
        )
        people = {**who, "aggregate": "count_distinct", "column": "user_id"}
        yield ratio(
            f"{role}s_still_active",
            family,
            f"{role.capitalize()}s active in the last 30 days per {role} active in the "
            "last year (1: none has gone quiet).",
            {
                f"{role}s_30d": {**people, "window": span(WINDOW)},
                f"{role}s_365d": {**people, "window": span(YEAR)},
            },
        )
        yield one(
            f"days_since_{role}_active",
            family,
            f"Days since a {role} last used the product.",
            {**who, "aggregate": "days_since"},
        )


def _values(book: Book) -> Iterator[Candidate]:
    """Amounts carried by events (``properties.value`` of invoices, deals): their sum over
    half a year (scaled for younger accounts) and the latest one."""
    for event, slug in zip(book.valued_events, slugs(book.valued_events), strict=True):
        where = {"event": event}
        amount = {"table": "events", "where": where, "column": "properties.value"}
        family = f"event {event}"
        yield one(
            f"{slug}_value_180d",
            family,
            f"Sum of properties.value of {event} events in 180 days.",
            {**amount, "aggregate": "sum", "window": "180d", "scale": "tenure"},
        )
        yield one(
            f"{slug}_value_latest",
            family,
            f"properties.value of the latest {event} event.",
            {**amount, "aggregate": "latest"},
        )


def _tickets(book: Book) -> Iterator[Candidate]:
    if "tickets" not in book.tables:
        return
    base = {"table": "tickets", "aggregate": "count", "window": span(LONG)}
    yield one("tickets_90d", "tickets", "Tickets opened in 90 days.", base)
    yield one(
        "tickets_90d_scaled",
        "tickets",
        "Tickets opened in 90 days, scaled to 90 days for accounts younger than that.",
        {**base, "scale": "tenure"},
    )
    urgent = sorted(book.priorities & {"high", "urgent"})
    if urgent:
        yield one(
            "tickets_high_90d",
            "tickets",
            f"Tickets of priority {' or '.join(urgent)} opened in 90 days.",
            {
                "table": "tickets",
                "where": {"priority": urgent},
                "aggregate": "count",
                "window": span(LONG),
            },
        )
    # tickets still open on the date: their status is only known as it is today, so the
    # share of all tickets opened by then that were closed by then (closed_at) stands in
    yield ratio(
        "tickets_closed_share",
        "tickets",
        "Tickets closed by the date per ticket opened by then, all history.",
        {
            "tickets_closed": {
                "table": "tickets",
                "aggregate": "count",
                "time_column": "closed_at",
            },
            "tickets_opened": {"table": "tickets", "aggregate": "count"},
        },
    )
    yield one(
        "days_since_ticket",
        "tickets",
        "Days since the last ticket was opened.",
        {"table": "tickets", "aggregate": "days_since"},
    )
    if book.has_csat:
        yield one(
            "ticket_csat_180d",
            "tickets",
            "Mean CSAT of tickets closed in 180 days.",
            {
                "table": "tickets",
                "aggregate": "avg",
                "column": "csat",
                "time_column": "closed_at",
                "window": "180d",
            },
        )


def _surveys(book: Book) -> Iterator[Candidate]:
    if "surveys" not in book.tables:
        return
    for kind in sorted(book.survey_kinds & {"nps", "csat"}):
        where = {"kind": kind}
        yield one(
            f"{kind}_latest",
            "surveys",
            f"The latest {kind.upper()} answer of the last year.",
            {
                "table": "surveys",
                "where": where,
                "aggregate": "latest",
                "column": "score",
                "window": span(YEAR),
            },
        )
        yield one(
            f"{kind}_mean_365d",
            "surveys",
            f"The mean {kind.upper()} answer of the last year.",
            {
                "table": "surveys",
                "where": where,
                "aggregate": "avg",
                "column": "score",
                "window": span(YEAR),
            },
        )
        yield one(
            f"{kind}_answers_365d",
            "surveys",
            f"{kind.upper()} answers in the last year.",
            {"table": "surveys", "where": where, "aggregate": "count", "window": span(YEAR)},
        )


def _touchpoints(book: Book) -> Iterator[Candidate]:
    if "touchpoints" not in book.tables:
        return
    yield one(
        "days_since_touchpoint",
        "touchpoints",
        "Days since the last conversation of any kind.",
        {"table": "touchpoints", "aggregate": "days_since"},
    )
    yield one(
        "touchpoints_90d",
        "touchpoints",
        "Conversations in 90 days.",
        {"table": "touchpoints", "aggregate": "count", "window": span(LONG)},
    )
    meetings = sorted(book.touchpoint_kinds & {"meeting", "qbr", "call"})
    if meetings:
        yield one(
            "days_since_meeting",
            "touchpoints",
            f"Days since the last {', '.join(meetings)}.",
            {"table": "touchpoints", "where": {"kind": meetings}, "aggregate": "days_since"},
        )
    for persona in sorted(book.personas & {"executive", "champion"}):
        yield one(
            f"days_since_{persona}",
            "touchpoints",
            f"Days since the last conversation with a {persona}.",
            {"table": "touchpoints", "where": {"persona": persona}, "aggregate": "days_since"},
        )
    yield one(
        "personas_180d",
        "touchpoints",
        "Personas spoken with in 180 days.",
        {
            "table": "touchpoints",
            "aggregate": "count_distinct",
            "column": "persona",
            "window": "180d",
        },
    )


def _goals(book: Book) -> Iterator[Candidate]:
    if "goals" not in book.tables:
        return
    goals = {"table": "goals", "aggregate": "count"}
    achieved = {"table": "goals", "aggregate": "count", "time_column": "achieved_at"}
    yield one(
        "goals_achieved_365d",
        "goals",
        "Goals achieved in the last year.",
        {**achieved, "window": span(YEAR)},
    )
    yield ratio(
        "goals_achieved_share",
        "goals",
        "Goals achieved per goal set, all history.",
        {"goals_achieved": achieved, "goals_set": goals},
    )


Generator = Callable[[Book], Iterator[Candidate]]

GENERATORS: tuple[Generator, ...] = (
    _events,
    _event_types,
    _rates,
    _roles,
    _values,
    _tickets,
    _surveys,
    _touchpoints,
    _goals,
    subscription_lines,
    contract_in_force,
    account_attributes,
)


def candidates(book: Book) -> list[Candidate]:
    """Every candidate the generators make of ``book``, in their order; a later candidate
    whose name (or a helper's) is taken by a different metric is left out."""
    out: dict[str, Candidate] = {}
    specs: dict[str, Spec] = {}
    for generate in GENERATORS:
        for c in generate(book):
            # an event named like an overall metric would give one name two meanings
            if c.name in out or any(specs.get(n, s) != s for n, s in c.metrics.items()):
                continue
            out[c.name] = c
            specs |= c.metrics
    return list(out.values())


def metrics_of(chosen: list[Candidate]) -> dict[str, Spec]:
    """The model-file ``metrics`` of these candidates and their helpers, each once."""
    out: dict[str, Spec] = {}
    for c in chosen:
        for name, spec in c.metrics.items():
            out.setdefault(name, spec)
    return out


def slugs(names: list[str]) -> list[str]:
    """Metric names for event names: lower case, letters, digits and ``_``, starting with a
    letter, at most 32 characters, distinct (a suffix where two would meet)."""
    out: list[str] = []
    seen: set[str] = set()
    for n in names:
        s = re.sub(r"[^a-z0-9]+", "_", n.lower()).strip("_")[:32].rstrip("_") or "event"
        if not s[0].isalpha():
            s = f"ev_{s}"
        base, i = s, 2
        while s in seen or s in _RESERVED:
            s = f"{base[:29]}_{i}"
            i += 1
        seen.add(s)
        out.append(s)
    return out


# names an event slug must not take: the overall candidates' own, and the model's words
_RESERVED = {"events", "true", "false", "missing", "weights", "description"}

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
from dataclasses import dataclass
from typing import Any

from stethoscope.backtest.discover_book import Book

Spec = dict[str, Any]

# the window of "recent" activity, and the longer one of sparse sources (tickets, calls)
WINDOW = 30
LONG = 90
YEAR = 365
STATIC = "reads today's value, not the value on the observation date (no history)"


@dataclass(frozen=True)
class Candidate:
    """A metric to try: ``name`` is the metric judged; ``metrics`` holds it and every
    metric it reads, as model-file mappings."""

    name: str
    family: str
    description: str
    metrics: dict[str, Spec]
    caveat: str | None = None

    @property
    def spec(self) -> Spec:
        return self.metrics[self.name]


def _w(days: int) -> str:
    return f"{days}d"


def _one(name: str, family: str, description: str, spec: Spec, **kw: Any) -> Candidate:
    return Candidate(name, family, description, {name: spec}, **kw)


def _change(name: str, family: str, description: str, base: str, base_spec: Spec) -> Candidate:
    return Candidate(name, family, description, {base: base_spec, name: {"percent_change": base}})


def _ratio(
    name: str, family: str, description: str, parts: dict[str, Spec], caveat: str | None = None
) -> Candidate:
    a, b = parts
    return Candidate(name, family, description, {**parts, name: {"ratio": [a, b]}}, caveat)


# -- generators: one per source; each yields candidates for what the book holds ---------


def _events(book: Book) -> Iterator[Candidate]:
    if "events" not in book.tables:
        return
    count = {"table": "events", "aggregate": "count", "window": _w(WINDOW)}
    days = {"table": "events", "aggregate": "active_days", "window": _w(WINDOW)}
    yield _one("events_30d", "events", "Events in the last 30 days.", count)
    yield _one("active_days_30d", "events", "Days with any event in the last 30.", days)
    yield _one(
        "active_days_90d",
        "events",
        "Days with any event in the last 90.",
        {**days, "window": _w(LONG)},
    )
    yield _change(
        "events_change_30d",
        "events",
        "Events in 30 days against the 30 before, in percent.",
        "events_30d",
        count,
    )
    yield _change(
        "events_change_90d",
        "events",
        "Events in 90 days against the 90 before, in percent.",
        "events_90d",
        {**count, "window": _w(LONG)},
    )
    yield _change(
        "active_days_change_30d",
        "events",
        "Active days in 30 against the 30 before, in percent.",
        "active_days_30d",
        days,
    )
    yield _one(
        "days_since_event",
        "events",
        "Days since the last event.",
        {"table": "events", "aggregate": "days_since"},
    )
    breadth = {
        "table": "events",
        "aggregate": "count_distinct",
        "column": "event",
        "window": _w(WINDOW),
    }
    yield _one("event_types_30d", "events", "Kinds of event used in 30 days.", breadth)
    yield _ratio(
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
            "window": _w(WINDOW),
        }
        yield _one("users_30d", "events", "Distinct users with an event in 30 days.", users)
        yield _change(
            "users_change_30d",
            "events",
            "Active users in 30 days against the 30 before, in percent.",
            "users_30d",
            users,
        )
        yield _ratio(
            "events_per_user_30d",
            "events",
            "Events per active user, 30 days.",
            {"events_30d": count, "users_30d": users},
        )
        yield _ratio(
            "users_per_seat_30d",
            "events",
            "Active users in 30 days per licensed seat (accounts.seats).",
            {"users_30d": users, "seats": {"attribute": "seats"}},
            None if book.attribute_history else STATIC,
        )


def _event_types(book: Book) -> Iterator[Candidate]:
    total = {"table": "events", "aggregate": "count", "window": _w(WINDOW)}
    names = slugs(book.events)
    for event, slug in zip(book.events, names, strict=True):
        where = {"event": event}
        count = {"table": "events", "where": where, "aggregate": "count", "window": _w(WINDOW)}
        days = {**count, "aggregate": "active_days"}
        family = f"event {event}"
        n, d = f"{slug}_30d", f"{slug}_days_30d"
        yield _one(n, family, f"{event} events in 30 days.", count)
        yield _one(d, family, f"Days with a {event} event in 30.", days)
        yield _change(
            f"{slug}_change_30d",
            family,
            f"{event} events in 30 days against the 30 before, in percent.",
            n,
            count,
        )
        yield _ratio(
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
    yield _one(
        "events_90d_scaled",
        "events",
        "Events in 90 days, scaled to 90 days for accounts younger than that.",
        {**count, "window": _w(LONG), "scale": "tenure"},
    )
    if book.has_users:
        for days in (WINDOW, LONG):
            yield _one(
                f"events_per_active_user_{days}d",
                "events",
                f"Events per active user (distinct users with an event), {days} days.",
                {**count, "window": _w(days), "per": "user"},
            )


def _values(book: Book) -> Iterator[Candidate]:
    """Amounts carried by events (``properties.value`` of invoices, deals): their sum over
    half a year (scaled for younger accounts) and the latest one."""
    for event, slug in zip(book.valued_events, slugs(book.valued_events), strict=True):
        where = {"event": event}
        amount = {"table": "events", "where": where, "column": "properties.value"}
        family = f"event {event}"
        yield _one(
            f"{slug}_value_180d",
            family,
            f"Sum of properties.value of {event} events in 180 days.",
            {**amount, "aggregate": "sum", "window": "180d", "scale": "tenure"},
        )
        yield _one(
            f"{slug}_value_latest",
            family,
            f"properties.value of the latest {event} event.",
            {**amount, "aggregate": "latest"},
        )


def _tickets(book: Book) -> Iterator[Candidate]:
    if "tickets" not in book.tables:
        return
    base = {"table": "tickets", "aggregate": "count", "window": _w(LONG)}
    yield _one("tickets_90d", "tickets", "Tickets opened in 90 days.", base)
    yield _one(
        "tickets_90d_scaled",
        "tickets",
        "Tickets opened in 90 days, scaled to 90 days for accounts younger than that.",
        {**base, "scale": "tenure"},
    )
    urgent = sorted(book.priorities & {"high", "urgent"})
    if urgent:
        yield _one(
            "tickets_high_90d",
            "tickets",
            f"Tickets of priority {' or '.join(urgent)} opened in 90 days.",
            {
                "table": "tickets",
                "where": {"priority": urgent},
                "aggregate": "count",
                "window": _w(LONG),
            },
        )
    # tickets still open on the date: their status is only known as it is today, so the
    # share of all tickets opened by then that were closed by then (closed_at) stands in
    yield _ratio(
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
    yield _one(
        "days_since_ticket",
        "tickets",
        "Days since the last ticket was opened.",
        {"table": "tickets", "aggregate": "days_since"},
    )
    if book.has_csat:
        yield _one(
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
        yield _one(
            f"{kind}_latest",
            "surveys",
            f"The latest {kind.upper()} answer of the last year.",
            {
                "table": "surveys",
                "where": where,
                "aggregate": "latest",
                "column": "score",
                "window": _w(YEAR),
            },
        )
        yield _one(
            f"{kind}_mean_365d",
            "surveys",
            f"The mean {kind.upper()} answer of the last year.",
            {
                "table": "surveys",
                "where": where,
                "aggregate": "avg",
                "column": "score",
                "window": _w(YEAR),
            },
        )
        yield _one(
            f"{kind}_answers_365d",
            "surveys",
            f"{kind.upper()} answers in the last year.",
            {"table": "surveys", "where": where, "aggregate": "count", "window": _w(YEAR)},
        )


def _touchpoints(book: Book) -> Iterator[Candidate]:
    if "touchpoints" not in book.tables:
        return
    yield _one(
        "days_since_touchpoint",
        "touchpoints",
        "Days since the last conversation of any kind.",
        {"table": "touchpoints", "aggregate": "days_since"},
    )
    yield _one(
        "touchpoints_90d",
        "touchpoints",
        "Conversations in 90 days.",
        {"table": "touchpoints", "aggregate": "count", "window": _w(LONG)},
    )
    meetings = sorted(book.touchpoint_kinds & {"meeting", "qbr", "call"})
    if meetings:
        yield _one(
            "days_since_meeting",
            "touchpoints",
            f"Days since the last {', '.join(meetings)}.",
            {"table": "touchpoints", "where": {"kind": meetings}, "aggregate": "days_since"},
        )
    for persona in sorted(book.personas & {"executive", "champion"}):
        yield _one(
            f"days_since_{persona}",
            "touchpoints",
            f"Days since the last conversation with a {persona}.",
            {"table": "touchpoints", "where": {"persona": persona}, "aggregate": "days_since"},
        )
    yield _one(
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
    yield _one(
        "goals_achieved_365d",
        "goals",
        "Goals achieved in the last year.",
        {**achieved, "window": _w(YEAR)},
    )
    yield _ratio(
        "goals_achieved_share",
        "goals",
        "Goals achieved per goal set, all history.",
        {"goals_achieved": achieved, "goals_set": goals},
    )


def _subscriptions(book: Book) -> Iterator[Candidate]:
    """Contract lines placed in time by their start (what is known once a line starts)."""
    if "subscriptions" not in book.tables:
        return
    lines = {"table": "subscriptions"}
    yield _one(
        "days_since_line_start",
        "subscriptions",
        "Days since the newest subscription line started (a renewal, upgrade or add-on).",
        {**lines, "aggregate": "days_since"},
    )
    yield _one(
        "lines_started_365d",
        "subscriptions",
        "Subscription lines started in the last year.",
        {**lines, "aggregate": "count", "window": _w(YEAR)},
    )
    for column, what in (("mrr", "MRR"), ("quantity", "quantity (seats)")):
        if column in book.line_columns:
            yield _one(
                f"line_{column}_latest",
                "subscriptions",
                f"The {what} of the newest subscription line.",
                {**lines, "aggregate": "latest", "column": column},
            )
    if "term_months" in book.line_columns:
        yield _one(
            "term_months_latest",
            "subscriptions",
            "The billing term in months of the newest subscription line (1 monthly, 12 annual).",
            {**lines, "aggregate": "latest", "column": "term_months"},
        )


def _contract(book: Book) -> Iterator[Candidate]:
    """The contract in force on the date (subscription lines started by then and not ended
    before it)."""
    if "subscriptions" not in book.tables:
        return
    yield _one("mrr", "contract", "MRR of the lines in force.", {"contract": "mrr"})
    seats = {"contract": "seats"}
    yield _one("contract_seats", "contract", "Seats (quantity) of the lines in force.", seats)
    yield _one(
        "days_to_term_end",
        "contract",
        "Days to the end of the main line's current term.",
        {"contract": "days_to_term_end"},
    )
    yield _one(
        "days_since_contract_change",
        "contract",
        "Days since MRR or seats in force last changed.",
        {"contract": "days_since_change"},
    )
    if "term_months" in book.line_columns:
        yield _one(
            "bill_period",
            "contract",
            "Billing term of the main line in months (1 monthly, 12 annual).",
            {"contract": "term_months"},
        )
    yield _one(
        "mrr_change_90d",
        "contract",
        "MRR in force against 90 days before, in percent.",
        {"contract": "mrr", "change": _w(LONG), "as": "percent"},
    )
    yield _one(
        "seat_change_90d",
        "contract",
        "Seats in force minus those 90 days before.",
        {"contract": "seats", "change": _w(LONG)},
    )
    if book.has_users:
        yield _ratio(
            "users_per_contract_seat_30d",
            "contract",
            "Active users in 30 days per seat in force (licence utilisation).",
            {
                "users_30d": {
                    "table": "events",
                    "aggregate": "count_distinct",
                    "column": "user_id",
                    "window": _w(WINDOW),
                },
                "contract_seats": seats,
            },
        )


def _attributes(book: Book) -> Iterator[Candidate]:
    yield _one(
        "tenure_days",
        "account",
        "Days since the account became a customer.",
        {"attribute": "tenure_days"},
    )
    static = None if book.attribute_history else STATIC
    if book.has_renewal:
        yield _one(
            "days_to_renewal",
            "account",
            "Days to the contract's term end, else to accounts.renewal_date.",
            {"attribute": "days_to_renewal"},
            caveat=static,
        )
    for name, what in (("seats", "Licensed seats."), ("arr", "Annual recurring revenue.")):
        yield _one(name, "account", what, {"attribute": name}, caveat=static)


Generator = Callable[[Book], Iterator[Candidate]]

GENERATORS: tuple[Generator, ...] = (
    _events,
    _event_types,
    _rates,
    _values,
    _tickets,
    _surveys,
    _touchpoints,
    _goals,
    _subscriptions,
    _contract,
    _attributes,
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

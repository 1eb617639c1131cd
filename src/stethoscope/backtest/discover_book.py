"""What the book holds up to a date, as discover's candidate generators see it: which
tables have rows, the commonest event names, and a few vocabularies (ticket priorities,
touchpoint personas, survey kinds) and columns the generators look at."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from stethoscope.contract.schema import TABLES, q
from stethoscope.engine.properties import NUMBER
from stethoscope.store.database import dialect

if TYPE_CHECKING:
    from stethoscope.store.database import Connection


@dataclass
class Book:
    """What the book holds up to the cut-off: tables with rows, the commonest event names,
    and a few vocabularies the generators look at."""

    tables: set[str]
    events: list[str]
    has_users: bool = False
    priorities: set[str] = field(default_factory=set)
    personas: set[str] = field(default_factory=set)
    touchpoint_kinds: set[str] = field(default_factory=set)
    survey_kinds: set[str] = field(default_factory=set)
    has_csat: bool = False
    has_renewal: bool = False
    line_columns: set[str] = field(default_factory=set)
    # event names whose rows carry a numeric ``properties.value`` (invoices, deals)
    valued_events: list[str] = field(default_factory=list)
    # accounts imported more than once: attributes read the version in force on the date
    attribute_history: bool = False
    # roles of contacts whose own activity may matter (champion, executive ...): events
    # name their user, who may be a contact of that role
    contact_roles: set[str] = field(default_factory=set)


def read_book(con: Connection, until: dt.date, *, events: int) -> Book:
    """What the book holds up to the end of ``until``: a few small queries."""
    end = until + dt.timedelta(days=1)

    def upto(table: str, extra: str = "") -> str:
        time = TABLES[table].time_column
        return f"FROM {q(table)} WHERE {q(time or '')} < CAST(? AS DATE){extra}"

    def values(table: str, column: str) -> set[str]:
        rows = con.execute(
            f"SELECT DISTINCT {q(column)} {upto(table, f' AND {q(column)} IS NOT NULL')}", [end]
        ).fetchall()
        return {str(r[0]) for r in rows}

    present: set[str] = set()
    for name in ("events", "tickets", "surveys", "touchpoints", "goals", "subscriptions"):
        if con.execute(f"SELECT 1 {upto(name)} LIMIT 1", [end]).fetchall():
            present.add(name)
    book = Book(present, [])
    if "events" in present:
        book.events = [
            str(r[0])
            for r in con.execute(
                f"SELECT event, count(*) AS n {upto('events')} GROUP BY event "
                "ORDER BY n DESC, event LIMIT ?",
                [end, events],
            ).fetchall()
        ]
        book.has_users = bool(
            con.execute(
                f"SELECT 1 {upto('events', ' AND user_id IS NOT NULL')} LIMIT 1", [end]
            ).fetchall()
        )
        book.valued_events = _valued_events(con, upto("events"), end, events)
        if book.has_users:
            # contacts have no time of their own worth trusting (created_at is optional)
            roles = con.execute(
                "SELECT DISTINCT lower(role) FROM contacts WHERE role IS NOT NULL"
            ).fetchall()
            book.contact_roles = {str(r[0]) for r in roles} & KEY_ROLES
    if "tickets" in present:
        book.priorities = values("tickets", "priority")
        book.has_csat = bool(values("tickets", "csat"))
    if "surveys" in present:
        book.survey_kinds = values("surveys", "kind")
    if "touchpoints" in present:
        book.personas = values("touchpoints", "persona")
        book.touchpoint_kinds = values("touchpoints", "kind")
    if "subscriptions" in present:
        book.line_columns = {
            c
            for c in ("mrr", "quantity", "term_months")
            if con.execute(
                f"SELECT 1 {upto('subscriptions', f' AND {q(c)} IS NOT NULL')} LIMIT 1", [end]
            ).fetchall()
        }
    versions = con.execute(
        "SELECT (SELECT count(*) FROM account_versions) > (SELECT count(*) FROM accounts)"
    ).fetchone()
    book.attribute_history = bool(versions and versions[0])
    book.has_renewal = bool(
        con.execute("SELECT 1 FROM accounts WHERE renewal_date IS NOT NULL LIMIT 1").fetchall()
    )
    return book


# the roles whose activity discover tries on its own: the people a renewal depends on
# (every other contact is a user like the rest)
KEY_ROLES = frozenset({"champion", "executive", "sponsor", "admin", "decision_maker"})

# the JSON key a valued event carries, read as each store reads it (as the engine does)
_VALUE = {
    "duckdb": ("json_extract_string(properties, '$.value')", "regexp_full_match(v, ?)"),
    "postgres": ("properties->>'value'", "v ~ ?"),
}


def _valued_events(con: Connection, rows: str, end: dt.date, limit: int) -> list[str]:
    """Event names whose rows mostly carry a numeric ``properties.value`` (an amount a
    billing system or CRM sends), commonest first: a few rows are enough to know the key."""
    value, numeric = _VALUE[dialect(con)]
    found = con.execute(
        f"SELECT event FROM (SELECT event, {value} AS v {rows} AND properties IS NOT NULL) AS x "
        f"GROUP BY event HAVING avg(CASE WHEN {numeric} THEN 1.0 ELSE 0 END) > 0.5 "
        "ORDER BY count(*) DESC, event LIMIT ?",
        [end, NUMBER, limit],
    ).fetchall()
    return [str(r[0]) for r in found]

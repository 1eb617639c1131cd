"""The source-table contract: every table health is computed from, column by column.

This module is the single source of truth. The importer enforces it, the store creates
tables from it, the demo generator writes to it, and docs/reference/data-contract.md
documents it (a test fails when a column is missing from the docs).

Types are logical; ``SQL_TYPES`` maps them to the engine. Timestamps are stored in UTC
without a zone; dates are calendar dates.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pyarrow as pa


# how `import` writes into a table, and the file formats it reads
MODES: tuple[str, ...] = ("append", "upsert", "replace")
FORMATS: tuple[str, ...] = ("csv", "parquet", "jsonl")
# how `import` reads end dates: the last day of a line, or the day after it (stored minus one)
END_DATES: tuple[str, ...] = ("inclusive", "exclusive")


class Type(StrEnum):
    STRING = "string"
    INTEGER = "integer"
    FLOAT = "float"
    DATE = "date"
    TIMESTAMP = "timestamp"
    JSON = "json"


# DuckDB names; Postgres differs only for JSON (JSONB) and is handled by the store.
SQL_TYPES: dict[Type, str] = {
    Type.STRING: "VARCHAR",
    Type.INTEGER: "BIGINT",
    Type.FLOAT: "DOUBLE",
    Type.DATE: "DATE",
    Type.TIMESTAMP: "TIMESTAMP",
    Type.JSON: "JSON",
}


# Limits of a value, the same for a file, an upsert and the ingest (docs/reference/
# data-contract.md): an id (of an account, a contact, a user, a message) is at most
# ID_MAX_CHARS characters; other text TEXT_MAX_CHARS unless its column says otherwise; a
# JSON object JSON_MAX_CHARS of text (a Segment call's limit); no text holds U+0000, which
# Postgres text and jsonb cannot store. A 10 MB account name made the accounts page 10 MB.
ID_MAX_CHARS = 255
TEXT_MAX_CHARS = 1_000
JSON_MAX_CHARS = 32 * 1024
# a time (a timestamp column, an event's time) is within FIRST_TIME .. now + FUTURE_YEARS;
# a date within FIRST_DATE .. LAST_DATE: a year 20245 or 0024 is a typo, and one past
# 9999 cannot be read back by Python at all
FIRST_TIME = dt.datetime(1970, 1, 1)
FUTURE_YEARS = 5
FIRST_DATE = dt.date(1900, 1, 1)
LAST_DATE = dt.date(2199, 12, 31)


# U+0000 in JSON text: its escape, not preceded by another backslash
_JSON_NUL = re.compile(r"(?<!\\)(\\\\)*\\u0000")


def json_holds_nul(text: str) -> bool:
    """JSON text (as json.dumps writes it) holds U+0000 in a key or a value."""
    return "\\u0000" in text and _JSON_NUL.search(text) is not None


def last_time(now: dt.datetime) -> dt.datetime:
    """The latest time a value may hold, seen at ``now``: FUTURE_YEARS later (Feb 29 of a
    leap year is followed by Feb 28)."""
    try:
        return now.replace(year=now.year + FUTURE_YEARS)
    except ValueError:
        return now.replace(year=now.year + FUTURE_YEARS, day=28)


@dataclass(frozen=True)
class Column:
    name: str
    type: Type
    doc: str
    required: bool = False
    # allowed values (after lower-casing and trimming) for a closed vocabulary
    values: tuple[str, ...] | None = None
    minimum: float | None = None
    maximum: float | None = None
    # the column references accounts.id
    references_account: bool = False
    # the most characters a value may hold (None: the type's default, see ``longest``)
    max_chars: int | None = None

    @property
    def longest(self) -> int | None:
        """The most characters a value may hold: text and JSON have a limit."""
        if self.max_chars is not None:
            return self.max_chars
        return {Type.STRING: TEXT_MAX_CHARS, Type.JSON: JSON_MAX_CHARS}.get(self.type)


@dataclass(frozen=True)
class RowCheck:
    """A rule across columns of one row, as a SQL predicate over the typed columns.

    The predicate is written here, by us, never taken from user input. A row fails
    when the predicate is FALSE (NULL passes: missing values are the columns' business).
    """

    column: str
    predicate: str
    reason: str


@dataclass(frozen=True)
class Table:
    name: str
    doc: str
    columns: tuple[Column, ...]
    # the column that identifies a row; None for events (message_id dedupes instead)
    key: str | None = None
    # when the key is absent in a file it is derived from these columns, so that
    # importing the same rows twice is detected instead of doubling them
    natural_key: tuple[str, ...] = ()
    checks: tuple[RowCheck, ...] = ()
    # extra columns in a file are folded into this JSON column instead of being dropped
    extras_into: str | None = None
    # the column that tells when a row happened (used by as-of scoring and summaries)
    time_column: str | None = None

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def key_is_derived(self) -> bool:
        return bool(self.natural_key)


def _id(doc: str, *, derived: bool = False) -> Column:
    return Column("id", Type.STRING, doc, required=not derived, max_chars=ID_MAX_CHARS)


def _account_id() -> Column:
    return Column(
        "account_id",
        Type.STRING,
        "The account this row belongs to (accounts.id).",
        required=True,
        references_account=True,
        max_chars=ID_MAX_CHARS,
    )


def _contact_id(doc: str = "The contact involved (contacts.id), if known.") -> Column:
    return Column("contact_id", Type.STRING, doc, max_chars=ID_MAX_CHARS)


ACCOUNTS = Table(
    name="accounts",
    doc="One row per customer account: who they are, what they pay, who owns them.",
    key="id",
    extras_into="attributes",
    time_column="customer_since",
    columns=(
        _id("Account identifier as your CRM knows it (e.g. a Salesforce id)."),
        Column("name", Type.STRING, "Display name.", required=True),
        Column("owner", Type.STRING, "The CSM who owns the account (email or name)."),
        Column("segment", Type.STRING, "Customer segment, e.g. smb, mid-market, enterprise."),
        Column("industry", Type.STRING, "Industry, e.g. healthcare, retail."),
        Column("plan", Type.STRING, "Plan or edition, e.g. starter, growth, enterprise."),
        Column("arr", Type.FLOAT, "Annual recurring revenue in your currency.", minimum=0),
        Column("seats", Type.INTEGER, "Licensed seats.", minimum=0),
        Column("customer_since", Type.DATE, "Date the account became a customer.", required=True),
        Column("renewal_date", Type.DATE, "Next renewal date of the contract."),
        Column(
            "parent_id",
            Type.STRING,
            "Parent account (accounts.id) for hierarchies; empty for a top-level account.",
            max_chars=ID_MAX_CHARS,
        ),
        Column(
            "attributes",
            Type.JSON,
            "Free-form JSON object. Extra columns in an imported file are folded in here.",
        ),
        Column(
            "updated_at",
            Type.TIMESTAMP,
            "When these values took effect (e.g. the CRM's last-modified time); "
            "empty: the time of the import (for an account's first version, its "
            "customer_since).",
        ),
    ),
)

CONTACTS = Table(
    name="contacts",
    doc="People at customer accounts: users, champions, executives.",
    key="id",
    columns=(
        _id("Contact identifier; product events refer to it as user_id."),
        _account_id(),
        Column("email", Type.STRING, "Email address (personal data; erased by `forget`)."),
        Column("name", Type.STRING, "Full name (personal data; erased by `forget`)."),
        Column(
            "role",
            Type.STRING,
            "Role or persona, lower case: executive, champion, admin, user, or your own word.",
        ),
        Column("created_at", Type.TIMESTAMP, "When the contact was created."),
    ),
)

EVENTS = Table(
    name="events",
    doc="Product usage: one row per tracked action, as a Segment `track` call would send it.",
    extras_into="properties",
    time_column="timestamp",
    columns=(
        _account_id(),
        Column(
            "user_id",
            Type.STRING,
            "The user (contacts.id) who acted, if known.",
            max_chars=ID_MAX_CHARS,
        ),
        Column("event", Type.STRING, "Event name, e.g. report_created.", required=True),
        Column("timestamp", Type.TIMESTAMP, "When it happened (stored in UTC).", required=True),
        Column(
            "properties",
            Type.JSON,
            "Free-form JSON object. Extra columns in an imported file are folded in here.",
        ),
        Column(
            "message_id",
            Type.STRING,
            "Optional unique id; an event whose message_id is already stored is skipped, "
            "so re-sending the same event is a no-op.",
            max_chars=ID_MAX_CHARS,
        ),
    ),
)

SUBSCRIPTIONS = Table(
    name="subscriptions",
    doc="Contract lines: what each account pays for, from when to when.",
    key="id",
    natural_key=("account_id", "product", "start_date"),
    time_column="start_date",
    columns=(
        _id(
            "Subscription line id; derived from account_id, product and start_date if absent.",
            derived=True,
        ),
        _account_id(),
        Column("product", Type.STRING, "Product or add-on name.", required=True),
        Column("mrr", Type.FLOAT, "Monthly recurring revenue of this line.", minimum=0),
        Column("quantity", Type.INTEGER, "Quantity, usually seats.", minimum=0),
        Column("start_date", Type.DATE, "First day of the line.", required=True),
        Column("end_date", Type.DATE, "Last day of the line; empty while it runs."),
        Column(
            "term_months",
            Type.INTEGER,
            "Months in one billing term: 1 monthly, 6 six-monthly, 12 annual. "
            "A line with no end_date renews at the end of every term.",
            minimum=1,
            maximum=120,
        ),
    ),
    checks=(RowCheck("end_date", "end_date >= start_date", "end_date is before start_date"),),
)

TICKETS = Table(
    name="tickets",
    doc="Support tickets from the help desk.",
    key="id",
    time_column="opened_at",
    columns=(
        _id("Ticket id in the help desk."),
        _account_id(),
        _contact_id("The requester (contacts.id), if known."),
        Column("opened_at", Type.TIMESTAMP, "When the ticket was opened.", required=True),
        Column("closed_at", Type.TIMESTAMP, "When it was solved or closed; empty while open."),
        Column("priority", Type.STRING, "Priority.", values=("low", "normal", "high", "urgent")),
        Column(
            "status",
            Type.STRING,
            "Status.",
            values=("new", "open", "pending", "on-hold", "solved", "closed"),
        ),
        Column(
            "csat",
            Type.FLOAT,
            "Satisfaction rating of the ticket, 1 (worst) to 5.",
            minimum=1,
            maximum=5,
        ),
    ),
    checks=(RowCheck("closed_at", "closed_at >= opened_at", "closed_at is before opened_at"),),
)

SURVEYS = Table(
    name="surveys",
    doc="Survey answers: NPS (0-10) and CSAT (1-5).",
    key="id",
    natural_key=("account_id", "contact_id", "kind", "responded_at"),
    time_column="responded_at",
    columns=(
        _id("Response id; derived from account, contact, kind and time if absent.", derived=True),
        _account_id(),
        _contact_id("The respondent (contacts.id), if known."),
        Column("kind", Type.STRING, "Survey kind.", required=True, values=("nps", "csat")),
        Column("score", Type.FLOAT, "The answer: 0-10 for NPS, 1-5 for CSAT.", required=True),
        Column("responded_at", Type.TIMESTAMP, "When the answer was given.", required=True),
        Column(
            "comment",
            Type.STRING,
            "Free-text comment (may hold personal data), at most 10,000 characters.",
            max_chars=10_000,
        ),
    ),
    checks=(
        RowCheck(
            "score",
            "kind <> 'nps' OR (score BETWEEN 0 AND 10 AND score = round(score))",
            "an NPS score must be a whole number from 0 to 10",
        ),
        RowCheck(
            "score", "kind <> 'csat' OR score BETWEEN 1 AND 5", "a CSAT score must be from 1 to 5"
        ),
    ),
)

TOUCHPOINTS = Table(
    name="touchpoints",
    doc="Conversations with the customer: calls, meetings, emails, QBRs, notes.",
    key="id",
    natural_key=("account_id", "contact_id", "kind", "occurred_at"),
    time_column="occurred_at",
    columns=(
        _id("Touchpoint id; derived from account, contact, kind and time if absent.", derived=True),
        _account_id(),
        _contact_id(),
        Column(
            "kind",
            Type.STRING,
            "Kind of conversation.",
            required=True,
            values=("call", "meeting", "email", "qbr", "note"),
        ),
        Column(
            "persona",
            Type.STRING,
            "Persona of the customer side, e.g. executive, champion, admin, user.",
        ),
        Column("occurred_at", Type.TIMESTAMP, "When it happened.", required=True),
        Column(
            "author",
            Type.STRING,
            "Who on your side logged it: a CSM's name or email; the dashboard writes "
            "user:NAME, the API key:NAME.",
        ),
        Column(
            "note",
            Type.STRING,
            "What was said or agreed, as free text (may hold personal data), at most "
            "10,000 characters.",
            max_chars=10_000,
        ),
    ),
)

GOALS = Table(
    name="goals",
    doc="Customer goals (ROI): what they set out to achieve, and when they did.",
    key="id",
    natural_key=("account_id", "name"),
    time_column="set_at",
    columns=(
        _id("Goal id; derived from account_id and name if absent.", derived=True),
        _account_id(),
        Column("name", Type.STRING, "What the customer wants to achieve.", required=True),
        Column("set_at", Type.DATE, "When the goal was agreed.", required=True),
        Column("achieved_at", Type.DATE, "When it was achieved; empty until then."),
    ),
    checks=(RowCheck("achieved_at", "achieved_at >= set_at", "achieved_at is before set_at"),),
)

OUTCOMES = Table(
    name="outcomes",
    doc="What happened commercially: renewals, churn, expansion, contraction. "
    "Backtests label accounts from this table.",
    key="id",
    natural_key=("account_id", "kind", "date"),
    time_column="date",
    columns=(
        _id("Outcome id; derived from account_id, kind and date if absent.", derived=True),
        _account_id(),
        Column(
            "kind",
            Type.STRING,
            "What happened.",
            required=True,
            values=("renewed", "churned", "expanded", "contracted"),
        ),
        Column("date", Type.DATE, "When it took effect.", required=True),
        Column(
            "arr_change",
            Type.FLOAT,
            "Change in ARR: negative for churned and contracted, positive for expanded.",
        ),
    ),
    checks=(
        RowCheck(
            "arr_change",
            "kind NOT IN ('churned', 'contracted') OR arr_change <= 0",
            "arr_change must be zero or negative for churned and contracted",
        ),
        RowCheck(
            "arr_change",
            "kind <> 'expanded' OR arr_change >= 0",
            "arr_change must be zero or positive for expanded",
        ),
    ),
)

# In load order: accounts first, everything else refers to them.
TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        ACCOUNTS,
        CONTACTS,
        EVENTS,
        SUBSCRIPTIONS,
        TICKETS,
        SURVEYS,
        TOUCHPOINTS,
        GOALS,
        OUTCOMES,
    )
}


def table(name: str) -> Table:
    """The contract of one table, or a DataError naming the tables that exist."""
    from stethoscope.errors import DataError

    try:
        return TABLES[name]
    except KeyError:
        raise DataError(
            f"unknown table '{name}'", hint=f"tables are: {', '.join(TABLES)}"
        ) from None


def q(name: str) -> str:
    """Quote an identifier of our own schema (table, column, model name) for SQL. User text
    never goes through here: it travels as bound parameters or Arrow data."""
    return '"' + name.replace('"', '""') + '"'


def derived_key(t: Table, values: dict[str, str] | None = None) -> str:
    """SQL of the key of a row derived from its natural key, as the importer derives it for a
    row that comes without one; ``values`` puts SQL expressions (ours) in place of columns."""
    parts = ", ".join(f"CAST({(values or {}).get(c, q(c))} AS VARCHAR)" for c in t.natural_key)
    return f"md5(CAST(to_json(list_value({parts})) AS VARCHAR))"


def arrow_schema(t: Table) -> pa.Schema:
    """The Arrow schema of a table as stored (JSON travels as a string)."""
    import pyarrow as pa

    types = {
        Type.STRING: pa.string(),
        Type.INTEGER: pa.int64(),
        Type.FLOAT: pa.float64(),
        Type.DATE: pa.date32(),
        Type.TIMESTAMP: pa.timestamp("us"),
        Type.JSON: pa.string(),
    }
    return pa.schema([pa.field(c.name, types[c.type], nullable=not c.required) for c in t.columns])

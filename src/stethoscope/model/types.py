"""The resolved health model: what the engine compiles.

A model file is parsed into ``*Spec`` pydantic models (what the YAML said), checked as a
whole, and resolved into these frozen dataclasses: names are resolved, defaults filled,
durations in days, weights as written (the engine normalises them). Nothing here knows
YAML, files or the engine.

Grades are on 0-100 internally; the overall score is mapped onto the model's scale.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

# -- expressions: conditions of segments and grading rules, parsed safely ----------------

CompareOp = Literal["==", "!=", "<", "<=", ">", ">="]
Scalar = str | float | bool


@dataclass(frozen=True)
class Name:
    """A metric (or account attribute metric) by name."""

    name: str


@dataclass(frozen=True)
class Const:
    value: Scalar


@dataclass(frozen=True)
class Compare:
    left: Name | Const
    op: CompareOp
    right: Name | Const


@dataclass(frozen=True)
class In:
    name: Name
    values: tuple[Scalar, ...]
    negated: bool = False


@dataclass(frozen=True)
class IsMissing:
    name: Name
    negated: bool = False  # `x is not missing`


@dataclass(frozen=True)
class And:
    items: tuple[Expr, ...]


@dataclass(frozen=True)
class Or:
    items: tuple[Expr, ...]


@dataclass(frozen=True)
class Not:
    item: Expr


Expr = Compare | In | IsMissing | And | Or | Not


# -- metrics ------------------------------------------------------------------------------

AggregateFn = Literal[
    "count",  # rows
    "count_distinct",  # distinct values of `column`
    "active_days",  # distinct calendar days with a row
    "active_days_per_week",  # active_days / (window days / 7)
    "sum",
    "avg",
    "min",
    "max",  # of `column`
    "latest",  # `column` of the most recent row
    "days_since",  # days from the most recent row to the as-of date
    "share",  # percent (0-100) of the `share_of` values seen in `column`
]


# `properties.value`: a key of a table's JSON column, read as a metric column or a filter
PROPERTY = re.compile(r"^(?P<column>[a-z_]+)\.(?P<key>[A-Za-z0-9_-]+)$")


def json_key(column: str) -> tuple[str, str] | None:
    """(JSON column, key) of a ``column`` written as ``properties.<key>``, else None."""
    m = PROPERTY.match(column)
    return (m["column"], m["key"]) if m and m["column"] != CONTACT else None


# `contact.role`: a filter on the contact behind a row's user_id (events by champions)
CONTACT = "contact"


def contact_column(column: str) -> str | None:
    """The ``contacts`` column of a filter written as ``contact.<column>``, else None."""
    m = PROPERTY.match(column)
    return m["key"] if m and m["column"] == CONTACT else None


@dataclass(frozen=True)
class Filter:
    """Rows where ``column`` is one of ``values`` (``negated``: is none of them). A
    ``properties.<key>`` column compares the key's JSON text with text values and its
    number (see ``Aggregate``) with number values. A ``contact.<column>`` column is that
    column of the contact whose id is the row's ``user_id`` (``contact.role: champion``:
    the rows of champions); a row without a user, or whose user is no contact, has no
    value, so ``not:`` keeps it. A contact's columns are read as they are today."""

    column: str
    values: tuple[Scalar, ...]
    negated: bool = False


@dataclass(frozen=True)
class Aggregate:
    """A number computed from the rows of a source table in a window ending at the as-of
    date: (as_of - window_days, as_of]. ``window_days`` None: all history up to as-of.
    ``time_column`` places rows in time (the window, the as-of cut-off, days_since, latest);
    the loader always fills it (the table's time column unless the model names another,
    e.g. goals.achieved_at); a row with no time there is not counted.

    ``column`` may be a key of a JSON column (``properties.value``): its text, or for the
    numeric aggregates its number (a JSON number, or text holding one; anything else is
    missing). ``per`` divides the value by the distinct active users (``events.user_id``)
    of the same window; ``scale`` extrapolates a young account's value to the whole
    window: value * window / days of the window since ``customer_since`` (at least 1)."""

    table: str
    fn: AggregateFn
    column: str | None = None
    window_days: int | None = None
    where: tuple[Filter, ...] = ()
    share_of: tuple[str, ...] = ()
    time_column: str | None = None
    per: Literal["user"] | None = None
    scale: Literal["tenure"] | None = None


@dataclass(frozen=True)
class PercentChange:
    """(m(now) - m(then)) / m(then) * 100 for an Aggregate metric ``metric``, where ``then``
    is the window just before (``previous``) or the same window a year earlier."""

    metric: str
    vs: Literal["previous", "year_ago"] = "previous"


@dataclass(frozen=True)
class Ratio:
    numerator: str
    denominator: str


AttributeName = str  # arr, seats, segment, industry, plan, owner, tenure_days,
#                      days_to_renewal, or attributes.<key>


@dataclass(frozen=True)
class Attribute:
    name: AttributeName


@dataclass(frozen=True)
class InputRef:
    """The latest unexpired CSM input of this name as of the date (expired = missing)."""

    name: str


# what a contract metric reads of the subscription lines in force on the as-of date
ContractValue = Literal[
    "mrr",  # sum of the lines' mrr
    "seats",  # sum of the lines' quantity
    "plan",  # product of the main line (the highest mrr)
    "term_months",  # billing term of the main line
    "days_to_term_end",  # days to the last day of the main line's current term
    "days_since_change",  # days since mrr or seats in force last changed
]


@dataclass(frozen=True)
class Contract:
    """A value of the account's contract as of the date, from the subscription lines in
    force on it (started by then, and not ended before it); see engine.contract.
    ``change_days`` (mrr and seats only): the value on the date minus the value that many
    days earlier, as an amount or (``percent``) in percent of the earlier value."""

    value: ContractValue
    change_days: int | None = None
    percent: bool = False


@dataclass(frozen=True)
class Metric:
    name: str
    source: Aggregate | PercentChange | Ratio | Attribute | InputRef | Contract
    # "number" or "text" (segment, industry, a categorical input ...)
    kind: Literal["number", "text"] = "number"
    description: str = ""


# -- grading ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Thresholds:
    """Step function: the grade of the highest ``at_least`` the value reaches.
    ``points`` sorted by at_least ascending; below the first: ``below``."""

    points: tuple[tuple[float, float], ...]
    below: float = 0.0


@dataclass(frozen=True)
class Linear:
    """``zero`` maps to 0 and ``full`` to 100, linear between, clamped (zero > full works)."""

    zero: float
    full: float


@dataclass(frozen=True)
class Percentile:
    """Percent rank among accounts of the same ``within`` ("all" or "segment")."""

    within: Literal["all", "segment"] = "all"


@dataclass(frozen=True)
class Tertiles:
    """Thirds by rank among ``within``: top third ``grades[2]``, middle ``grades[1]``,
    bottom ``grades[0]`` (after applying direction)."""

    within: Literal["all", "segment"] = "all"
    grades: tuple[float, float, float] = (0.0, 50.0, 100.0)


@dataclass(frozen=True)
class ZScore:
    """50 + 25 * z within ``within``, clamped to 0-100."""

    within: Literal["all", "segment"] = "all"


@dataclass(frozen=True)
class Nps:
    detractor: float = 0.0  # 0-6
    passive: float = 50.0  # 7-8
    promoter: float = 100.0  # 9-10


@dataclass(frozen=True)
class Boolean:
    """A number: non-zero is true. Text: 'true', 'yes', '1' are true."""

    true: float = 100.0
    false: float = 0.0


@dataclass(frozen=True)
class Categorical:
    grades: tuple[tuple[str, float], ...]
    other: float | None = None  # a value not listed: this grade, or missing if None


@dataclass(frozen=True)
class Decay:
    """For a days-since metric: 100 * 0.5 ** (days / half_life_days)."""

    half_life_days: float


Grading = Thresholds | Linear | Percentile | Tertiles | ZScore | Nps | Boolean | Categorical | Decay


@dataclass(frozen=True)
class Rule:
    """When ``when`` holds, the grade is ``grade`` (before the grading is applied)."""

    when: Expr
    grade: float


@dataclass(frozen=True)
class Measure:
    name: str
    metric: str
    grading: Grading
    direction: Literal["higher", "lower"] = "higher"
    # "skip": leave it out and re-weight the rest; a number: grade a missing value so
    missing: Literal["skip"] | float = "skip"
    rules: tuple[Rule, ...] = ()
    description: str = ""


# -- composition --------------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    """A weighted member of a group or scorecard: a measure or a group."""

    name: str
    kind: Literal["measure", "group"]
    weight: float


@dataclass(frozen=True)
class Group:
    name: str
    items: tuple[Item, ...]
    description: str = ""


@dataclass(frozen=True)
class Scorecard:
    name: str
    items: tuple[Item, ...]
    description: str = ""


@dataclass(frozen=True)
class Segment:
    """Accounts matching ``when`` (None: every account) are graded with ``scorecard``."""

    name: str
    scorecard: str
    when: Expr | None = None


@dataclass(frozen=True)
class Score:
    """One score per account (a model may define several, e.g. health and expansion).
    The first segment whose condition holds chooses the scorecard."""

    name: str
    segments: tuple[Segment, ...]
    description: str = ""


@dataclass(frozen=True)
class Scale:
    min: float = 0.0
    max: float = 100.0
    decimals: int = 1


@dataclass(frozen=True)
class Band:
    """Scores below ``below`` (on the scale) and not in an earlier band; the last band
    has no ``below``."""

    name: str
    below: float | None = None
    label: str = ""


@dataclass(frozen=True)
class InputDef:
    """A CSM input that measures can read: a gut check, or a manual measure."""

    name: str
    kind: Literal["number", "boolean", "choice"]
    choices: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    expires_days: int | None = None  # default expiry of a new value
    description: str = ""


@dataclass(frozen=True)
class Model:
    name: str
    scale: Scale
    bands: tuple[Band, ...]
    metrics: dict[str, Metric]
    measures: dict[str, Measure]
    groups: dict[str, Group]
    scorecards: dict[str, Scorecard]
    scores: dict[str, Score]
    inputs: dict[str, InputDef] = field(default_factory=dict)
    description: str = ""
    # sha256 of the model's canonical form: equal models have equal versions
    version: str = ""
    # the text of the file it came from, kept with each model version
    source: str = ""

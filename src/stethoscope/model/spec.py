"""The health model as written: pydantic models of the YAML, one class per mapping.

These check the shape of each key (types, allowed keys, durations); whether names refer to
things that exist, and everything else that needs the whole model, is checked when the
spec is resolved (``resolve``). A few keys have a short form, turned into the long one
here before validation:

    groups.<g>: {usage: 2, logins: 1}        ==  {weights: {usage: 2, logins: 1}}
    thresholds: [[0, 0], [5, 50]]            ==  {points: [[0, 0], [5, 50]]}
    where: {kind: nps}  /  {kind: [a, b]}    ==  {kind: {in: [nps]}}  /  {kind: {in: [a, b]}}

Every key here is documented in docs/reference/model.md (a test fails otherwise).
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from stethoscope.model.types import AggregateFn, ContractValue

DURATION = re.compile(r"^([1-9][0-9]{0,5})([dwy])$")
DAYS_PER_UNIT = {"d": 1, "w": 7, "y": 365}

# the keys that choose how a measure is graded (exactly one per measure)
GRADINGS: tuple[str, ...] = (
    "linear",
    "thresholds",
    "percentile",
    "tertiles",
    "zscore",
    "nps",
    "boolean",
    "categories",
    "decay",
)
# the keys that choose where a metric's number comes from (exactly one per metric)
SOURCES: tuple[str, ...] = ("table", "percent_change", "ratio", "attribute", "input", "contract")


def found(value: Any) -> str:
    """A value as the user wrote it, for messages: 'month', 3, a list, nothing."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, int | float):
        return f"{value:g}" if isinstance(value, float) else str(value)
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return type(value).__name__


def duration_days(text: str) -> int:
    """Days of a duration already validated by ``Duration``: '30d', '2w', '1y'."""
    m = DURATION.match(text)
    assert m, text
    return int(m.group(1)) * DAYS_PER_UNIT[m.group(2)]


def _duration(value: Any) -> Any:
    if isinstance(value, str) and DURATION.match(value):
        return value
    raise PydanticCustomError(
        "model_duration", "expected a duration like '30d', got {found}", {"found": found(value)}
    )


def _scalar(value: Any) -> Any:
    if isinstance(value, str | bool):
        return value
    if isinstance(value, int | float) and value == value and abs(value) != float("inf"):
        return float(value)
    raise PydanticCustomError(
        "model_scalar",
        "expected text, a number or true/false, got {found}",
        {"found": found(value)},
    )


def _missing(value: Any) -> Any:
    if value == "skip" and isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value <= 100:
        return float(value)
    raise PydanticCustomError(
        "model_missing",
        "expected 'skip' or a grade from 0 to 100, got {found}",
        {"found": found(value)},
    )


Duration = Annotated[str, BeforeValidator(_duration)]
Scalar = Annotated[str | float | bool, BeforeValidator(_scalar)]
Missing = Annotated[str | float, BeforeValidator(_missing)]
Pair = Annotated[list[float], Field(min_length=2, max_length=2)]
Within = Literal["all", "segment"]


class Spec(BaseModel):
    # strict: YAML already gives numbers, booleans and text their types; '10' is not 10
    model_config = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False, frozen=True)


# -- scale and bands ----------------------------------------------------------------------


class ScaleSpec(Spec):
    min: float = 0.0
    max: float = 100.0
    decimals: int = 1


class BandSpec(Spec):
    name: str
    below: float | None = None
    label: str = ""


# -- inputs -------------------------------------------------------------------------------


class InputSpec(Spec):
    kind: Literal["number", "boolean", "choice"]
    choices: list[str] | None = None
    minimum: float | None = None
    maximum: float | None = None
    expires: Duration | None = None
    description: str = ""


# -- metrics ------------------------------------------------------------------------------


class WhereSpec(Spec):
    """The values one column must have (``in``) or must not have (``not``)."""

    in_: list[Scalar] | None = Field(None, alias="in")
    not_: list[Scalar] | None = Field(None, alias="not")

    @model_validator(mode="before")
    @classmethod
    def _short_form(cls, data: Any) -> Any:
        if isinstance(data, list):
            return {"in": data}
        if not isinstance(data, dict):
            return {"in": [data]}
        return {
            k: [v] if k in ("in", "not") and not isinstance(v, list) else v for k, v in data.items()
        }


class MetricSpec(Spec):
    description: str = ""
    # from a source table
    table: str | None = None
    aggregate: AggregateFn | None = None
    column: str | None = None
    where: dict[str, WhereSpec] | None = None
    window: Duration | None = None
    time_column: str | None = None
    share_of: list[str] | None = None
    # -- table metrics: rates (issue 18) --
    per: Literal["user"] | None = None  # divided by the window's distinct active users
    scale: Literal["tenure"] | None = None  # extrapolated to the whole window, young accounts
    # from other metrics
    percent_change: str | None = None
    vs: Literal["previous", "year_ago"] | None = None
    ratio: Annotated[list[str], Field(min_length=2, max_length=2)] | None = None
    # from the account or a CSM input
    attribute: str | None = None
    kind: Literal["number", "text"] | None = None
    input: str | None = None
    # from the subscription lines in force on the date
    contract: ContractValue | None = None
    change: Duration | None = None
    as_: Literal["amount", "percent"] | None = Field(None, alias="as")


# -- measures -----------------------------------------------------------------------------


class ThresholdsSpec(Spec):
    points: list[Pair]
    below: float = 0.0

    @model_validator(mode="before")
    @classmethod
    def _short_form(cls, data: Any) -> Any:
        if isinstance(data, list):
            return {"points": data}
        if isinstance(data, dict):
            return data
        raise PydanticCustomError(
            "model_thresholds",
            "expected [at_least, grade] pairs, e.g. [[0, 0], [5, 50]], got {found}",
            {"found": found(data)},
        )


class PercentileSpec(Spec):
    within: Within = "all"


class TertilesSpec(Spec):
    within: Within = "all"
    grades: Annotated[list[float], Field(min_length=3, max_length=3)] = [0.0, 50.0, 100.0]


class ZScoreSpec(Spec):
    within: Within = "all"


class NpsSpec(Spec):
    detractor: float = 0.0
    passive: float = 50.0
    promoter: float = 100.0


class BooleanSpec(Spec):
    true: float = 100.0
    false: float = 0.0


class DecaySpec(Spec):
    half_life: Duration


class RuleSpec(Spec):
    when: str
    grade: float


class MeasureSpec(Spec):
    metric: str
    description: str = ""
    direction: Literal["higher", "lower"] | None = None
    missing: Missing = "skip"
    rules: list[RuleSpec] = []
    # gradings: exactly one of these
    linear: Pair | None = None
    thresholds: ThresholdsSpec | None = None
    percentile: PercentileSpec | None = None
    tertiles: TertilesSpec | None = None
    zscore: ZScoreSpec | None = None
    nps: NpsSpec | None = None
    boolean: BooleanSpec | None = None
    categories: dict[str, float] | None = None
    other: float | None = None
    decay: DecaySpec | None = None

    def gradings(self) -> list[str]:
        """The grading keys written (``nps:`` with nothing after it counts)."""
        return [g for g in GRADINGS if g in self.model_fields_set]


# -- composition --------------------------------------------------------------------------


class GroupSpec(Spec):
    """Members (measures or groups) and their weights; short form: the weights alone."""

    description: str = ""
    weights: dict[str, float]

    @model_validator(mode="before")
    @classmethod
    def _short_form(cls, data: Any) -> Any:
        if not isinstance(data, dict) or "weights" in data:
            return data
        if "description" not in data:
            return {"weights": data}
        if len(data) > 1:
            raise PydanticCustomError(
                "model_weights",
                "with a description, list the members under weights, e.g. "
                "{description: ..., weights: {usage: 2, logins: 1}}",
            )
        return data


class ScorecardSpec(GroupSpec):
    """Like a group: members (measures or groups) and their weights."""


class SegmentSpec(Spec):
    name: str | None = None
    when: str | None = None
    scorecard: str


class ScoreSpec(Spec):
    description: str = ""
    segments: list[SegmentSpec]


class ModelSpec(Spec):
    name: str
    description: str = ""
    scale: ScaleSpec = ScaleSpec()
    bands: list[BandSpec] | None = None
    inputs: dict[str, InputSpec] = {}
    metrics: dict[str, MetricSpec] = {}
    measures: dict[str, MeasureSpec]
    groups: dict[str, GroupSpec] = {}
    scorecards: dict[str, ScorecardSpec]
    scores: dict[str, ScoreSpec] | None = None
    # alert rules, checked in shape and against the model by stethoscope.alerts.rules
    alerts: dict[str, Any] | None = None


# sections holding named entries, in the order they are resolved
SECTIONS: tuple[str, ...] = ("inputs", "metrics", "measures", "groups", "scorecards", "scores")


def keys(spec: type[BaseModel]) -> list[str]:
    """The YAML keys a Spec class accepts, as written (aliases)."""
    return [f.alias or name for name, f in spec.model_fields.items()]

"""Loading a model: resolution (defaults, weights, durations), every problem with its
file:line and dotted path, and the version."""

from __future__ import annotations

import dataclasses
import os
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stethoscope.errors import ModelError
from stethoscope.model import load_model, parse_model
from stethoscope.model.types import (
    Aggregate,
    And,
    Attribute,
    Band,
    Boolean,
    Categorical,
    Compare,
    Const,
    Decay,
    Filter,
    Group,
    In,
    InputDef,
    InputRef,
    Item,
    Linear,
    Measure,
    Metric,
    Model,
    Name,
    Nps,
    Or,
    PercentChange,
    Percentile,
    Ratio,
    Rule,
    Scale,
    Score,
    Scorecard,
    Segment,
    Tertiles,
    Thresholds,
    ZScore,
)

SNAPSHOTS = Path(__file__).parent / "snapshots"

MINIMAL = """\
name: tiny
scorecards:
  main: {usage: 1}
metrics:
  events_30d: {table: events, aggregate: count, window: 30d}
measures:
  usage: {metric: events_30d, linear: [0, 20]}
"""

GOLDEN = """\
# every part of the language, resolved by hand below
name: golden
description: All the parts.
scale: {min: 1, max: 100, decimals: 0}
bands:
  - {name: at_risk, below: 50, label: At risk}
  - {name: healthy}
inputs:
  gut_check: {kind: number, minimum: 0, maximum: 10, expires: 13w, description: Gut.}
  stage: {kind: choice, choices: [kickoff, live]}
  deployed: {kind: boolean}
metrics:
  logins_30d:
    table: events
    where: {event: [session_started]}
    aggregate: count
    window: 30d
  not_login: {table: events, where: {event: {not: login}}, aggregate: count, window: 1w}
  users_10d: {table: events, aggregate: count_distinct, column: user_id, window: 10d}
  trend: {percent_change: logins_30d, vs: year_ago}
  depth: {ratio: [users_10d, seats]}
  region: {attribute: attributes.region}
  nps: {table: surveys, where: {kind: NPS}, aggregate: latest, column: score, window: 1y}
  goals: {table: goals, aggregate: count, time_column: achieved_at}
  share: {table: events, aggregate: share, column: event, share_of: [a, b]}
  gut: {input: gut_check, description: The gut check.}
measures:
  usage: {metric: logins_30d, linear: [0, 20], description: Logins.}
  steps: {metric: not_login, thresholds: {points: [[0, 0], [5, 50]], below: 10}}
  peers: {metric: users_10d, percentile: {within: segment}, direction: lower, missing: 25}
  thirds: {metric: trend, tertiles: {}}
  z: {metric: depth, zscore:}
  nps: {metric: nps, nps: {passive: 60}}
  deployed: {metric: deployed, boolean: {}}
  stage: {metric: stage, categories: {kickoff: 20, live: 100}, other: 0}
  recency:
    metric: goals
    decay: {half_life: 2w}
    rules:
      - {when: "deployed == true and region in ['emea']", grade: 90}
  gut: {metric: gut, thresholds: [[0, 0], [7, 100]]}
groups:
  adoption: {usage: 2, steps: 1.5}
  all_in:
    description: Nested.
    weights: {adoption: 3, nps: 1}
scorecards:
  standard: {all_in: 40, peers: 10, thirds: 10, z: 10, deployed: 10, stage: 10, recency: 10}
  onboarding: {usage: 1, gut: 1}
scores:
  health:
    description: H.
    segments:
      - {name: onboarding, when: "tenure_days < 120 or stage == 'kickoff'", scorecard: onboarding}
      - {scorecard: standard}
"""


def _events(
    fn: str,
    window: int | None,
    *,
    column: str | None = None,
    where: tuple[Filter, ...] = (),
    share_of: tuple[str, ...] = (),
) -> Aggregate:
    return Aggregate("events", fn, column, window, where, share_of, "timestamp")  # type: ignore[arg-type]


GOLDEN_MODEL = Model(
    name="golden",
    description="All the parts.",
    scale=Scale(1.0, 100.0, 0),
    bands=(Band("at_risk", 50.0, "At risk"), Band("healthy", None, "")),
    inputs={
        "gut_check": InputDef("gut_check", "number", (), 0.0, 10.0, 91, "Gut."),
        "stage": InputDef("stage", "choice", ("kickoff", "live")),
        "deployed": InputDef("deployed", "boolean"),
    },
    metrics={
        "logins_30d": Metric(
            "logins_30d", _events("count", 30, where=(Filter("event", ("session_started",)),))
        ),
        "not_login": Metric(
            "not_login", _events("count", 7, where=(Filter("event", ("login",), negated=True),))
        ),
        "users_10d": Metric("users_10d", _events("count_distinct", 10, column="user_id")),
        "trend": Metric("trend", PercentChange("logins_30d", "year_ago")),
        "depth": Metric("depth", Ratio("users_10d", "seats")),
        "seats": Metric("seats", Attribute("seats")),
        "region": Metric("region", Attribute("attributes.region"), "text"),
        "nps": Metric(
            "nps",
            Aggregate(
                "surveys", "latest", "score", 365, (Filter("kind", ("nps",)),), (), "responded_at"
            ),
        ),
        "goals": Metric("goals", Aggregate("goals", "count", None, None, (), (), "achieved_at")),
        "share": Metric("share", _events("share", None, column="event", share_of=("a", "b"))),
        "gut": Metric("gut", InputRef("gut_check"), description="The gut check."),
        "deployed": Metric("deployed", InputRef("deployed")),
        "stage": Metric("stage", InputRef("stage"), "text"),
        "tenure_days": Metric("tenure_days", Attribute("tenure_days")),
    },
    measures={
        "usage": Measure("usage", "logins_30d", Linear(0.0, 20.0), description="Logins."),
        "steps": Measure("steps", "not_login", Thresholds(((0.0, 0.0), (5.0, 50.0)), 10.0)),
        "peers": Measure("peers", "users_10d", Percentile("segment"), "lower", 25.0),
        "thirds": Measure("thirds", "trend", Tertiles("all", (0.0, 50.0, 100.0))),
        "z": Measure("z", "depth", ZScore("all")),
        "nps": Measure("nps", "nps", Nps(0.0, 60.0, 100.0)),
        "deployed": Measure("deployed", "deployed", Boolean(100.0, 0.0)),
        "stage": Measure("stage", "stage", Categorical((("kickoff", 20.0), ("live", 100.0)), 0.0)),
        "recency": Measure(
            "recency",
            "goals",
            Decay(14.0),
            rules=(
                Rule(
                    And(
                        (
                            Compare(Name("deployed"), "==", Const(1.0)),
                            In(Name("region"), ("emea",)),
                        )
                    ),
                    90.0,
                ),
            ),
        ),
        "gut": Measure("gut", "gut", Thresholds(((0.0, 0.0), (7.0, 100.0)), 0.0)),
    },
    groups={
        "adoption": Group(
            "adoption", (Item("usage", "measure", 2.0), Item("steps", "measure", 1.5))
        ),
        "all_in": Group(
            "all_in", (Item("adoption", "group", 3.0), Item("nps", "measure", 1.0)), "Nested."
        ),
    },
    scorecards={
        "standard": Scorecard(
            "standard",
            (
                Item("all_in", "group", 40.0),
                Item("peers", "measure", 10.0),
                Item("thirds", "measure", 10.0),
                Item("z", "measure", 10.0),
                Item("deployed", "measure", 10.0),
                Item("stage", "measure", 10.0),
                Item("recency", "measure", 10.0),
            ),
        ),
        "onboarding": Scorecard(
            "onboarding", (Item("usage", "measure", 1.0), Item("gut", "measure", 1.0))
        ),
    },
    scores={
        "health": Score(
            "health",
            (
                Segment(
                    "onboarding",
                    "onboarding",
                    Or(
                        (
                            Compare(Name("tenure_days"), "<", Const(120.0)),
                            Compare(Name("stage"), "==", Const("kickoff")),
                        )
                    ),
                ),
                Segment("standard", "standard", None),
            ),
            "H.",
        ),
    },
)


def test_golden_resolution() -> None:
    m = parse_model(GOLDEN)
    assert dataclasses.replace(m, version="", source="") == GOLDEN_MODEL
    assert m.source == GOLDEN
    assert re.fullmatch(r"[0-9a-f]{64}", m.version)
    # written order is kept (explain lists items in this order)
    assert [i.name for i in m.groups["adoption"].items] == ["usage", "steps"]


def test_defaults_are_filled() -> None:
    m = parse_model(MINIMAL)
    assert m.scale == Scale(0.0, 100.0, 1)
    assert m.bands == (
        Band("red", 60.0, "Act"),
        Band("yellow", 70.0, "Investigate"),
        Band("green", None, "Healthy"),
    )
    assert m.scores == {"health": Score("health", (Segment("all", "main"),))}
    assert m.measures["usage"] == Measure(
        "usage", "events_30d", Linear(0.0, 20.0), direction="higher", missing="skip"
    )
    assert m.inputs == {}
    assert m.groups == {}
    assert m.metrics["events_30d"].source == _events("count", 30)


def test_default_bands_follow_the_scale() -> None:
    m = parse_model(MINIMAL + "scale: {min: 0, max: 10}\n")
    assert [b.below for b in m.bands] == [6.0, 7.0, None]


# -- problems: one per case, the whole message checked ----------------------------------

TEMPLATE = """\
name: t
inputs:
  gut: {{kind: number, minimum: 0, maximum: 10}}
metrics:
  events_30d: {{table: events, aggregate: count, window: 30d}}
  {metric}
measures:
  usage: {{metric: events_30d, linear: [0, 20]}}
  {measure}
groups:
  adoption: {{usage: 1}}
  {group}
scorecards:
  main: {{adoption: 1}}
  {scorecard}
"""
LINE = {"metric": 6, "measure": 9, "group": 12, "scorecard": 15}

CASES = [
    # shape: unknown keys, types, durations
    (
        "metric",
        "x: {table: events, aggregate: count, windw: 30d}",
        "metrics.x.windw: unknown key 'windw' (did you mean 'window'?)",
    ),
    (
        "metric",
        "x: {table: events, aggregate: count, foo: 1}",
        "metrics.x.foo: unknown key 'foo'; expected one of description, table, aggregate, "
        "column, where, window, time_column, share_of, per, scale, percent_change, vs, ratio, "
        "attribute, kind, input, contract, change, as",
    ),
    (
        "metric",
        "x: {table: events, aggregate: count, window: month}",
        "metrics.x.window: expected a duration like '30d', got 'month'",
    ),
    (
        "metric",
        "x: {table: events, aggregate: count, window: 30}",
        "metrics.x.window: expected a duration like '30d', got 30",
    ),
    ("metric", "x: {table: 3, aggregate: count}", "metrics.x.table: expected text, got 3"),
    (
        "metric",
        "x: {table: events, aggregate: cnt}",
        "metrics.x.aggregate: expected one of count, count_distinct, active_days, "
        "active_days_per_week, sum, avg, min, max, latest, days_since, share, got 'cnt' "
        "(did you mean 'count'?)",
    ),
    ("metric", "x: [1, 2]", "metrics.x: expected a mapping (key: value), got a list"),
    # metric sources
    (
        "metric",
        "x: {}",
        "metrics.x: expected one of table, percent_change, ratio, attribute, "
        "input, contract (where its number comes from)",
    ),
    (
        "metric",
        "x: {table: events, ratio: [a, b]}",
        "metrics.x: has both table and ratio; a metric reads one source",
    ),
    (
        "metric",
        "x: {table: event, aggregate: count}",
        "metrics.x.table: unknown table 'event' (did you mean 'events'?)",
    ),
    (
        "metric",
        "x: {table: accounts, aggregate: count}",
        "metrics.x.table: accounts has one row per account; read its columns with attribute, "
        "e.g. {attribute: seats}",
    ),
    ("metric", "x: {table: events}", "metrics.x: needs an aggregate, e.g. aggregate: count"),
    ("metric", "x: {table: events, aggregate: sum}", "metrics.x: aggregate 'sum' needs a column"),
    (
        "metric",
        "x: {table: events, aggregate: count_distinct, column: users}",
        "metrics.x.column: unknown column 'users' in table 'events' (did you mean 'user_id'?)",
    ),
    (
        "metric",
        "x: {table: events, aggregate: count, column: user_id}",
        "metrics.x.column: aggregate 'count' takes no column (it counts rows or days; "
        "count_distinct counts the values of a column)",
    ),
    (
        "metric",
        "x: {table: tickets, aggregate: avg, column: priority}",
        "metrics.x.column: aggregate 'avg' needs a numeric column; 'priority' is string",
    ),
    (
        "metric",
        "x: {table: events, aggregate: latest, column: timestamp}",
        "metrics.x.column: aggregate 'latest' cannot read timestamp column 'timestamp'; "
        "use days_since",
    ),
    (
        "metric",
        "x: {table: events, aggregate: share, column: event}",
        "metrics.x: aggregate 'share' needs share_of (the values to look for)",
    ),
    (
        "metric",
        "x: {table: events, aggregate: count, share_of: [a]}",
        "metrics.x.share_of: only for aggregate 'share'",
    ),
    (
        "metric",
        "x: {table: events, aggregate: active_days_per_week}",
        "metrics.x: aggregate 'active_days_per_week' needs a window, e.g. 28d",
    ),
    (
        "metric",
        "x: {table: events, aggregate: count, where: {evnt: login}}",
        "metrics.x.where.evnt: unknown column 'evnt' in table 'events' (did you mean 'event'?)",
    ),
    (
        "metric",
        "x: {table: tickets, aggregate: count, where: {priority: hgh}}",
        "metrics.x.where.priority: 'hgh' is not a value of tickets.priority (did you mean "
        "'high'?); expected low, normal, high, urgent",
    ),
    (
        "metric",
        "x: {table: tickets, aggregate: count, where: {csat: [high]}}",
        "metrics.x.where.csat: tickets.csat holds numbers, got 'high'",
    ),
    (
        "metric",
        "x: {table: events, aggregate: count, where: {event: {nt: [a]}}}",
        "metrics.x.where.event.nt: unknown key 'nt' (did you mean 'not'?)",
    ),
    (
        "metric",
        "x: {table: events, aggregate: count, where: {}}",
        "metrics.x.where: empty; name a column and its values, or leave where out",
    ),
    (
        "metric",
        "x: {table: goals, aggregate: count, time_column: name}",
        "metrics.x.time_column: expected a date or timestamp column of 'goals' (set_at, "
        "achieved_at), got 'name'",
    ),
    # keys of a JSON column, rates per user, tenure scaling (issue 18)
    (
        "metric",
        "x: {table: events, aggregate: sum, column: propertes.value}",
        "metrics.x.column: unknown column 'propertes' in table 'events' (did you mean "
        "'properties'?)",
    ),
    (
        "metric",
        "x: {table: events, aggregate: sum, column: event.value}",
        "metrics.x.column: 'event' is a string column; only a JSON column has keys (in "
        "'events': properties)",
    ),
    (
        "metric",
        "x: {table: tickets, aggregate: sum, column: priority.value}",
        "metrics.x.column: 'priority' is a string column; only a JSON column has keys "
        "('tickets' has none)",
    ),
    (
        "metric",
        "x: {table: events, aggregate: sum, column: properties}",
        "metrics.x.column: aggregate 'sum' needs a numeric column; 'properties' is json",
    ),
    (
        "metric",
        "x: {table: events, aggregate: latest, column: properties}",
        "metrics.x.column: aggregate 'latest' cannot read json column 'properties'; read one "
        "of its keys, e.g. properties.value",
    ),
    (
        "metric",
        "x: {table: events, aggregate: days_since, column: properties.value}",
        "metrics.x.column: aggregate 'days_since' takes no column (it counts rows or days; "
        "count_distinct counts the values of a column)",
    ),
    (
        "metric",
        "x: {table: events, aggregate: sum, column: properties.a.b}",
        "metrics.x.column: unknown column 'properties.a.b' in table 'events' (did you mean "
        "'properties'?)",
    ),
    (
        "metric",
        "x: {table: events, aggregate: count, where: {properties: pro}}",
        "metrics.x.where.properties: cannot filter on json column 'properties'; filter on one "
        "of its keys, e.g. properties.plan",
    ),
    (
        "metric",
        "x: {table: events, aggregate: count, where: {propertis.plan: pro}}",
        "metrics.x.where.propertis.plan: unknown column 'propertis' in table 'events' (did you "
        "mean 'properties'?)",
    ),
    (
        "metric",
        "x: {table: events, aggregate: count, where: {properties.plan: {in: []}}}",
        "metrics.x.where.properties.plan: needs at least one value",
    ),
    (
        "metric",
        "x: {table: tickets, aggregate: count, where: {contact.role: champion}}",
        "metrics.x.where.contact.role: 'tickets' rows name no contact (no user_id); "
        "contact.<column> filters events",
    ),
    (
        "metric",
        "x: {table: events, aggregate: count, where: {contact.email: a@b.c}}",
        "metrics.x.where.contact.email: cannot filter on contacts column 'email'; "
        "contact.<column> reads role",
    ),
    (
        "metric",
        "x: {table: events, aggregate: count, where: {contact.rol: champion}}",
        "metrics.x.where.contact.rol: cannot filter on contacts column 'rol' (did you mean "
        "'role'?); contact.<column> reads role",
    ),
    (
        "metric",
        "x: {table: events, aggregate: avg, column: properties.value, per: user}",
        "metrics.x.per: per divides a total (count, count_distinct, sum); aggregate 'avg' is "
        "not one",
    ),
    (
        "metric",
        "x: {table: events, aggregate: count, per: users, window: 30d}",
        "metrics.x.per: expected 'user', got 'users' (did you mean 'user'?)",
    ),
    (
        "metric",
        "x: {table: events, aggregate: count, scale: tenure}",
        "metrics.x.scale: scale: tenure needs a window (the days it scales to), e.g. window: 30d",
    ),
    (
        "metric",
        "x: {table: events, aggregate: days_since, scale: tenure, window: 30d}",
        "metrics.x.scale: scale: tenure extrapolates a total (count, sum, active_days, "
        "active_days_per_week); aggregate 'days_since' is not one",
    ),
    (
        "metric",
        "x: {table: events, aggregate: count, scale: tenur, window: 30d}",
        "metrics.x.scale: expected 'tenure', got 'tenur' (did you mean 'tenure'?)",
    ),
    (
        "metric",
        "x: {ratio: [events_30d, seats], per: user}",
        "metrics.x.per: only for table metrics",
    ),
    (
        "metric",
        "x: {table: events, aggregate: count, vs: previous}",
        "metrics.x.vs: only for percent_change metrics",
    ),
    (
        "metric",
        "x: {percent_change: evnts_30d}",
        "metrics.x.percent_change: unknown metric 'evnts_30d' (did you mean 'events_30d'?)",
    ),
    (
        "metric",
        "x: {percent_change: gut}",
        "metrics.x.percent_change: 'gut' is not a table metric; percent_change needs a table "
        "metric with a window",
    ),
    (
        "metric",
        "x: {ratio: [events_30d, plan]}",
        "metrics.x.ratio[1]: 'plan' is text; ratio needs numbers",
    ),
    (
        "metric",
        "x: {ratio: [events_30d, q]}\n  q: {attribute: attributes.quota}",
        "metrics.x.ratio[1]: 'q' is text; ratio needs numbers (read attributes.quota as a "
        "number with kind: number)",
    ),
    ("metric", "x: {ratio: [x, seats]}", "metrics.x.ratio: cycle x -> x"),
    ("metric", "x: {ratio: [events_30d]}", "metrics.x.ratio: expected 2 items, got 1"),
    (
        "metric",
        "x: {attribute: sets}",
        "metrics.x.attribute: unknown attribute 'sets' (did you mean 'seats'?); expected arr, "
        "seats, segment, industry, plan, owner, tenure_days, days_to_renewal or "
        "attributes.<key>",
    ),
    ("metric", "x: {attribute: plan, kind: number}", "metrics.x.kind: attribute 'plan' is text"),
    ("metric", "x: {input: gutt}", "metrics.x.input: unknown input 'gutt' (did you mean 'gut'?)"),
    (
        "metric",
        "Logins: {attribute: seats}",
        "metrics.Logins: a name is lower-case letters, digits and _, starting with a letter; "
        "got 'Logins'",
    ),
    (
        "metric",
        "missing: {attribute: seats}",
        "metrics.missing: 'missing' is a reserved word; choose another name",
    ),
    # measures and their gradings
    (
        "measure",
        "x: {metric: evnts_30d, linear: [0, 1]}",
        "measures.x.metric: unknown metric 'evnts_30d' (did you mean 'events_30d'?)",
    ),
    (
        "measure",
        "x: {metric: events_30d}",
        "measures.x: no grading; expected one of linear, thresholds, percentile, tertiles, "
        "zscore, nps, boolean, categories, decay",
    ),
    (
        "measure",
        "x: {metric: events_30d, linear: [0, 1], nps: {}}",
        "measures.x: has both linear and nps; a measure has exactly one grading",
    ),
    (
        "measure",
        "x: {metric: events_30d, linear: [5, 5]}",
        "measures.x.linear: zero and full are both 5; they must differ",
    ),
    (
        "measure",
        "x: {metric: events_30d, thresholds: [[0, 0], [9, 50], [5, 100]]}",
        "measures.x.thresholds[2]: at_least values must ascend; 5 follows 9",
    ),
    (
        "measure",
        "x: {metric: events_30d, thresholds: {points: [[0, 0], [5, 101]]}}",
        "measures.x.thresholds.points[1]: grade 101 is outside 0-100",
    ),
    (
        "measure",
        "x: {metric: events_30d, thresholds: [[0, 0], [5]]}",
        "measures.x.thresholds[1]: expected 2 items, got 1",
    ),
    (
        "measure",
        "x: {metric: events_30d, thresholds: 5}",
        "measures.x.thresholds: expected [at_least, grade] pairs, e.g. [[0, 0], [5, 50]], got 5",
    ),
    (
        "measure",
        "x: {metric: events_30d, tertiles: {grades: [0, 50, 200]}}",
        "measures.x.tertiles.grades[2]: grade 200 is outside 0-100",
    ),
    (
        "measure",
        "x: {metric: events_30d, percentile: {within: segmnt}}",
        "measures.x.percentile.within: expected one of all, segment, got 'segmnt' (did you "
        "mean 'segment'?)",
    ),
    (
        "measure",
        "x: {metric: events_30d, nps: {promoter: -1}}",
        "measures.x.nps.promoter: grade -1 is outside 0-100",
    ),
    (
        "measure",
        "x: {metric: plan, linear: [0, 1]}",
        "measures.x.metric: 'plan' is text; linear grades numbers (categories grade text)",
    ),
    (
        "measure",
        "x: {metric: events_30d, categories: {a: 1}}",
        "measures.x.metric: 'events_30d' is a number; categories grade text",
    ),
    (
        "measure",
        "x: {metric: plan, categories: {}}",
        "measures.x.categories: expected values and their grades, e.g. {starter: 50, "
        "enterprise: 100}",
    ),
    (
        "measure",
        "x: {metric: events_30d, linear: [0, 1], other: 0}",
        "measures.x.other: only for categories grading",
    ),
    (
        "measure",
        "x: {metric: events_30d, linear: [0, 1], direction: lower}",
        "measures.x.direction: only for percentile, tertiles and zscore; linear says which "
        "values are better by itself",
    ),
    (
        "measure",
        "x: {metric: events_30d, decay: {half_life: 30}}",
        "measures.x.decay.half_life: expected a duration like '30d', got 30",
    ),
    (
        "measure",
        "x: {metric: events_30d, linear: [0, 1], missing: 120}",
        "measures.x.missing: expected 'skip' or a grade from 0 to 100, got 120",
    ),
    (
        "measure",
        "x: {metric: events_30d, linear: [0, 1], rules: [{when: 'plan > 3', grade: 0}]}",
        "measures.x.rules[0].when: 'plan' is text; compare it with text in quotes, got 3",
    ),
    (
        "measure",
        "x: {metric: events_30d, linear: [0, 1], rules: [{when: 'x.y > 3', grade: 0}]}",
        "measures.x.rules[0].when: attribute access 'x.y' is not allowed",
    ),
    (
        "measure",
        "x: {metric: events_30d, linear: [0, 1], rules: [{when: 'tix > 3', grade: 0}]}",
        "measures.x.rules[0].when: unknown metric 'tix'",
    ),
    (
        "measure",
        "x: {metric: events_30d, linear: [0, 1], rules: [{when: 'gut > 3', grade: 101}]}",
        "measures.x.rules[0].grade: grade 101 is outside 0-100",
    ),
    # groups and scorecards
    (
        "group",
        "g: {usage: 2, nps_scor: 1}",
        "groups.g.nps_scor: unknown measure or group 'nps_scor'",
    ),
    (
        "group",
        "g: {usag: 2}",
        "groups.g.usag: unknown measure or group 'usag' (did you mean 'usage'?)",
    ),
    ("group", "g: {usage: 0}", "groups.g.usage: weight must be more than 0, got 0"),
    ("group", "g: {usage: '2'}", "groups.g.usage: expected a number, got '2'"),
    ("group", "g: {}", "groups.g: empty; list members and weights, e.g. {usage: 2, logins: 1}"),
    ("group", "g: {g: 1}", "groups.g.g: cycle g -> g"),
    (
        "group",
        "usage: {adoption: 1}",
        "groups.usage: 'usage' is also a measure; a measure and a group need different names",
    ),
    (
        "group",
        "g: {description: x, usage: 1}",
        "groups.g: with a description, list the members under weights, e.g. {description: ..., "
        "weights: {usage: 2, logins: 1}}",
    ),
    (
        "group",
        "g: {description: x, weights: {usage: 1}, usage: 1}",
        "groups.g.usage: unknown key 'usage'; expected one of description, weights",
    ),
    (
        "scorecard",
        "other: {adoptio: 1}",
        "scorecards.other.adoptio: unknown measure or group 'adoptio' (did you mean 'adoption'?)",
    ),
]


@pytest.mark.parametrize(("part", "snippet", "message"), CASES)
def test_each_problem_has_its_exact_message(part: str, snippet: str, message: str) -> None:
    slots = dict.fromkeys(LINE, "")
    slots[part] = snippet
    text = TEMPLATE.format(**slots)
    if part == "scorecard":
        text += "scores: {health: {segments: [{scorecard: main}]}}\n"
    expected = (
        f"invalid model 'model.yaml' (1 problem)\n"
        f"  model.yaml:{LINE[part]}  {message}\n"
        f"Hint: run `stethoscope validate` after editing."
    )
    with pytest.raises(ModelError, match=r"^invalid model 'model\.yaml' \(1 problem\)\n") as e:
        parse_model(text)
    assert str(e.value) == expected


SCORES = """\
name: t
measures:
  usage: {metric: events_30d, linear: [0, 20]}
metrics:
  events_30d: {table: events, aggregate: count, window: 30d}
scorecards:
  main: {usage: 1}
  other: {usage: 1}
"""


@pytest.mark.parametrize(
    ("scores", "message"),
    [
        (
            "",
            "model.yaml:6  scores: needed when there is more than one scorecard (main, other): "
            "say which accounts each one scores",
        ),
        (
            "scores: {}",
            "model.yaml:9  scores: empty; define at least one score, or leave scores out",
        ),
        (
            "scores: {h: {segments: []}}",
            "model.yaml:9  scores.h.segments: empty; define at least one segment",
        ),
        (
            "scores: {h: {segments: [{scorecard: main}, {scorecard: other}]}}",
            "model.yaml:9  scores.h.segments[1]: never reached: segment 'main' before it has no "
            "when and takes every account",
        ),
        (
            "scores: {h: {segments: [{when: 'seats > 1', scorecard: main}, {scorecard: main}]}}",
            "model.yaml:9  scores.h.segments[1]: segment 'main' is defined twice in this score; "
            "give each a name",
        ),
        (
            "scores: {h: {segments: [{scorecard: mian}]}}",
            "model.yaml:9  scores.h.segments[0].scorecard: unknown scorecard 'mian' (did you mean "
            "'main'?)",
        ),
        (
            "scores: {h: {segments: [{when: 'tenure < 90', scorecard: main}]}}",
            "model.yaml:9  scores.h.segments[0].when: unknown metric 'tenure' (did you mean "
            "'tenure_days'?)",
        ),
        (
            "scores: {h: {segments: [{when: \"segment < 'm'\", scorecard: main}]}}",
            "model.yaml:9  scores.h.segments[0].when: '<' compares numbers; 'segment' is text",
        ),
        (
            "scores: {h: {segments: [{when: 'tenure_days <', scorecard: main}]}}",
            "model.yaml:9  scores.h.segments[0].when: could not read the condition: invalid syntax",
        ),
        (
            "scores: {h: {segments: [{name: All, scorecard: main}]}}",
            "model.yaml:9  scores.h.segments[0].name: expected lower-case letters, digits and _, "
            "got 'All'",
        ),
        (
            "bands: [{name: red, below: 70}, {name: amber, below: 60}, {name: green}]\n"
            "scores: {h: {segments: [{scorecard: main}]}}",
            "model.yaml:9  bands[1].below: 60 is not above the band before (70); bands go from "
            "worst to best",
        ),
        (
            "bands: [{name: red, below: 170}, {name: green}]\n"
            "scores: {h: {segments: [{scorecard: main}]}}",
            "model.yaml:9  bands[0].below: 170 is outside the scale 0-100",
        ),
        (
            "bands: [{name: red, below: 60}, {name: green, below: 70}]\n"
            "scores: {h: {segments: [{scorecard: main}]}}",
            "model.yaml:9  bands[1].below: the last band takes every score above the others and "
            "has no below",
        ),
        (
            "bands: [{name: red}, {name: green}]\nscores: {h: {segments: [{scorecard: main}]}}",
            "model.yaml:9  bands[0]: needs below (every band but the last has one)",
        ),
        (
            "bands: []\nscores: {h: {segments: [{scorecard: main}]}}",
            "model.yaml:9  bands: empty; define at least one band (or leave bands out)",
        ),
        (
            "scale: {min: 60, max: 100}\nscores: {h: {segments: [{scorecard: main}]}}",
            "model.yaml:9  bands: the default bands (below 60% and 70% of max) do not fit the "
            "scale 60-100; write bands",
        ),
        (
            "scale: {min: 10, max: 0}\nbands: [{name: all}]\n"
            "scores: {h: {segments: [{scorecard: main}]}}",
            "model.yaml:9  scale: min (10) must be below max (0)",
        ),
    ],
)
def test_scores_bands_and_scale_problems(scores: str, message: str) -> None:
    with pytest.raises(ModelError, match=r"^invalid model 'model\.yaml' \(1 problem\)\n") as e:
        parse_model(SCORES + scores + "\n")
    assert str(e.value).splitlines()[1] == "  " + message


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "",
            "model.yaml:1  the file is empty; a model needs at least name, measures and scorecards",
        ),
        (
            "- a\n- b\n",
            "model.yaml:1  expected a mapping of model keys (name, metrics, "
            "measures, ...), got a list",
        ),
        (
            "name: t\nmetrics: {a: [\n",
            "model.yaml:3  YAML syntax error: while parsing a flow "
            "node expected the node content, but found '<stream end>'",
        ),
        (
            "name: t\n\tmeasures: {}\n",
            "model.yaml:2  YAML syntax error: while scanning for the "
            "next token found character '\\t' that cannot start any token",
        ),
        (MINIMAL + "name: u\n", "model.yaml:8  name: duplicate key 'name' (first at line 1)"),
        (
            MINIMAL + "  usage: {metric: events_30d, linear: [0, 2]}\n",
            "model.yaml:8  measures.usage: duplicate key 'usage' (first at line 7)",
        ),
        (
            MINIMAL.replace("name: tiny", "name: Tiny Model"),
            "model.yaml:1  name: expected lower-case letters, digits, - and _, got 'Tiny Model'",
        ),
        (MINIMAL.replace("name: tiny\n", ""), "model.yaml:1  name: missing (required)"),
        ("name: t\nscorecards: {main: {usage: 1}}\n", "model.yaml:1  measures: missing (required)"),
        (
            "name: t\nmeasures: 3\nscorecards: {main: {usage: 1}}\n",
            "model.yaml:2  measures: expected a mapping (key: value), got 3",
        ),
        (
            MINIMAL + "metric: {}\n",
            "model.yaml:8  metric: unknown key 'metric' (did you mean 'metrics'?)",
        ),
        (
            "name: t\n\x1f: 1\n",
            "model.yaml:2  YAML syntax error: character #x001f is not allowed in a YAML file",
        ),
        (
            MINIMAL + "a: &a [*a]\n",
            "model.yaml:1  YAML syntax error: the document refers to itself, or is far too large",
        ),
    ],
)
def test_file_level_problems(text: str, message: str) -> None:
    with pytest.raises(ModelError, match=r"^invalid model 'model\.yaml' \(1 problem\)\n") as e:
        parse_model(text)
    assert str(e.value).splitlines()[1] == "  " + message


def test_yaml_1_1_words_stay_text() -> None:
    m = parse_model(
        MINIMAL + "inputs:\n  answer: {kind: choice, choices: [yes, no, on, off, 2024-01-01]}\n"
    )
    assert m.inputs["answer"].choices == ("yes", "no", "on", "off", "2024-01-01")


def test_line_numbers_in_block_style() -> None:
    text = """\
name: t
metrics:
  logins_30d:
    table: events
    aggregate: count
    window: month
measures:
  usage:
    metric: logins_30d
    thresholds:
      - [0, 0]
      - [10, 50]
      - [5, 100]
scorecards:
  main:
    usage: 1
    nope: 2
"""
    with pytest.raises(ModelError) as e:
        parse_model(text, "models/health.yaml")
    assert [str(p) for p in e.value.problems] == [
        "models/health.yaml:6  metrics.logins_30d.window: expected a duration like '30d', "
        "got 'month'",
        "models/health.yaml:13  measures.usage.thresholds[2]: at_least values must ascend; "
        "5 follows 10",
        "models/health.yaml:17  scorecards.main.nope: unknown measure or group 'nope'",
    ]
    assert e.value.message == "invalid model 'models/health.yaml' (3 problems)"


def test_a_broken_part_is_reported_once_not_at_every_use() -> None:
    text = (
        MINIMAL.replace("window: 30d}", "window: 30d, windw: 1}")
        + "groups:\n  g: {usage: 1, x: -1}\n"
    )
    with pytest.raises(ModelError) as e:
        parse_model(text)
    # the measure reading the broken metric, and the group, say nothing more about it
    assert [p.message for p in e.value.problems] == [
        "metrics.events_30d.windw: unknown key 'windw' (did you mean 'window'?)",
        "groups.g.x: unknown measure or group 'x'",
        "groups.g.x: weight must be more than 0, got -1",
    ]


def test_long_multi_problem_message_matches_snapshot() -> None:
    text = (Path(__file__).parent / "snapshots" / "multi_problem.yaml").read_text()
    with pytest.raises(ModelError) as e:
        parse_model(text, "multi_problem.yaml")
    snapshot = SNAPSHOTS / "multi_problem.txt"
    if os.environ.get("STETHOSCOPE_UPDATE_SNAPSHOTS"):
        snapshot.write_text(str(e.value) + "\n")
    assert str(e.value) + "\n" == snapshot.read_text()


# -- implicit metrics and typed conditions ------------------------------------------------


def test_attributes_and_inputs_are_read_by_name() -> None:
    m = parse_model("""\
name: t
inputs:
  gut_check: {kind: number}
  done: {kind: boolean}
  stage: {kind: choice, choices: [a, b]}
measures:
  gut:
    metric: gut_check
    linear: [0, 10]
    rules:
      - when: done == true and stage != 'a' and industry in ['x'] and not seats > 10
        grade: 0
scorecards:
  main: {gut: 1}
""")
    assert m.metrics == {
        "gut_check": Metric("gut_check", InputRef("gut_check")),
        "done": Metric("done", InputRef("done")),
        "stage": Metric("stage", InputRef("stage"), "text"),
        "industry": Metric("industry", Attribute("industry"), "text"),
        "seats": Metric("seats", Attribute("seats")),
    }
    # true/false against a number metric become 1/0: the engine sees numbers with numbers
    when = m.measures["gut"].rules[0].when
    assert isinstance(when, And)
    assert when.items[0] == Compare(Name("done"), "==", Const(1.0))


def test_percent_change_and_ratio_of_ratios() -> None:
    m = parse_model(
        MINIMAL.replace(
            "metrics:\n",
            """\
metrics:
  per_seat_per_arr: {ratio: [per_seat, arr]}
  per_seat: {ratio: [yoy, seats]}
  yoy: {percent_change: events_30d, vs: year_ago}
""",
        )
    )
    assert m.metrics["yoy"].source == PercentChange("events_30d", "year_ago")
    assert m.metrics["per_seat"].source == Ratio("yoy", "seats")
    assert m.metrics["per_seat_per_arr"].source == Ratio("per_seat", "arr")
    assert m.metrics["arr"].source == Attribute("arr")


def test_properties_rates_and_ratios_of_any_number_metric() -> None:
    m = parse_model(
        MINIMAL.replace(
            "metrics:\n",
            """\
inputs:
  gut: {kind: number}
metrics:
  deals: {table: events, where: {event: deal, properties.plan: {not: [free, 3, true]}},
          aggregate: sum, column: properties.value, per: user, scale: tenure, window: 30d}
  plans: {table: events, aggregate: count_distinct, column: properties.plan-name}
  quota: {attribute: attributes.quota, kind: number}
  trend: {percent_change: deals}
  of_quota: {ratio: [deals, quota]}
  per_gut: {ratio: [trend, gut]}
  of_ratio: {ratio: [of_quota, per_gut]}
""",
        )
    )
    assert m.metrics["deals"].source == Aggregate(
        "events",
        "sum",
        "properties.value",
        30,
        (Filter("event", ("deal",)), Filter("properties.plan", ("free", 3.0, True), True)),
        time_column="timestamp",
        per="user",
        scale="tenure",
    )
    plans = m.metrics["plans"].source
    assert isinstance(plans, Aggregate)
    assert (plans.column, plans.per, plans.scale) == ("properties.plan-name", None, None)
    assert m.metrics["trend"].source == PercentChange("deals")
    assert m.metrics["of_quota"].source == Ratio("deals", "quota")
    assert m.metrics["per_gut"].source == Ratio("trend", "gut")
    assert m.metrics["gut"].source == InputRef("gut")
    assert m.metrics["of_ratio"].source == Ratio("of_quota", "per_gut")


def test_a_model_without_the_new_keys_keeps_the_version_it_had() -> None:
    """Stored history is keyed by version: keys added to Aggregate (per, scale) change no
    existing model's version (this is MINIMAL's version before they existed)."""
    version = "5ebda0a177c3b87f8c3ab7165881894b1cd7331be2fbd1efb153ea4a44a4fd4b"
    assert parse_model(MINIMAL).version == version
    rated = MINIMAL.replace("window: 30d}", "window: 30d, per: user}")
    assert parse_model(rated).version != version


# -- the version ---------------------------------------------------------------------------

REFORMATTED = """\
# the same model, written differently
scorecards:
  main:
    usage: 1          # only one
measures:
  usage:
    linear: [0, 20]
    metric: events_30d
metrics:
  events_30d:
    window: 30d
    aggregate: count
    table: events
name: tiny
"""


def test_version_ignores_comments_formatting_and_key_order() -> None:
    a, b = parse_model(MINIMAL), parse_model(REFORMATTED)
    assert a.version == b.version
    assert a.source != b.source


def test_version_changes_with_anything_that_scores() -> None:
    base = parse_model(MINIMAL).version
    assert parse_model(MINIMAL.replace("linear: [0, 20]", "linear: [0, 21]")).version != base
    weighted = MINIMAL.replace("main: {usage: 1}", "main: {usage: 1, other: 1}") + (
        "  other: {metric: events_30d, linear: [0, 5]}\n"
    )
    more = weighted.replace("other: 1}", "other: 2}")
    assert parse_model(weighted).version != parse_model(more).version
    assert parse_model(MINIMAL.replace("window: 30d", "window: 31d")).version != base


def test_group_members_in_another_order_are_the_same_model() -> None:
    text = MINIMAL.replace("main: {usage: 1}", "main: {usage: 1, other: 2}") + (
        "  other: {metric: events_30d, linear: [0, 5]}\n"
    )
    swapped = text.replace("{usage: 1, other: 2}", "{other: 2, usage: 1}")
    assert parse_model(text).version == parse_model(swapped).version


# -- files ---------------------------------------------------------------------------------


def test_load_model_reads_a_file_and_names_it(tmp_path: Path) -> None:
    path = tmp_path / "model.yaml"
    path.write_text(MINIMAL)
    assert load_model(path) == parse_model(MINIMAL, str(path))
    path.write_text(MINIMAL.replace("window: 30d", "window: 30 days"))
    with pytest.raises(ModelError, match=re.escape(f"{path}:5  metrics.events_30d.window")):
        load_model(path)


def test_load_model_without_a_file(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match=r"^no model file '.*nope\.yaml'\n"):
        load_model(tmp_path / "nope.yaml")
    (tmp_path / "bin.yaml").write_bytes(b"\xff\xfe\x00")
    with pytest.raises(
        ModelError,
        match=r"^invalid model .*bin\.yaml' \(1 problem\)\n"
        r".*bin\.yaml:1  expected UTF-8 text, got the byte 0xff at column 1",
    ):
        load_model(tmp_path / "bin.yaml")
    (tmp_path / "folder.yaml").mkdir()
    with pytest.raises(ModelError, match=r"^cannot read model"):
        load_model(tmp_path / "folder.yaml")


# -- robustness ----------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_any_edit_of_a_model_gives_a_model_or_a_model_error(data: st.DataObject) -> None:
    text = GOLDEN
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(text)))
        cut = data.draw(st.integers(0, 12))
        insert = data.draw(
            st.sampled_from(
                [
                    "",
                    " ",
                    "\n",
                    ":",
                    "-",
                    "[",
                    "{",
                    "'",
                    "x",
                    "0",
                    "\t",
                    "}",
                    "]",
                    ",",
                    "#",
                    "&a",
                    "*a",
                    "!!python",
                ]
            )
        )
        text = text[:at] + insert + text[at + cut :]
    error: ModelError | None = None
    try:
        parse_model(text)
    except ModelError as e:
        error = e
    if error is not None:
        assert error.problems
        assert all(re.match(r"^model\.yaml:\d+$", p.where) for p in error.problems)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=200))
def test_random_text_gives_a_model_error(text: str) -> None:
    with pytest.raises(ModelError):
        parse_model(text)

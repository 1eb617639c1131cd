"""A backfill reads rows staged once for all its dates (engine/staging.py); every value it
stores for every account and date is exactly what a single run of that date stores: for
every preset, and for a model with every kind of metric, on both stores."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from stethoscope.model.presets import list_presets, preset_text
from stethoscope.project import Project
from stethoscope.store.results import detail_table, row_dicts
from tests.conftest import STORES, open_project

END = dt.date(2025, 6, 30)
DATES = [END - dt.timedelta(days=i) for i in range(5, -1, -1)]

# every aggregate, windowed and over all history, filters (negated too), a date-typed time
# column, percent changes against the previous window and a year earlier, ratios, shares,
# rank-based gradings within segments, and CSM inputs that expire during the backfill
EVERY_KIND = """
name: every-kind
inputs:
  gut_check: {kind: number, minimum: 0, maximum: 10}
metrics:
  events_7d: {table: events, aggregate: count, window: 7d}
  events_all: {table: events, where: {event: session_started}, aggregate: count}
  active_days_all: {table: events, aggregate: active_days}
  active_days_30d: {table: events, aggregate: active_days, window: 30d}
  days_per_week: {table: events, aggregate: active_days_per_week, window: 14d}
  users_10d: {table: events, aggregate: count_distinct, column: user_id, window: 10d}
  users_all: {table: events, aggregate: count_distinct, column: user_id}
  features_all: {table: events, aggregate: share, column: event,
                 share_of: [report_created, dashboard_viewed, export_csv, sso_configured]}
  features_30d: {table: events, aggregate: share, column: event, window: 30d,
                 share_of: [report_created, dashboard_viewed, export_csv]}
  days_since_event: {table: events, aggregate: days_since}
  days_since_login_30d: {table: events, where: {event: session_started},
                         aggregate: days_since, window: 30d}
  nps: {table: surveys, where: {kind: nps}, aggregate: latest, column: score, window: 365d}
  nps_ever: {table: surveys, where: {kind: nps}, aggregate: latest, column: score}
  score_sum: {table: surveys, aggregate: sum, column: score, window: 90d}
  score_avg: {table: surveys, aggregate: avg, column: score}
  score_min: {table: surveys, aggregate: min, column: score, window: 180d}
  score_max: {table: surveys, aggregate: max, column: score}
  tickets_90d: {table: tickets, aggregate: count, window: 90d}
  urgent_ever: {table: tickets, where: {priority: [high, urgent]}, aggregate: count}
  touches: {table: touchpoints, where: {kind: {not: [note]}}, aggregate: count_distinct,
            column: persona, window: 60d}
  goals: {table: goals, aggregate: count, time_column: achieved_at, window: 365d}
  events_trend: {percent_change: events_7d, vs: previous}
  events_yoy: {percent_change: events_7d, vs: year_ago}
  users_per_seat: {ratio: [users_10d, seats]}
  seats: {attribute: seats}
  gut: {input: gut_check}
measures:
  events_7d: {metric: events_7d, percentile: {within: segment}}
  events_all: {metric: events_all, zscore: {within: segment}}
  active_days_all: {metric: active_days_all, tertiles: {within: all}}
  active_days_30d: {metric: active_days_30d, linear: [0, 20]}
  days_per_week: {metric: days_per_week, thresholds: [[0, 0], [1, 50], [4, 100]]}
  users_10d: {metric: users_10d, percentile: {within: all}}
  users_all: {metric: users_all, linear: [0, 30]}
  features_all: {metric: features_all, linear: [0, 100]}
  features_30d: {metric: features_30d, linear: [0, 100]}
  days_since_event: {metric: days_since_event, decay: {half_life: 7d}, missing: 0}
  days_since_login_30d: {metric: days_since_login_30d, decay: {half_life: 3d}}
  nps: {metric: nps, nps: {}}
  nps_ever: {metric: nps_ever, nps: {}}
  score_sum: {metric: score_sum, linear: [0, 50]}
  score_avg: {metric: score_avg, linear: [0, 10]}
  score_min: {metric: score_min, linear: [0, 10]}
  score_max: {metric: score_max, linear: [0, 10]}
  tickets_90d:
    metric: tickets_90d
    tertiles: {within: segment}
    direction: lower
    rules:
      - {when: "tickets_90d == 0 and events_7d == 0", grade: 0}
  urgent_ever: {metric: urgent_ever, linear: [10, 0]}
  touches: {metric: touches, linear: [0, 4]}
  goals: {metric: goals, thresholds: [[0, 0], [1, 100]]}
  events_trend: {metric: events_trend, linear: [-50, 50]}
  events_yoy: {metric: events_yoy, linear: [-50, 50]}
  users_per_seat: {metric: users_per_seat, linear: [0, 1]}
  gut: {metric: gut, linear: [0, 10]}
groups:
  usage: {events_7d: 2, events_all: 1, active_days_all: 1, active_days_30d: 1,
          days_per_week: 1, users_10d: 1, users_all: 1, features_all: 1, features_30d: 1,
          days_since_event: 1, days_since_login_30d: 1, events_trend: 1, events_yoy: 1,
          users_per_seat: 1}
  voice: {nps: 1, nps_ever: 1, score_sum: 1, score_avg: 1, score_min: 1, score_max: 1}
  support: {tickets_90d: 1, urgent_ever: 1}
scorecards:
  main: {usage: 3, voice: 2, support: 1, touches: 1, goals: 1, gut: 1}
scores:
  health:
    segments:
      - {name: all, scorecard: main}
"""

# keys of the events' properties (numbers, text, filters; windowed and all history, staged
# and not), rates per user (against the previous window too) and tenure-scaled totals
# (accounts that become customers during the backfill, see ``book``), a ratio of an input
PROPERTIES_AND_RATES = """
name: properties-and-rates
inputs:
  gut_check: {kind: number, minimum: 0, maximum: 10}
metrics:
  deal_sum_14d: {table: events, where: {event: deal}, aggregate: sum, column: properties.value,
                 window: 14d}
  deal_latest_all: {table: events, aggregate: latest, column: properties.value}
  plans_all: {table: events, aggregate: count_distinct, column: properties.plan}
  paid_days_all: {table: events, where: {properties.plan: [pro, team]}, aggregate: active_days}
  not_free_7d: {table: events, where: {properties.plan: {not: free}}, aggregate: count,
                window: 7d}
  big_deals_30d: {table: events, where: {properties.value: [100, 250]}, aggregate: count,
                  window: 30d}
  events_per_user_7d: {table: events, aggregate: count, per: user, window: 7d}
  deal_per_user_30d: {table: events, where: {event: deal}, aggregate: sum,
                      column: properties.value, per: user, window: 30d}
  days_tenure_30d: {table: events, aggregate: active_days, scale: tenure, window: 30d}
  champion_days_30d: {table: events, where: {contact.role: champion}, aggregate: active_days,
                      window: 30d}
  not_champion_users_7d: {table: events, where: {contact.role: {not: champion}},
                          aggregate: count_distinct, column: user_id, window: 7d}
  days_since_champion: {table: events, where: {contact.role: champion}, aggregate: days_since}
  per_user_trend: {percent_change: events_per_user_7d}
  tenure_trend: {percent_change: days_tenure_30d}
  gut: {input: gut_check}
  deals_per_gut: {ratio: [deal_sum_14d, gut]}
measures:
  deals: {metric: deal_per_user_30d, percentile: {within: segment}}
  young: {metric: days_tenure_30d, linear: [0, 30]}
  trend: {metric: per_user_trend, linear: [-50, 50]}
scorecards:
  main: {deals: 1, young: 1, trend: 1}
"""
MODELS = {"every-kind": EVERY_KIND, "properties-and-rates": PROPERTIES_AND_RATES}
# columns of each model's detail whose values must change inside the backfill
MOVING = {
    "every-kind": ("m__events_7d", "m__days_since_event", "m__gut", "g__events_7d", "m__nps"),
    "properties-and-rates": (
        "m__deal_sum_14d",
        "m__events_per_user_7d",
        "m__days_tenure_30d",
        "m__champion_days_30d",
        "m__not_champion_users_7d",
        "m__days_since_champion",
    ),
}


@pytest.fixture(scope="module", params=STORES)
def book(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Project]:
    p = open_project(request, request.param, tmp_path_factory.mktemp(request.param))
    p.load_demo(accounts=40, months=14, end=END, seed=3)
    # gut checks given before the backfill, one expiring inside it, one revoked inside it
    accounts = [r[0] for r in p.store.con.execute("SELECT id FROM accounts ORDER BY id").fetchall()]
    for i, (account, expires, revoked) in enumerate(
        [
            (accounts[0], None, None),
            (accounts[1], "2025-06-27 00:00:00", None),
            (accounts[2], None, "2025-06-28 12:00:00"),
            (accounts[3], "2025-07-30 00:00:00", None),
        ]
    ):
        p.store.con.execute(
            "INSERT INTO csm_inputs (id, account_id, name, value_number, author, reason, "
            "created_at, expires_at, revoked_at) VALUES (?, ?, 'gut_check', ?, 'cs', 'test', "
            "?, ?, ?)",
            [f"in{i}", account, 3 + i, f"2025-06-{20 + i} 09:00:00", expires, revoked],
        ).fetchall()
    # deals with values of every form (numbers, numeric text, text, true) and plans
    rnd = random.Random(3)
    lines = []
    for i, account in enumerate(accounts[:50]):
        for k in range(rnd.randint(0, 5)):
            at = dt.datetime.combine(END, dt.time(12)) - dt.timedelta(hours=rnd.randint(0, 24 * 60))
            value = rnd.choice(["100", "250", '"75.5"', '"n/a"', "true", str(rnd.randint(1, 999))])
            plan = rnd.choice(['"pro"', '"team"', '"free"', "null"])
            lines.append(
                f'{{"account_id": "{account}", "user_id": "d{i}_{k % 2}", "event": "deal", '
                f'"timestamp": "{at.isoformat()}Z", '
                f'"properties": {{"value": {value}, "plan": {plan}}}}}'
            )
    deals = tmp_path_factory.mktemp("deals") / "deals.jsonl"
    deals.write_text("\n".join(lines) + "\n")
    p.import_file("events", deals)
    # accounts younger than the 30-day window, one of them a customer from inside the backfill
    for account, days in zip(accounts[4:7], (3, 12, 40), strict=True):
        p.store.con.execute(
            "UPDATE accounts SET customer_since = ? WHERE id = ?",
            [END - dt.timedelta(days=days), account],
        ).fetchall()
    yield p
    p.close()


def stored(p: Project, version: str) -> list[dict[str, Any]]:
    rows = row_dicts(
        p.store.con,
        f'SELECT * FROM "{detail_table(version)}" WHERE as_of BETWEEN ? AND ? '
        "ORDER BY as_of, account_id",
        [DATES[0], DATES[-1]],
    )
    for r in rows:
        r.pop("run_id")
    return rows


def history(p: Project, version: str) -> list[tuple[Any, ...]]:
    return p.store.con.execute(
        "SELECT as_of, account_id, score_name, score, band, coverage, segment, scorecard "
        "FROM score_history WHERE model_version = ? AND as_of BETWEEN ? AND ? ORDER BY 1, 2, 3",
        [version, DATES[0], DATES[-1]],
    ).fetchall()


@pytest.mark.parametrize("model", list(MODELS))
def test_a_backfill_stores_what_single_runs_of_each_date_store(book: Project, model: str) -> None:
    check_backfill(book, model)


# the presets use a subset of the kinds above, and score alike on both stores
# (engine/test_stores_agree.py): on the embedded store only
@pytest.mark.parametrize("book", ["duckdb"], indirect=True)
@pytest.mark.parametrize("model", list_presets())
def test_a_backfill_of_each_preset_stores_what_single_runs_store(book: Project, model: str) -> None:
    check_backfill(book, model)


def check_backfill(book: Project, model: str) -> None:
    path: Path = book.settings.project_dir / "model.yaml"
    path.write_text(MODELS[model] if model in MODELS else preset_text(model))
    version = book.load_model().version
    summary = book.run(start=DATES[0], end=DATES[-1])
    assert summary.dates == len(DATES)
    backfilled, backfilled_history = stored(book, version), history(book, version)
    assert len(backfilled) >= len(DATES) * 30
    for d in DATES:
        book.run(as_of=d)
    single = stored(book, version)
    assert len(single) == len(backfilled)
    for b, s in zip(backfilled, single, strict=True):
        assert b == s, (b["as_of"], b["account_id"], {k: (b[k], s[k]) for k in b if b[k] != s[k]})
    assert history(book, version) == backfilled_history
    # the comparison means something: the values move from date to date
    for column in MOVING.get(model, ()):
        per_date: dict[Any, list[Any]] = {}
        for r in backfilled:
            per_date.setdefault(r["as_of"], []).append(r[column])
        assert len({tuple(v) for v in per_date.values()}) > 1, column
        assert any(v is not None for v in per_date[END]), column
    if model == "every-kind":
        assert any(r["m__events_yoy"] is not None for r in backfilled)
    # the staged rows are temporary: nothing of them is left behind
    left = book.store.con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name LIKE 'stethoscope_stage%'"
    ).fetchone()
    assert left == (0,)

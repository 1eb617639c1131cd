"""The metric kinds of issue 18 on a book of three accounts whose values were computed by
hand: keys of the events' JSON properties (numbers, text, filters), rates per active user,
tenure-scaled totals, and ratios of every kind of number metric. Each on both stores, to
the decimal; nothing after the as-of date counts; the compiled SQL is pinned per dialect.

The book (tests/fixtures/kinds), as of 2024-06-30 (30 days: 2024-06-01 .. 2024-06-30):

- k1, a customer since 2023, seats 10, attributes.quota "301", gut check 7. In the window:
  deal 100 (pro, u1), deal "50.5" (team, u1), deal "abc" (free, u2), a login without
  properties (u2). Before it: deal 1000 (pro, u3, 2024-05-20). After: deal 999 (07-02).
- k2, a customer since 2024-06-21 (10 days of the window), seats 0, quota "n/a". Deal 30
  (pro, u9), deal true (team, u9), a login at 23:59:59 whose plan is an object (u8). After:
  deal 5000 at 2024-07-01 00:00 (the first instant after the date).
- k3, since 2024-01-01, seats 4, quota "40", gut check 2, no events at all.

Contacts: u1 and u3 are k1's champions, u2 a user; u8 is k2's admin (u9 is no contact);
x1 is k3's champion, who has no events.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import ibis
import pyarrow as pa
import pytest

from stethoscope.engine.properties import number_of
from stethoscope.engine.scoring import score_frame
from stethoscope.model.loader import load_model
from stethoscope.project import Project
from stethoscope.store.database import PostgresConnection
from stethoscope.store.results import detail_table, row_dicts
from tests.conftest import STORES, open_project

KINDS = Path(__file__).parent.parent / "fixtures" / "kinds"
SNAPSHOTS = Path(__file__).parent / "snapshots"
AS_OF = dt.date(2024, 6, 30)

EXPECTED: dict[str, dict[str, Any]] = {
    "k1": {
        "quota": 301.0,  # attributes.quota read as a number
        "deal_sum_30d": 150.5,  # 100 + "50.5"; "abc" is missing, not an error
        "deal_avg_30d": 75.25,  # of the two numbers
        "deal_min_30d": 50.5,
        "deal_max_all": 1000.0,  # 05-20 counts in all history; 07-02 does not
        "deal_latest": 50.5,  # the newest deal (06-20) has no number: the one before it
        "plans_30d": 3,  # pro, team, free; the login has no plan
        "paid_deals_30d": 2,  # pro, team
        "not_free_30d": 3,  # pro, team and the login without a plan
        "value_30_30d": 0,
        "events_30d": 4,
        "champion_events_30d": 2,  # u1's two deals; u3's was in May
        "not_champion_30d": 2,  # u2's
        "days_since_champion": 20,  # u1 on 06-10; 07-02 is after the date
        "events_per_user_30d": 2.0,  # 4 events / u1, u2
        "deal_value_per_user_30d": 75.25,  # 150.5 / 2 active users (u2 only logged in)
        "events_30d_tenure": 4.0,  # older than the window: unchanged
        "per_user_trend": 100.0,  # 2 per user against 1 (u3's one deal in May)
        "events_trend": 300.0,  # 4 against 1
        "deal_per_seat": 15.05,  # 150.5 / 10
        "deal_per_gut": 21.5,  # 150.5 / 7 (an input)
        "trend_per_seat": 30.0,  # 300 / 10 (a percent change)
        "deal_share_of_quota": 0.5,  # 150.5 / 301 (an attribute of kind number)
        "per_seat_per_user": 7.525,  # 15.05 / 2 (a ratio of a ratio and a rate)
    },
    "k2": {
        "quota": None,  # 'n/a': missing, not a failed run
        "deal_sum_30d": 30.0,  # true is not a number
        "deal_avg_30d": 30.0,
        "deal_min_30d": 30.0,
        "deal_max_all": 30.0,  # 5000 is at the first instant after the date
        "deal_latest": 30.0,
        "plans_30d": 3,  # pro, team and the object's JSON text
        "paid_deals_30d": 2,
        "not_free_30d": 3,
        "value_30_30d": 1,  # the number 30
        "events_30d": 3,
        "champion_events_30d": 0,
        "not_champion_30d": 3,  # u9 is no contact, u8 an admin
        "days_since_champion": 0,  # champion or admin: u8 at 23:59:59 on the date
        "events_per_user_30d": 1.5,  # 3 / u9, u8
        "deal_value_per_user_30d": 15.0,  # 30 / 2
        "events_30d_tenure": 9.0,  # 3 * 30 / 10 days since 06-21
        "per_user_trend": None,  # no users in May: no rate to compare with
        "events_trend": None,  # 3 against 0
        "deal_per_seat": None,  # 0 seats
        "deal_per_gut": None,  # no gut check
        "trend_per_seat": None,
        "deal_share_of_quota": None,  # "n/a" is not a number
        "per_seat_per_user": None,
    },
    "k3": {
        "quota": 40.0,
        "deal_sum_30d": None,  # sums are missing without rows; counts are 0
        "deal_avg_30d": None,
        "deal_min_30d": None,
        "deal_max_all": None,
        "deal_latest": None,
        "plans_30d": 0,
        "paid_deals_30d": 0,
        "not_free_30d": 0,
        "value_30_30d": 0,
        "events_30d": 0,
        "champion_events_30d": 0,
        "not_champion_30d": 0,
        "days_since_champion": None,  # x1 has never been active
        "events_per_user_30d": None,  # no active users
        "deal_value_per_user_30d": None,
        "events_30d_tenure": 0.0,
        "per_user_trend": None,
        "events_trend": 0.0,  # 0 against 0
        "deal_per_seat": None,
        "deal_per_gut": None,
        "trend_per_seat": 0.0,
        "deal_share_of_quota": None,
        "per_seat_per_user": None,
    },
}


def load_kinds(project: Project) -> None:
    project.import_file("accounts", KINDS / "accounts.csv")
    project.import_file("events", KINDS / "events.jsonl")
    project.import_file("contacts", KINDS / "contacts.csv")
    for i, (account, gut) in enumerate([("k1", 7), ("k3", 2)]):
        project.store.con.execute(
            "INSERT INTO csm_inputs (id, account_id, name, value_number, author, reason, "
            "created_at) VALUES (?, ?, 'gut', ?, 'cs', 'test', ?)",
            [f"i{i}", account, gut, dt.datetime(2024, 6, 1)],
        ).fetchall()


@pytest.fixture(scope="module", params=STORES)
def kinds(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Project]:
    folder = tmp_path_factory.mktemp("kinds")
    shutil.copy(KINDS / "model.yaml", folder / "model.yaml")
    with open_project(request, request.param, folder) as project:
        load_kinds(project)
        project.run(as_of=AS_OF)
        yield project


def stored(project: Project) -> dict[str, dict[str, Any]]:
    """The metrics the run stored, per account."""
    rows = row_dicts(
        project.store.con,
        f'SELECT * FROM "{detail_table(project.load_model().version)}" WHERE as_of = ?',
        [AS_OF],
    )
    return {r["account_id"]: _metrics(r) for r in rows}


def computed(project: Project) -> dict[str, dict[str, Any]]:
    """The metrics as of AS_OF computed now, from the tables as they are."""
    con = project.store.con
    backend = (
        con.ibis() if isinstance(con, PostgresConnection) else ibis.duckdb.from_connection(con)
    )
    rows = score_frame(backend, project.load_model(), AS_OF).to_pyarrow().to_pylist()
    return {r["account_id"]: _metrics(r) for r in rows}


def _metrics(row: dict[str, Any]) -> dict[str, Any]:
    return {k.removeprefix("m__"): v for k, v in row.items() if k.startswith("m__")}


@pytest.mark.parametrize("account", sorted(EXPECTED))
def test_values_match_the_hand_computed_ones(kinds: Project, account: str) -> None:
    got = stored(kinds)[account]
    for name, expected in EXPECTED[account].items():
        if expected is None:
            assert got[name] is None, name
        else:
            assert got[name] == pytest.approx(expected, abs=1e-9), name


def test_scores_grade_them(kinds: Project) -> None:
    rows = {r.account_id: r for r in kinds.scores()}
    # deals linear 0-200, depth linear 0-5: k1 (75.25 + 40) / 2, k2 (15 + 30) / 2
    assert rows["k1"].score == pytest.approx(57.6)
    assert rows["k2"].score == pytest.approx(22.5)
    assert rows["k3"].score is None  # both measures missing


def test_nothing_after_the_as_of_date_counts(kinds: Project, tmp_path: Path) -> None:
    # the first instant after the date and far after: new users, plans, values, bad values
    later = tmp_path / "later.jsonl"
    later.write_text(
        "\n".join(
            f'{{"account_id": "{a}", "user_id": "late{i}", "event": "deal", "timestamp": '
            f'"{at}", "properties": {{"value": {value}, "plan": "{plan}"}}}}'
            for a, i, at, value, plan in [
                ("k1", 1, "2024-07-01T00:00:00Z", "7", "free"),
                ("k2", 2, "2024-07-01T00:00:00.000001Z", '"8.5"', "pro"),
                ("k3", 3, "2024-07-01T00:00:00Z", "9", "team"),
                ("k3", 4, "2025-01-01T12:00:00Z", '"x"', "enterprise"),
            ]
        )
        + "\n"
    )
    kinds.import_file("events", later)
    con = kinds.store.con
    try:
        assert con.execute("SELECT count(*) FROM events WHERE user_id LIKE 'late%'").fetchone() == (
            4,
        )
        assert computed(kinds) == stored(kinds)
    finally:
        con.execute("DELETE FROM events WHERE user_id LIKE 'late%'").fetchall()


# text a property may hold, and the number both stores must read from it (None: missing)
NUMBERS = {
    "12.5": 12.5,
    "-3": -3.0,
    "+4.": 4.0,
    ".5": 0.5,
    "1e3": 1000.0,
    "1E-2": 0.01,
    "1e99": 1e99,
    "0.1": 0.1,
    "1e400": None,  # beyond a double: not infinity on one store and an error on the other
    "1" * 201: None,
    " 7": None,
    "7\n": None,
    "abc": None,
    "": None,
    "0x10": None,
    "nan": None,
    "inf": None,
    "1,5": None,
    "1_000": None,
    "\u0663": None,  # an Arabic-Indic digit
    "1.2.3": None,
    "--1": None,
    "true": None,
}


def test_both_stores_read_the_same_numbers_from_text(kinds: Project) -> None:
    con = kinds.store.con
    backend = (
        con.ibis() if isinstance(con, PostgresConnection) else ibis.duckdb.from_connection(con)
    )
    texts = list(NUMBERS)
    t = ibis.memtable(pa.table({"i": list(range(len(texts))), "text": texts}))
    rows = backend.to_pyarrow(t.select("i", n=number_of(t.text)).order_by("i")).to_pylist()
    assert {texts[r["i"]]: r["n"] for r in rows} == NUMBERS


@pytest.mark.parametrize("store", STORES)
def test_compiled_sql_snapshot(request: pytest.FixtureRequest, tmp_path: Path, store: str) -> None:
    """The SQL each store runs, compiled by its own backend: each store's own JSON function,
    no Ibis UDF, so the stored SQL runs on its own. Refresh with
    STETHOSCOPE_UPDATE_SNAPSHOTS=1 after checking the change."""
    with open_project(request, store, tmp_path) as project:  # the tables, no rows
        con = project.store.con
        backend = (
            con.ibis() if isinstance(con, PostgresConnection) else ibis.duckdb.from_connection(con)
        )
        frame = score_frame(backend, load_model(KINDS / "model.yaml"), AS_OF)
        sql = ibis.to_sql(frame, dialect=store) + "\n"
    json = {"duckdb": "->> '$.value'", "postgres": "JSONB_EXTRACT_PATH_TEXT("}[store]
    assert json in sql
    assert "UNWRAP_JSON" not in sql.upper()
    path = SNAPSHOTS / f"kinds.{store}.sql"
    if os.environ.get("STETHOSCOPE_UPDATE_SNAPSHOTS") or not path.exists():
        path.write_text(sql)
    assert sql == path.read_text()

"""The demo book: deterministic, on the contract, and with churn that behaviour foretells."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from stethoscope.contract.demo import CHANGES_FILE, CHUNK, BookInfo, generate_book
from stethoscope.contract.demo_report import format_signal_report, signal_report
from stethoscope.contract.schema import TABLES, arrow_schema

END = date(2025, 6, 30)


def connect(book: BookInfo) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    for name, path in book.paths.items():
        con.read_parquet(str(path)).create_view(name)
    return con


def one(con: duckdb.DuckDBPyConnection, sql: str) -> object:
    rows = con.execute(sql).fetchall()
    return rows[0][0]


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> BookInfo:
    return generate_book(
        tmp_path_factory.mktemp("small"), accounts=400, months=14, seed=7, end=END, activity=0.5
    )


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> BookInfo:
    """The default demo book: 2,000 accounts, 12 months, seed 0."""
    return generate_book(tmp_path_factory.mktemp("book"), accounts=2000, months=12, seed=0, end=END)


# -- determinism ----------------------------------------------------------------------------


def test_same_arguments_give_the_same_book(tmp_path: Path) -> None:
    args = {"accounts": 150, "months": 6, "seed": 11, "end": END, "activity": 0.3}
    a = generate_book(tmp_path / "a", **args)  # type: ignore[arg-type]
    b = generate_book(tmp_path / "b", **args)  # type: ignore[arg-type]
    c = generate_book(tmp_path / "c", **{**args, "seed": 12})  # type: ignore[arg-type]
    assert a.rows == b.rows
    for name in TABLES:
        assert pq.read_table(a.paths[name]).equals(pq.read_table(b.paths[name])), name
    assert not pq.read_table(a.paths["events"]).equals(pq.read_table(c.paths["events"]))
    # ids depend only on the account's place in the book
    assert (
        pq.read_table(a.paths["accounts"])
        .column("id")
        .equals(pq.read_table(c.paths["accounts"]).column("id"))
    )


def test_chunks_report_progress_and_files_appear_only_when_complete(tmp_path: Path) -> None:
    seen: list[int] = []
    book = generate_book(
        tmp_path / "ok", accounts=CHUNK + 10, months=1, end=END, activity=0.01, progress=seen.append
    )
    assert seen == [CHUNK, CHUNK + 10]
    assert book.rows["accounts"] == CHUNK + 10
    assert sorted(p.name for p in (tmp_path / "ok").iterdir()) == sorted(
        [f"{name}.parquet" for name in TABLES] + [CHANGES_FILE]
    )

    def fail(done: int) -> None:
        raise RuntimeError("stop")

    with pytest.raises(RuntimeError, match="stop"):
        generate_book(tmp_path / "failed", accounts=10, months=1, end=END, progress=fail)
    assert list((tmp_path / "failed").iterdir()) == []


def test_bad_arguments_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"^need accounts >= 1"):
        generate_book(tmp_path, accounts=0)
    with pytest.raises(ValueError, match=r"activity=0"):
        generate_book(tmp_path, activity=0)


def test_window_is_calendar_months_back_from_end(tmp_path: Path) -> None:
    info = generate_book(tmp_path, accounts=3, months=1, end=date(2024, 3, 31), activity=0.1)
    assert (info.start, info.end) == (date(2024, 2, 29), date(2024, 3, 31))


# -- the contract ---------------------------------------------------------------------------


def test_every_table_is_written_with_the_contract_schema(small: BookInfo) -> None:
    assert set(small.paths) == set(TABLES)
    for name, table in TABLES.items():
        written = pq.read_table(small.paths[name])
        assert written.schema.equals(arrow_schema(table), check_metadata=False), name
        assert written.num_rows == small.rows[name] > 0, name


def test_keys_are_unique_and_closed_vocabularies_and_row_checks_hold(small: BookInfo) -> None:
    con = connect(small)
    for name, table in TABLES.items():
        keys = [table.key] if table.key else []
        if table.natural_key:
            keys.append(", ".join(table.natural_key))
        for key in keys:
            dupes = one(con, f"SELECT count(*) - count(DISTINCT ({key})) FROM {name}")
            assert dupes == 0, (name, key)
        for col in table.columns:
            if col.values:
                allowed = ", ".join(f"'{x}'" for x in col.values)
                bad = one(con, f"SELECT count(*) FROM {name} WHERE {col.name} NOT IN ({allowed})")
                assert bad == 0, (name, col.name)
            if col.minimum is not None:
                assert (
                    one(con, f"SELECT count(*) FROM {name} WHERE {col.name} < {col.minimum}") == 0
                ), (name, col.name)
        for check in table.checks:
            assert one(con, f"SELECT count(*) FROM {name} WHERE NOT ({check.predicate})") == 0
    assert (
        one(
            con,
            "SELECT count(*) - count(DISTINCT message_id) FROM events WHERE message_id IS NOT NULL",
        )
        == 0
    )
    share = one(con, "SELECT avg((message_id IS NOT NULL)::INT) FROM events")
    assert 0.45 < share < 0.55  # type: ignore[operator]


def test_every_reference_resolves(small: BookInfo) -> None:
    con = connect(small)
    for name, table in TABLES.items():
        if any(c.references_account for c in table.columns):
            orphans = one(
                con,
                f"SELECT count(*) FROM {name} WHERE account_id NOT IN (SELECT id FROM accounts)",
            )
            assert orphans == 0, name
    # contacts named anywhere belong to the same account
    for name, col in (
        ("events", "user_id"),
        ("tickets", "contact_id"),
        ("surveys", "contact_id"),
        ("touchpoints", "contact_id"),
    ):
        stray = one(
            con,
            f"SELECT count(*) FROM {name} AS t LEFT JOIN contacts AS c "
            f"ON c.id = t.{col} AND c.account_id = t.account_id "
            f"WHERE t.{col} IS NOT NULL AND c.id IS NULL",
        )
        assert stray == 0, name
        early = one(
            con,
            f"SELECT count(*) FROM {name} AS t JOIN contacts AS c ON c.id = t.{col} "
            f"WHERE t.{TABLES[name].time_column} < c.created_at",
        )
        assert early == 0, name
    assert (
        one(
            con,
            "SELECT count(*) FROM accounts AS a JOIN accounts AS p ON p.id = a.parent_id "
            "WHERE p.segment <> 'enterprise' OR a.segment <> 'enterprise' "
            "OR p.parent_id IS NOT NULL",
        )
        == 0
    )


def test_json_columns_hold_objects(small: BookInfo) -> None:
    con = connect(small)
    assert one(con, "SELECT count(*) FROM accounts WHERE json_type(attributes) <> 'OBJECT'") == 0
    assert (
        one(
            con,
            "SELECT count(*) FROM events WHERE properties IS NOT NULL "
            "AND json_type(properties) <> 'OBJECT'",
        )
        == 0
    )
    attributes = [
        json.loads(str(a)) for (a,) in con.execute("SELECT attributes FROM accounts").fetchall()
    ]
    assert all(set(a) >= {"region", "regulated"} for a in attributes)
    regulated = con.execute(
        "SELECT DISTINCT industry FROM accounts WHERE attributes->>'regulated' = 'true'"
    ).fetchall()
    assert regulated == [("healthcare",)]


def test_activity_lies_inside_the_book_and_the_customer_life(small: BookInfo) -> None:
    con = connect(small)
    start, after = small.start, small.end + timedelta(days=1)
    for name, col in (
        ("events", "timestamp"),
        ("tickets", "opened_at"),
        ("tickets", "closed_at"),
        ("surveys", "responded_at"),
        ("touchpoints", "occurred_at"),
    ):
        low, high, early, late = con.execute(f"""
            SELECT min(t.{col}), max(t.{col}),
                   count(*) FILTER (WHERE t.{col} < a.customer_since),
                   count(*) FILTER (WHERE t.{col} >= c.date)
            FROM {name} AS t JOIN accounts AS a ON a.id = t.account_id
            LEFT JOIN outcomes AS c ON c.account_id = t.account_id AND c.kind = 'churned'
        """).fetchall()[0]
        assert low.date() >= start, (name, col)
        assert high.date() < after, (name, col)
        if name == "tickets" and col == "closed_at":
            late = one(
                con,
                "SELECT count(*) FROM tickets AS t JOIN outcomes AS c "
                "ON c.account_id = t.account_id AND c.kind = 'churned' "
                "WHERE t.closed_at > c.date",
            )
        assert (early, late) == (0, 0), (name, col)
    outside = f"date < DATE '{start}' OR date > DATE '{small.end}'"
    assert one(con, f"SELECT count(*) FROM outcomes WHERE {outside}") == 0
    assert (
        one(
            con,
            "SELECT count(*) FROM contacts AS c JOIN accounts AS a ON a.id = c.account_id"
            " WHERE c.created_at < a.customer_since OR c.created_at::DATE > "
            f"DATE '{small.end}'",
        )
        == 0
    )
    # at most one churn per account, and the core line ends on it; nothing runs on after it
    assert (
        one(
            con, "SELECT count(*) - count(DISTINCT account_id) FROM outcomes WHERE kind = 'churned'"
        )
        == 0
    )
    assert (
        one(
            con,
            """
        SELECT count(*) FROM outcomes AS c JOIN subscriptions AS s USING (account_id)
        WHERE c.kind = 'churned' AND (s.end_date IS NULL OR s.end_date > c.date)""",
        )
        == 0
    )
    assert (
        one(
            con,
            "SELECT count(*) FROM accounts AS a JOIN outcomes AS c ON c.account_id = a.id"
            " WHERE c.kind = 'churned' AND a.renewal_date IS NOT NULL",
        )
        == 0
    )
    assert (
        one(
            con,
            f"SELECT count(*) FROM accounts WHERE renewal_date <= DATE '{small.end}' "
            f"OR renewal_date > DATE '{small.end}' + INTERVAL 1 YEAR",
        )
        == 0
    )


def test_subscriptions_add_up_to_arr(small: BookInfo) -> None:
    con = connect(small)
    # the lines in force on the last day of the book, or on the last day before churn
    off, accounts = con.execute(
        f"""
        SELECT count(*) FILTER (WHERE abs(s.arr - a.arr) > 1), count(*)
        FROM accounts AS a JOIN (
            SELECT s.account_id, 12 * sum(s.mrr) AS arr FROM subscriptions AS s
            LEFT JOIN outcomes AS c ON c.account_id = s.account_id AND c.kind = 'churned'
            WHERE s.start_date <= coalesce(c.date - 1, DATE '{small.end}')
              AND (s.end_date IS NULL OR s.end_date >= coalesce(c.date - 1, DATE '{small.end}'))
            GROUP BY s.account_id) AS s ON s.account_id = a.id"""
    ).fetchall()[0]
    assert (off, accounts) == (0, small.rows["accounts"])
    churn = one(
        con,
        "SELECT count(*) FROM outcomes AS o JOIN accounts AS a ON a.id = o.account_id"
        " WHERE o.kind = 'churned' AND abs(o.arr_change + a.arr) > 0.01",
    )
    assert churn == 0


# -- realism --------------------------------------------------------------------------------


@pytest.mark.slow
def test_segments_seats_and_onboarding_are_plausible(book: BookInfo) -> None:
    con = connect(book)
    rows = con.execute("""
        SELECT segment, count(*) / 2000, median(seats), avg((plan = CASE segment
               WHEN 'smb' THEN 'starter' WHEN 'mid-market' THEN 'growth' ELSE 'enterprise'
               END)::INT), median(arr / seats)
        FROM accounts GROUP BY segment""").fetchall()
    mix = {r[0]: r[1:] for r in rows}
    assert set(mix) == {"smb", "mid-market", "enterprise"}
    share, seats, plan_match, _ = mix["smb"]
    assert 0.55 < share < 0.65
    assert 5 <= seats <= 12
    assert plan_match > 0.75
    share, seats, plan_match, _ = mix["mid-market"]
    assert 0.25 < share < 0.35
    assert 25 <= seats <= 55
    assert plan_match > 0.7
    share, seats, plan_match, _ = mix["enterprise"]
    assert 0.07 < share < 0.13
    assert 100 <= seats <= 250
    assert plan_match > 0.8
    onboarding = one(
        con, f"SELECT avg((customer_since > DATE '{book.end}' - 120)::INT) FROM accounts"
    )
    assert 0.08 < onboarding < 0.18  # type: ignore[operator]
    assert 2_000_000 < book.rows["events"] < 8_000_000
    contacts_per_seat = one(
        con, "SELECT count(*) / (SELECT sum(seats) FROM accounts) FROM contacts"
    )
    assert 0.9 < contacts_per_seat < 1.3  # type: ignore[operator]


def test_usage_has_a_weekly_rhythm_and_healthcare_uses_compliance(book: BookInfo) -> None:
    con = connect(book)
    weekend = one(
        con,
        """
        SELECT avg(n) FILTER (WHERE dayofweek(d) IN (0, 6)) / avg(n) FILTER (WHERE dayofweek(d)
               NOT IN (0, 6))
        FROM (SELECT timestamp::DATE AS d, count(*) AS n FROM events GROUP BY 1)""",
    )
    assert 0.12 < weekend < 0.25  # type: ignore[operator]
    august = one(
        con,
        """
        SELECT avg(n) FILTER (WHERE month(d) = 8) / avg(n) FILTER (WHERE month(d) IN (9, 10))
        FROM (SELECT timestamp::DATE AS d, count(*) AS n FROM events GROUP BY 1)""",
    )
    assert august < 0.85  # type: ignore[operator]
    per_account = dict(
        con.execute("""
        SELECT a.industry = 'healthcare',
               count(e.event) FILTER (WHERE e.event LIKE 'compliance_%') / count(DISTINCT a.id)
        FROM accounts AS a LEFT JOIN events AS e ON e.account_id = a.id GROUP BY 1""").fetchall()
    )
    assert per_account[True] > 5 * per_account[False]
    # feature breadth grows with tenure: young accounts use fewer features
    young, old = con.execute(f"""
        SELECT avg(n) FILTER (WHERE young), avg(n) FILTER (WHERE NOT young) FROM (
            SELECT a.customer_since > DATE '{book.end}' - 90 AS young,
                   count(DISTINCT e.event) AS n
            FROM accounts AS a JOIN events AS e ON e.account_id = a.id
            WHERE e.timestamp >= DATE '{book.end}' - 30 GROUP BY a.id, young)""").fetchall()[0]
    assert young < 0.75 * old


def test_annual_churn_is_realistic_and_highest_in_smb(book: BookInfo) -> None:
    rates = dict(
        connect(book)
        .execute("""
        SELECT a.segment, avg((o.kind = 'churned')::INT)
        FROM outcomes AS o JOIN accounts AS a ON a.id = o.account_id
        WHERE o.kind IN ('renewed', 'churned') GROUP BY 1
        UNION ALL
        SELECT 'all', avg((kind = 'churned')::INT) FROM outcomes
        WHERE kind IN ('renewed', 'churned')""")
        .fetchall()
    )
    assert 0.08 < rates["all"] < 0.22
    assert rates["smb"] > rates["enterprise"]


def test_behaviour_foretells_churn(book: BookInfo) -> None:
    report = signal_report(connect(book))
    trend = {r["group"]: r for r in report["usage_trend"]}
    lowest, highest = trend["Q1 (lowest)"], trend["Q4 (highest)"]
    assert lowest["outcomes"] > 100  # type: ignore[operator]
    assert highest["outcomes"] > 100  # type: ignore[operator]
    assert lowest["churn_rate"] >= 2 * highest["churn_rate"]  # type: ignore[operator]
    nps = {r["group"]: r for r in report["nps"]}
    detractor, promoter = nps["detractor (0-6)"], nps["promoter (9-10)"]
    assert detractor["churn_rate"] >= 2 * promoter["churn_rate"]  # type: ignore[operator]
    text = format_signal_report(report)
    assert "Q1 (lowest)" in text
    assert "detractor (0-6)" in text

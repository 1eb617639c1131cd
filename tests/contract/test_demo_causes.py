"""The demo contract (terms, licences, deals, attribute changes) and ``--causes random``:
drawn per seed, written beside the book and never into the store, and learnable from the
book's own tables (the oracle)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import duckdb
import numpy as np
import pyarrow.parquet as pq
import pytest

from stethoscope.contract.demo import BookInfo, generate_book
from stethoscope.contract.demo_causes import POOL, draw_causes, read_causes
from stethoscope.contract.demo_oracle import (
    CONTRACT_COLUMNS,
    connect_book,
    monthly_dates,
    observe,
    oracle_fit,
)
from stethoscope.contract.schema import TABLES
from tests.conftest import STORES, open_project

END = date(2025, 6, 30)


def connect(book: BookInfo) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    for name, path in book.paths.items():
        con.read_parquet(str(path)).create_view(name)
    con.read_parquet(str(book.changes)).create_view("changes")
    return con


@pytest.fixture(scope="module")
def plain(tmp_path_factory: pytest.TempPathFactory) -> BookInfo:
    return generate_book(
        tmp_path_factory.mktemp("plain"), accounts=300, months=13, seed=5, end=END, activity=0.3
    )


@pytest.fixture(scope="module")
def drawn(tmp_path_factory: pytest.TempPathFactory) -> BookInfo:
    return generate_book(
        tmp_path_factory.mktemp("drawn"),
        accounts=800,
        months=12,
        seed=3,
        end=END,
        activity=0.4,
        causes="random",
    )


# -- drawing the causes ---------------------------------------------------------------------


def test_causes_are_drawn_per_seed_with_direction_and_strength() -> None:
    draws = [draw_causes(seed) for seed in range(8)]
    assert draw_causes(3) == draws[3]
    assert len({d.names for d in draws}) >= 4
    for d in draws:
        assert 3 <= len(d.causes) <= 5
        assert set(d.names) <= set(POOL)
        assert any(c.reversed for c in d.causes)
        for c in d.causes:
            assert c.direction in POOL[c.name].directions
            assert c.reversed == (c.direction != POOL[c.name].conventional)
            assert 0.9 <= c.strength <= 1.8
        assert 0.02 <= d.random_churn <= 0.05


def test_a_random_book_is_the_same_for_its_seed_and_writes_its_causes(tmp_path: Path) -> None:
    args = {"accounts": 120, "months": 4, "end": END, "activity": 0.2, "causes": "random"}
    a = generate_book(tmp_path / "a", seed=1, **args)  # type: ignore[arg-type]
    b = generate_book(tmp_path / "b", seed=1, **args)  # type: ignore[arg-type]
    c = generate_book(tmp_path / "c", seed=2, **args)  # type: ignore[arg-type]
    for name in TABLES:
        assert pq.read_table(a.paths[name]).equals(pq.read_table(b.paths[name])), name
    assert pq.read_table(a.changes).equals(pq.read_table(b.changes))
    assert a.causes
    assert b.causes
    assert c.causes
    assert a.causes == tmp_path / "a" / "causes.json"
    assert a.causes.read_text() == b.causes.read_text()
    assert read_causes(a.causes) == draw_causes(1)
    assert read_causes(c.causes) != read_causes(a.causes)
    body = json.loads(a.causes.read_text())
    assert {"name", "direction", "strength", "reversed", "feature"} <= set(body["causes"][0])
    # a default book in the same folder takes the stale causes away
    plain = generate_book(tmp_path / "a", accounts=20, months=2, end=END, activity=0.1)
    assert plain.causes is None
    assert not (tmp_path / "a" / "causes.json").exists()


def test_the_causes_file_sits_beside_the_store_and_never_in_it(tmp_path: Path) -> None:
    with open_project_duckdb(tmp_path) as p:
        r = p.load_demo(accounts=60, months=3, end=END, seed=4, activity=0.2, causes="random")
        assert r.causes_file == str(tmp_path / "demo-causes.json")
        assert read_causes(Path(r.causes_file)) == draw_causes(4)
        con = p.store.con
        tables = {
            t for (t,) in con.execute("SELECT table_name FROM information_schema.tables").fetchall()
        }
        assert not any("cause" in t for t in tables)
        names = draw_causes(4).names
        for t in tables:
            cols = [row[0] for row in con.execute(f'DESCRIBE "{t}"').fetchall()]
            assert not set(cols) & set(names), t
        # a default book replaces it and takes the file away
        p.load_demo(accounts=20, months=2, end=END, activity=0.1, force=True)
    assert not (tmp_path / "demo-causes.json").exists()


def open_project_duckdb(folder: Path):  # type: ignore[no-untyped-def]
    from stethoscope.project import Project

    (folder / "stethoscope.toml").write_text("database_url = 'stethoscope.duckdb'\n")
    return Project.open(folder)


# -- the contract ---------------------------------------------------------------------------

_CORE = "product LIKE 'platform-%'"


@pytest.mark.parametrize("kind", ["plain", "drawn"])
def test_core_lines_run_term_by_term_without_gaps_until_churn(
    kind: str, request: pytest.FixtureRequest
) -> None:
    book: BookInfo = request.getfixturevalue(kind)
    con = connect(book)
    terms = dict(
        con.execute("SELECT term_months, count(*) FROM subscriptions GROUP BY 1").fetchall()
    )
    assert set(terms) == {1, 6, 12}
    assert (
        con.execute(
            "SELECT count(*) FROM (SELECT account_id FROM subscriptions "
            "GROUP BY 1 HAVING count(DISTINCT term_months) > 1)"
        ).fetchall()[0][0]
        == 0
    )
    bad = con.execute(f"""
        WITH core AS (
            SELECT s.*, lag(end_date) OVER w AS previous_end, row_number() OVER w AS k,
                   lead(start_date) OVER w AS next_start
            FROM subscriptions AS s WHERE {_CORE}
            WINDOW w AS (PARTITION BY account_id ORDER BY start_date))
        SELECT count(*) FILTER (WHERE k = 1 AND start_date <> a.customer_since),
               count(*) FILTER (WHERE k > 1 AND start_date <> previous_end + 1),
               count(*) FILTER (WHERE next_start IS NULL AND c.date IS NOT NULL
                                AND end_date <> c.date - 1),
               count(*) FILTER (WHERE next_start IS NULL AND c.date IS NULL
                                AND end_date < DATE '{book.end}'),
               count(*) FILTER (WHERE end_date IS NULL),
               -- a line never outlasts its term: it ends by customer_since + k terms
               count(*) FILTER (WHERE date_diff('month', a.customer_since, end_date + 1)
                                      % term_months <> 0 AND next_start IS NULL)
        FROM core JOIN accounts AS a ON a.id = core.account_id
        LEFT JOIN outcomes AS c ON c.account_id = core.account_id AND c.kind = 'churned'
    """).fetchall()[0]
    assert bad == (0, 0, 0, 0, 0, 0)


def test_churn_happens_only_where_a_term_ends(drawn: BookInfo) -> None:
    con = connect(drawn)
    rows = con.execute(f"""
        SELECT s.term_months, count(*),
               count(*) FILTER (WHERE c.date <> a.customer_since
                   + to_months(CAST(round(date_diff('month', a.customer_since, c.date)
                     / s.term_months) * s.term_months AS INTEGER)))
        FROM outcomes AS c JOIN accounts AS a ON a.id = c.account_id
        JOIN subscriptions AS s ON s.account_id = c.account_id AND s.{_CORE}
             AND s.end_date = c.date - 1
        WHERE c.kind = 'churned' GROUP BY 1""").fetchall()
    by_term = {term: (n, mid_term) for term, n, mid_term in rows}
    assert set(by_term) == {1, 6, 12}
    assert all(mid_term == 0 for _, mid_term in by_term.values())
    churned = con.execute("SELECT count(*) FROM outcomes WHERE kind = 'churned'").fetchall()[0][0]
    assert sum(n for n, _ in by_term.values()) == churned > 60
    # annual accounts churn on an anniversary of customer_since, never in between
    assert by_term[12][0] > 5


def test_licences_limit_seats_and_some_accounts_run_over_them(drawn: BookInfo) -> None:
    con = connect(drawn)
    over, accounts = con.execute(f"""
        WITH users AS (
            SELECT account_id, count(DISTINCT user_id) AS n FROM events
            WHERE user_id IS NOT NULL AND "timestamp" >= DATE '{drawn.end}' - 30
            GROUP BY 1)
        , licensed AS (
            SELECT account_id, sum(quantity) AS n FROM subscriptions
            WHERE ({_CORE} OR product = 'extra-seats')
              AND DATE '{drawn.end}' BETWEEN start_date AND end_date GROUP BY 1)
        SELECT count(*) FILTER (WHERE u.n > s.n), count(*)
        FROM users AS u JOIN licensed AS s USING (account_id)""").fetchall()[0]
    assert 0.05 < over / accounts < 0.5


def test_invoices_and_deals_carry_a_numeric_value(plain: BookInfo) -> None:
    con = connect(plain)
    rows = dict(
        con.execute("""
        SELECT event, count(*) FILTER (WHERE TRY_CAST(properties->>'value' AS DOUBLE) > 0)
               / count(*)
        FROM events WHERE event IN ('invoice_paid', 'deal_closed') GROUP BY 1""").fetchall()
    )
    assert rows == {"invoice_paid": 1.0, "deal_closed": 1.0}
    # an invoice is the term's core line: term_months times its MRR, on its first day
    off = con.execute(f"""
        SELECT count(*) FILTER (WHERE s.id IS NULL
                   OR abs((e.properties->>'value')::DOUBLE - s.term_months * s.mrr)
                      > 0.006 * s.term_months),
               count(*)
        FROM events AS e LEFT JOIN subscriptions AS s ON s.account_id = e.account_id
         AND s.{_CORE} AND s.start_date = e."timestamp"::DATE
        WHERE e.event = 'invoice_paid'""").fetchall()[0]
    assert off[0] == 0 < off[1]


def test_attribute_changes_are_whole_rows_taking_effect_later(plain: BookInfo) -> None:
    con = connect(plain)
    rows = con.execute(f"""
        SELECT (c.owner <> a.owner)::INT + (c.plan <> a.plan)::INT
               + (c.segment <> a.segment)::INT AS changed,
               c.updated_at > a.updated_at AND c.updated_at >= DATE '{plain.start}'
               AND c.updated_at < DATE '{plain.end}' + 1 AS inside,
               a.updated_at = a.customer_since AS first_at_start,
               (c.name, c.industry, c.arr, c.seats, c.customer_since, c.renewal_date,
                c.parent_id, c.attributes) IS NOT DISTINCT FROM (a.name, a.industry, a.arr,
                a.seats, a.customer_since, a.renewal_date, a.parent_id, a.attributes)
                 AS rest_same,
               c.plan <> a.plan AS new_plan, c.plan, c.id, c.updated_at
        FROM changes AS c JOIN accounts AS a USING (id)""").fetchall()
    assert 0.05 * 300 < len(rows) < 0.25 * 300
    assert all(r[:4] == (1, True, True, True) for r in rows)
    # a new plan starts with a term: core lines from then on name it, earlier ones do not
    plans = [r for r in rows if r[4]]
    assert plans
    for _, _, _, _, _, plan, account, at in plans:
        names = con.execute(
            f"SELECT start_date >= ?::DATE, product FROM subscriptions WHERE account_id = ? "
            f"AND {_CORE}",
            [at, account],
        ).fetchall()
        assert {p for later, p in names if later} <= {f"platform-{plan}"}
        assert f"platform-{plan}" not in {p for later, p in names if not later}


@pytest.mark.parametrize("store", STORES)
def test_load_demo_upserts_the_changes(
    tmp_path: Path, request: pytest.FixtureRequest, store: str
) -> None:
    book = generate_book(tmp_path / "files", accounts=80, months=4, seed=9, end=END, activity=0.1)
    changed = dict(duckdb.sql(f"SELECT id, owner FROM '{book.changes}'").fetchall())
    assert changed
    (tmp_path / "p").mkdir()
    with open_project(request, store, tmp_path / "p") as p:
        p.load_demo(accounts=80, months=4, seed=9, end=END, activity=0.1)
        stored = dict(p.store.con.execute("SELECT id, owner FROM accounts").fetchall())
    assert len(stored) == 80
    assert {k: stored[k] for k in changed} == changed


# -- the oracle -----------------------------------------------------------------------------


def test_the_oracle_learns_the_drawn_causes_out_of_time(drawn: BookInfo) -> None:
    from sklearn.metrics import roc_auc_score  # 1.9 s to import: here, not at collection

    assert drawn.causes
    causes = read_causes(drawn.causes)
    con = connect_book(drawn.paths["events"].parent)
    obs = observe(con, monthly_dates(drawn.start, drawn.end, 90), 90)
    assert obs.churned.sum() > 80
    split = date(2025, 2, 28)  # eight months in: fit before, test after
    fit = oracle_fit(obs, split, split, causes.names + CONTRACT_COLUMNS)
    contract = oracle_fit(obs, split, split, CONTRACT_COLUMNS)
    print(
        f"oracle AUC {fit.auc:.3f} ({fit.auc_at_term_end:.3f} where a term ends); contract "
        f"alone {contract.auc:.3f} ({contract.auc_at_term_end:.3f})"
    )
    assert fit.test_churned > 20
    assert fit.auc > 0.8
    # the drawn behaviour adds to what the contract alone tells, most where a term ends
    assert fit.auc > contract.auc + 0.02
    assert fit.auc_at_term_end > contract.auc_at_term_end + 0.03
    # the fitted signs are the drawn directions
    for c in causes.causes:
        assert np.sign(fit.coefficients[c.name]) == c.direction, c.name
    with pytest.raises(ValueError, match=r"^fit_until 2025-03-30 is after test_from"):
        oracle_fit(obs, date(2025, 3, 30), split, CONTRACT_COLUMNS)
    # a feature of pure noise predicts nothing
    noise = np.random.default_rng(0).random(len(obs.churned))
    assert abs(roc_auc_score(obs.churned, noise) - 0.5) < 0.05
    obs.x["noise"] = noise
    assert abs(oracle_fit(obs, split, split, ("noise",)).auc - 0.5) < 0.08

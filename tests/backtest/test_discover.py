"""`stethoscope discover` on the demo book: it finds what drives churn there, writes a model
that validates and predicts churn on dates after those it read, reads nothing after
``--to``, and says plainly when a book has nothing to learn from.

One discover run (through the CLI, as a user would) serves most tests: the book is read up
to ``TO`` only, and the model it writes is backtested on the dates after it."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from stethoscope.backtest import discover_model, discover_stats
from stethoscope.backtest.candidates import Candidate, candidates, slugs
from stethoscope.backtest.discover_book import Book
from stethoscope.errors import DataError
from stethoscope.model.loader import parse_model
from stethoscope.project import Project
from stethoscope.steps import backward, parse_step
from tests.conftest import DemoBook, cli

END = dt.date(2025, 6, 30)
TO = dt.date(2025, 1, 31)
HORIZON = 60
ARGS = ("--to", TO.isoformat(), "--horizon", f"{HORIZON}d", "--events", "4")


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    folder = tmp_path_factory.mktemp("discover")
    (folder / "stethoscope.toml").write_text('database_url = "stethoscope.duckdb"\n')
    with Project.open(folder) as p:
        p.load_demo(accounts=500, months=12, end=END)
    return folder


@pytest.fixture(scope="module")
def found(book: Path) -> dict[str, Any]:
    r = cli(
        "discover",
        *ARGS,
        "--out",
        "model.yaml",
        "--format",
        "json",
        "--report",
        "r.json",
        cwd=book,
    )
    assert r.returncode == 0, r.stderr
    return dict(json.loads((book / "r.json").read_text()))


def test_report_shape_and_figures_recomputed(found: dict[str, Any]) -> None:
    s = found["settings"]
    assert found["kind"] == "discover"
    assert s["to_given"]
    assert s["data_until"] == TO.isoformat()
    # every label window ends by --to
    for d in s["dates"]:
        assert dt.date.fromisoformat(d) + dt.timedelta(days=HORIZON) <= TO
    assert found["book"]["tables"] == [  # goals, subscriptions: the demo's, up to --to
        "events",
        "goals",
        "subscriptions",
        "surveys",
        "tickets",
        "touchpoints",
    ]
    assert len(found["book"]["events"]) == 4
    names = [c["name"] for c in found["candidates"]]
    assert len(names) == len(set(names)) > 40
    assert [c["rank"] for c in found["candidates"]] == list(range(1, len(names) + 1))
    aucs = [c["auc"] for c in found["candidates"] if c["auc"] is not None]
    assert aucs == sorted(aucs, reverse=True)
    # the demo's churn falls at term ends: candidates are judged where a term ends
    gate = found["judged_where_a_term_ends"]
    assert gate["measure"] == "days_to_term_end"
    assert gate["share_of_churned"] >= 0.9
    assert gate["observations"] < found["observations"]
    assert gate["churned"] == round(gate["share_of_churned"] * found["churned"])
    for c in found["candidates"]:
        assert set(c) >= {"metric", "direction", "auc_held_out", "coverage", "cohorts", "group"}
        if c["cohorts"]:
            n = sum(k["observations"] for k in c["cohorts"]) + c["missing"]["observations"]
            assert n == gate["observations"]
            assert sum(k["observations"] for k in c["cohorts"]) / n == pytest.approx(c["coverage"])
            churned = sum(k["churned"] for k in c["cohorts"]) + c["missing"]["churned"]
            assert churned == gate["churned"]
    # the groups partition the judged candidates, each led by its strongest (a member
    # stronger than its leader carries a caveat the leader has not)
    judged = {c["name"]: c for c in found["candidates"] if c["auc"] is not None}
    for g in found["groups"]:
        for m in g["members"]:
            assert judged[m["name"]]["group"] == g["leader"]
            assert m["correlation"] > discover_stats.SAME
            if judged[m["name"]]["auc"] > g["auc"]:
                assert judged[m["name"]]["caveat"]
                assert not judged[g["leader"]]["caveat"]


def test_known_drivers_rank_near_the_top(found: dict[str, Any]) -> None:
    """docs/demo-book.md: churn follows seat use, NPS, executive contact, the usage trend
    and old tickets, all drawn from a latent health that also drives usage and CSAT."""
    ranked = found["candidates"]

    def best(test: Any) -> int:
        return min(c["rank"] for c in ranked if test(c))

    assert best(lambda c: c["name"].startswith("users_per_")) <= 5  # seat use
    assert best(lambda c: c["name"].startswith("nps_")) <= 8
    assert best(lambda c: c["name"] == "days_since_executive") <= 8
    assert best(lambda c: c["family"] == "events" or c["family"].startswith("event ")) <= 10
    # of about 130 candidates (the per-user, tenure-scaled and event-value ones included)
    assert best(lambda c: c["family"] == "tickets") <= 25
    assert best(lambda c: "change" in c["name"]) <= 25  # the usage trend
    # read the healthy way, the strongest are far from chance, and point the right way
    assert ranked[0]["auc"] > 0.75
    # the demo's contract lines end at their term's end, a churned account's last one too
    # (docs/demo-book.md): a legitimate term end, with a value for the accounts that stayed
    term_end = next(c for c in ranked if c["name"] == "days_to_term_end")
    assert term_end["caveat"] is None
    assert term_end["coverage_stayed"] > 0.5
    # seat use by the contract in force and by the account's seats (which have history in
    # the demo) say the same: one group, led by one of them
    seat_use = {"users_per_contract_seat_30d", "users_per_seat_30d"}
    groups = {c["group"] for c in ranked if c["name"] in seat_use}
    assert len(groups) == 1
    assert groups <= seat_use
    direction = {c["name"]: c["direction"] for c in ranked}
    assert direction["nps_latest"] == direction["users_per_seat_30d"] == "higher"
    assert direction["days_since_executive"] == direction["tickets_90d"] == "lower"


def test_a_value_there_mostly_for_churned_observations_is_churn_only() -> None:
    """A feed that writes the churn into the data (an end date set on cancelling, read as
    known from the line's start) gives a value almost only churned accounts have."""
    c = Candidate("ends", "contract", "", {"ends": {"contract": "days_to_term_end"}})
    judged = discover_stats.Judged(c, 0.1, 0.9, "higher", None, [], {}, 0.9, 0.05)
    assert judged.caveat is not None
    assert judged.caveat.endswith("it may be written from the churn itself")
    fair = discover_stats.Judged(c, 0.9, 0.7, "higher", None, [], {}, 0.95, 0.9)
    assert fair.caveat is None


def test_model_validates_and_predicts_later_dates(book: Path, found: dict[str, Any]) -> None:
    from sklearn.metrics import roc_auc_score  # 1.9 s to import: here, not at collection

    text = (book / "model.yaml").read_text()
    model = parse_model(text, "model.yaml")
    m = found["model"]
    assert sorted(model.measures) == sorted(x["name"] for x in m["measures"])
    assert sum(x["weight"] for x in m["measures"]) == 100
    for x in m["measures"]:
        grades = [g for _, g in x["thresholds"]["points"]]
        seq = [x["thresholds"]["below"], *grades]
        assert seq == sorted(seq, reverse=x["direction"] == "lower"), x
        assert (
            found["candidates"][[c["name"] for c in found["candidates"]].index(x["name"])]["caveat"]
            is None
        )
    assert m["in_sample"]["monotonic"]
    r = cli("validate", "model.yaml", cwd=book)
    assert r.returncode == 0, r.stderr
    # backtested on dates after --to: every one of its labels lies after what it read
    with Project.open(book) as p:
        b = p.backtest(
            model=book / "model.yaml",
            start=TO,
            end=END - dt.timedelta(days=HORIZON),
            every=30,
            horizon=HORIZON,
            save=False,
        )
    rows = b.observations
    ok = ~np.isnan(rows.score)
    later = float(roc_auc_score(rows.label[ok], -rows.score[ok]))
    assert later == pytest.approx(b.report["auc"])
    assert later > 0.7, later
    assert b.report["lift_top_decile"] > 2


def test_nothing_after_to_changes_the_model(
    book: Path, found: dict[str, Any], tmp_path: Path
) -> None:
    copy = tmp_path / "book"
    shutil.copytree(book, copy, ignore=shutil.ignore_patterns("model.yaml", "r.json"))
    after = TO + dt.timedelta(days=1)
    with Project.open(copy) as p:
        con = p.store.con
        # later data: other events (a new name that would top the volume), quiet accounts,
        # new tickets, churn for everybody, a new table's rows
        con.execute("DELETE FROM events WHERE timestamp >= ?", [after]).fetchall()
        con.execute(
            "INSERT INTO events (account_id, event, timestamp) SELECT id, 'flood', "
            "CAST(? AS TIMESTAMP) + INTERVAL (i) MINUTE FROM accounts, range(400) t(i)",
            [after],
        ).fetchall()
        con.execute("DELETE FROM surveys WHERE responded_at >= ?", [after]).fetchall()
        con.execute(
            "UPDATE tickets SET priority = 'urgent' WHERE opened_at >= ?", [after]
        ).fetchall()
        # tickets open on --to: closed (and rated) after it
        con.execute(
            "UPDATE tickets SET status = 'closed', csat = 1, closed_at = ? "
            "WHERE opened_at < ? AND (closed_at IS NULL OR closed_at >= ?)",
            [after + dt.timedelta(days=3), after, after],
        ).fetchall()
        con.execute(
            "INSERT INTO subscriptions (id, account_id, product, mrr, quantity, start_date) "
            "SELECT 'late-' || id, id, 'late', 999, 99, CAST(? AS DATE) FROM accounts",
            [after],
        ).fetchall()
        con.execute("DELETE FROM outcomes WHERE date > ?", [TO]).fetchall()
        con.execute(
            "INSERT INTO outcomes (id, account_id, kind, date) SELECT 'x' || id, id, "
            "'churned', CAST(? AS DATE) + INTERVAL 10 DAY FROM accounts",
            [TO],
        ).fetchall()
        d = p.discover(out=copy / "model.yaml", to=TO, horizon=HORIZON, events=4)
    assert (copy / "model.yaml").read_bytes() == (book / "model.yaml").read_bytes()
    again = d.to_json()
    for key in ("candidates", "groups", "model", "book", "settings"):
        assert again[key] == found[key], key


def test_an_empty_book_says_what_is_missing(tmp_path: Path) -> None:
    (tmp_path / "stethoscope.toml").write_text('database_url = "stethoscope.duckdb"\n')
    r = cli("discover", cwd=tmp_path)
    assert r.returncode == 1
    assert "the book has no accounts to learn from" in r.stderr
    assert "Traceback" not in r.stderr
    (tmp_path / "accounts.csv").write_text("id,name,customer_since\na1,Acme,2024-01-01\n")
    with Project.open(tmp_path) as p:
        p.import_file("accounts", tmp_path / "accounts.csv")
        with pytest.raises(DataError, match=r"^the book has no events and no outcomes"):
            p.discover()


def test_a_book_without_churn_says_so(tmp_path: Path, demo_book: DemoBook) -> None:
    demo_book(tmp_path, accounts=400, months=12, end=END)  # the book of test_leakage
    with Project.open(tmp_path) as p:
        p.store.con.execute("DELETE FROM outcomes WHERE kind = 'churned'").fetchall()
        with pytest.raises(DataError, match=r"no account churned within 90 days"):
            p.discover(events=2)


# -- the pieces, on numbers made here ------------------------------------------------------


def test_grading_is_monotone_in_the_direction_of_health() -> None:
    rng = np.random.default_rng(0)
    x = rng.integers(0, 40, 4000).astype(float)
    y = (rng.random(4000) < 0.3 - x / 200).astype(float)  # more is healthier
    x[:300] = np.nan
    points, below, missing = discover_model.grading(x, y, "higher")
    # the 300 without a value churn at the mean rate: graded between the worst and the best
    assert missing is not None
    assert 0 < missing < 100
    assert missing % 5 == 0
    grades = [below, *[g for _, g in points]]
    assert grades == sorted(grades)
    assert grades[0] == 0
    assert grades[-1] == 100
    assert [p for p, _ in points] == sorted(p for p, _ in points)
    lower, below_l, _ = discover_model.grading(-x, y, "lower")
    assert [below_l, *[g for _, g in lower]] == sorted(
        [below_l, *[g for _, g in lower]], reverse=True
    )
    m = discover_model.Measure("m", "higher", 0.7, points, below)
    g = m.grade(x)
    assert np.isnan(g[:300]).all()
    graded = discover_model.Measure("m", "higher", 0.7, points, below, missing=35)
    assert (graded.grade(x)[:300] == 35).all()
    # the engine's thresholds: the grade of the highest point reached
    for v, grade in zip(x[300:320], g[300:320], strict=True):
        reached = [gr for at, gr in points if v >= at]
        assert grade == (reached[-1] if reached else below)


def test_rank_correlation_is_spearman_on_shared_rows() -> None:
    from scipy.stats import spearmanr

    rng = np.random.default_rng(1)
    a = rng.normal(size=500)
    b = a * 2 + rng.normal(size=500) * 0.3
    c = rng.normal(size=500)
    b[:50] = np.nan
    r = discover_stats.rank_correlations([a, b, c])
    both = ~np.isnan(b)
    # ranks are taken over each column's own values, so only near Spearman on the overlap
    assert r[0, 1] == pytest.approx(abs(spearmanr(a[both], b[both])[0]), abs=0.01)
    assert r[0, 2] < 0.15
    assert r[1, 1] == pytest.approx(1.0)


def test_candidates_come_from_what_the_book_holds() -> None:
    bare = candidates(Book(set(), []))
    assert {c.family for c in bare} == {"account"}
    book = Book({"events", "tickets"}, ["Login", "events", "report.created", "9lives"])
    names = {c.name for c in candidates(book)}
    assert {"login_30d", "report_created_change_30d", "ev_9lives_share_30d"} <= names
    assert "tickets_90d" in names
    assert "nps_latest" not in names
    assert slugs(["A b", "a-b", "events"]) == ["a_b", "a_b_2", "events_2"]
    # every candidate is a metric of the model language, with what it reads
    for c in candidates(book):
        assert c.name in c.metrics
    # the people a renewal depends on, by the role their contacts hold
    people = Book({"events"}, ["login"], has_users=True, contact_roles={"champion"})
    found = {c.name: c for c in candidates(people)}
    assert {"champion_events_30d", "champions_still_active", "days_since_champion_active"} <= set(
        found
    )
    assert found["champions_still_active"].metrics["champions_30d"]["where"] == {
        "contact.role": "champion"
    }
    assert not any("executive" in n for n in found)


def test_grades_sit_on_the_log_odds_of_churn() -> None:
    """Cohorts churning 30%, 3% and 1% are graded 0, about 67 and 100: 3% is well short of
    1% as evidence goes (log-odds), where the rates alone would grade it 93."""
    x = np.repeat([1.0, 2.0, 3.0], 1000)
    y = np.concatenate([np.arange(1000) < n for n in (300, 30, 10)]).astype(float)
    points, below, _ = discover_model.grading(x, y, "higher")
    grades = [below, *[g for _, g in points]]
    odds = [np.log(r / (1 - r)) for r in (0.3, 0.03, 0.01)]
    assert grades == [0, round(100 * (odds[0] - odds[1]) / (odds[0] - odds[2])), 100]
    assert 60 < grades[1] < 75


@pytest.mark.postgres
def test_duckdb_and_postgres_compute_the_same_candidates(
    request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    from stethoscope.backtest import discover as d
    from stethoscope.backtest.discover_book import read_book
    from tests.conftest import open_project

    got = {}
    for store in ("duckdb", "postgres"):
        with open_project(request, store, _made(tmp_path / store)) as p:
            p.load_demo(accounts=60, months=8, end=END, seed=5)
            con = p.store.con
            s = d.observation_dates(con, every="1mo", horizon=60, lead=0, to=None)
            chosen = candidates(read_book(con, s.until, events=2))
            got[store] = (s, [c.name for c in chosen], d.compute(con, chosen, s))
    (s1, n1, duck), (s2, n2, pg) = got["duckdb"], got["postgres"]
    assert s1 == s2
    assert n1 == n2
    assert len(duck) > 100
    assert duck.label.sum() > 0
    assert (duck.account_id == pg.account_id).all()
    assert (duck.label == pg.label).all()
    for name in n1:
        np.testing.assert_allclose(duck.values[name], pg.values[name], rtol=1e-9, err_msg=name)


def _made(folder: Path) -> Path:
    folder.mkdir()
    return folder


def test_dates_step_by_calendar_months_back_from_the_last_complete_one(book: Path) -> None:
    from stethoscope.backtest import discover as d

    with Project.open(book) as p:
        s = d.observation_dates(p.store.con, every="1mo", horizon=90, lead=0, to=None)
        assert s.dates[-1] == END - dt.timedelta(days=90)
        assert [x.day for x in s.dates] == [s.dates[-1].day] * len(s.dates)
        assert d.observation_dates(p.store.con, every="2w", horizon=90, lead=0, to=None).dates[
            -2
        ] == END - dt.timedelta(days=104)
        with pytest.raises(DataError, match=r"holds 0 observation date\(s\) every 1mo"):
            p.discover(to=dt.date(2024, 8, 1))
    # one step parser everywhere (stethoscope.steps): months anchored on the last date
    month = parse_step("1mo")
    assert backward(dt.date(2025, 3, 31), dt.date(2024, 2, 1), month)[:2] == [
        dt.date(2024, 2, 29),
        dt.date(2024, 3, 31),
    ]
    with Project.open(book) as p, pytest.raises(DataError, match=r"^--every: expected a step"):
        d.observation_dates(p.store.con, every="monthly", horizon=90, lead=0, to=None)


def test_a_change_is_unknown_where_its_earlier_window_has_no_data() -> None:
    """Early in a book, the window before a 60-day change holds days without data: every
    account would seem to grow. Those values are unknown (NaN, marked short), later ones
    kept; a starter model grades it only where it has history."""
    from stethoscope.backtest.discover import Values, short_history

    trend = next(c for c in candidates(Book({"events"}, [])) if c.name == "events_change_60d")
    assert trend.history_days == 120
    level = next(c for c in candidates(Book({"events"}, [])) if c.name == "events_30d")
    assert level.history_days is None
    first = dt.date(2024, 1, 1)
    as_of = np.array(["2024-03-01", "2024-04-29", "2024-04-30", "2024-06-01"], "datetime64[D]")
    v = Values(
        as_of,
        np.array(["a"] * 4, dtype=object),
        np.zeros(4),
        {"events_change_60d": np.array([50.0, 10.0, -20.0, 0.0]), "events_30d": np.ones(4)},
    )
    out = short_history(v, [trend, level], first)
    assert out.short["events_change_60d"].tolist() == [True, True, False, False]
    assert np.isnan(out.values["events_change_60d"][:2]).all()
    assert out.values["events_change_60d"][2:].tolist() == [-20.0, 0.0]
    assert "events_30d" not in out.short
    assert out.take(np.array([False, True, True, False])).short["events_change_60d"].tolist() == [
        True,
        False,
    ]


def test_churn_only_at_term_ends_makes_the_term_end_a_gate() -> None:
    """Where (nearly) every churned observation has a term end within the horizon, the
    candidates are judged there and the term end is a measure of its own; not otherwise."""
    from stethoscope.backtest.discover import Values

    chosen = candidates(Book({"subscriptions"}, [], has_renewal=True, attribute_history=True))
    days = np.tile(np.array([10.0, 50.0, 200.0, 300.0]), 100)  # half end within 90 days
    label = np.where((days <= 90) & (np.arange(400) % 10 == 0), 1.0, 0.0)
    v = Values(
        np.full(400, np.datetime64("2024-06-01", "D")),
        np.array([f"a{i}" for i in range(400)], dtype=object),
        label,
        {"days_to_term_end": days, "days_to_renewal": days},
    )
    gate = discover_model.gate_of(v, chosen, 90)
    assert gate is not None
    assert gate.name == "days_to_term_end"
    assert gate.focus.tolist() == (days <= 90).tolist()
    assert gate.churned_share == 1.0
    # churn that also falls mid-term (4 of 24 churned): no gate
    v.label[[2, 6, 10, 14]] = 1.0
    assert discover_model.gate_of(v, chosen, 90) is None
    # a term end known only as it is today (a caveat) is never a gate
    static = candidates(Book({"subscriptions"}, [], has_renewal=True))
    v.label[[2, 6, 10, 14]] = 0.0
    assert (
        discover_model.gate_of(v, [c for c in static if c.name != "days_to_term_end"], 90) is None
    )

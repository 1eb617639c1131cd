"""The contract over time and account attributes with history: a small book whose values
were computed by hand (see the comments), scored on each store (DuckDB and Postgres),
compared to the decimal; a backfill stores exactly what single runs store; nothing dated
after a date changes what the date reads.

The book (tests/fixtures/contract):
- c1: an open monthly line (base, 100/month, 10 seats) from 2024-01-31, and an add-on
  (20/month, 2 seats) from 2024-03-01 to 2024-05-31; moves from smb/starter to mid/growth
  on 2024-06-01 12:00 UTC (an upsert with updated_at in the past).
- c2: an annual line (pro, 500, 50 seats) from 2024-02-15, upgraded mid-term: it ends on
  2024-07-31 and enterprise (800, 80 seats) runs 2024-08-01 .. 2025-02-14. Its first version
  is dated 2024-05-01 (mid/pro), its second 2024-09-01 (ent/enterprise).
- c3: an open annual line (core, 300, 30 seats) from 2023-06-10, overlapped from
  2024-05-01 by an open monthly add-on with the same MRR (300, 5 seats).
- c4: no lines; c5: an open line without term_months (50/month, no quantity).
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from stethoscope import runner
from stethoscope.project import Project
from stethoscope.store.results import detail_table, row_dicts
from tests.conftest import STORES, open_project

BOOK = Path(__file__).parent.parent / "fixtures" / "contract"
D1, D2, D3 = dt.date(2024, 4, 15), dt.date(2024, 6, 30), dt.date(2024, 9, 30)

# metric -> account -> (value on D1, D2, D3)
EXPECTED: dict[str, dict[str, tuple[Any, Any, Any]]] = {
    # the sum of the lines in force; c4 has none (0: the table has lines)
    "mrr": {
        "c1": (120.0, 100.0, 100.0),  # base + add-on, then base alone
        "c2": (500.0, 500.0, 800.0),  # pro, then enterprise
        "c3": (300.0, 600.0, 600.0),
        "c4": (0.0, 0.0, 0.0),
        "c5": (50.0, 50.0, 50.0),
    },
    "seats_now": {
        "c1": (12, 10, 10),
        "c2": (50, 50, 80),
        "c3": (30, 35, 35),
        "c4": (0, 0, 0),
        "c5": (None, None, None),  # its line has no quantity
    },
    # the product of the line with the highest MRR; c3's tie goes to the later start
    "plan_line": {
        "c1": ("base", "base", "base"),
        "c2": ("pro", "pro", "enterprise"),
        "c3": ("core", "addon", "addon"),
        "c4": (None, None, None),
        "c5": ("basic", "basic", "basic"),
    },
    "bill_period": {
        "c1": (1, 1, 1),
        "c2": (12, 12, 12),
        "c3": (12, 1, 1),
        "c4": (None, None, None),
        "c5": (None, None, None),
    },
    # c1's terms from Jan 31: .. Apr 29 (14 days from Apr 15); Jun 30 .. Jul 30 (30);
    # Sep 30 .. Oct 30 (30). c2: its end dates, Jul 31 (107, 31) and 2025-02-14 (137).
    # c3 on D1: core's term 2023-06-10 .. 2024-06-09 (55); then the add-on's monthly
    # terms end Jun 30 and Sep 30: their last day (0). c5: no term_months.
    "term_left": {
        "c1": (14, 30, 30),
        "c2": (107, 31, 137),
        "c3": (55, 0, 0),
        "c4": (None, None, None),
        "c5": (None, None, None),
    },
    # c1 changed on Mar 1 (45 days to Apr 15) and Jun 1 (the day after the add-on's
    # end: 29, 121); c2 on Feb 15 (60, 136) and Aug 1 (60); c3 on 2023-06-10 (310) and
    # May 1 (60, 152); c5 on Jan 1 (105, 181, 273)
    "since_change": {
        "c1": (45, 29, 121),
        "c2": (60, 136, 60),
        "c3": (310, 60, 152),
        "c4": (None, None, None),
        "c5": (105, 181, 273),
    },
    # against 90 days earlier: Jan 16, Apr 1, Jul 2
    "mrr_change": {
        "c1": (120.0, -20.0, 0.0),
        "c2": (500.0, 0.0, 300.0),
        "c3": (0.0, 300.0, 0.0),
        "c4": (0.0, 0.0, 0.0),
        "c5": (0.0, 0.0, 0.0),
    },
    # (now - then) / then * 100; missing when only then is 0
    "seat_growth": {
        "c1": (None, (10 - 12) / 12 * 100, 0.0),
        "c2": (None, 0.0, (80 - 50) / 50 * 100),
        "c3": (0.0, (35 - 30) / 30 * 100, 0.0),
        "c4": (0.0, 0.0, 0.0),
        "c5": (None, None, None),
    },
    # the term end where there is one, else renewal_date 2025-03-01 (320, 244, 152 days)
    "days_to_renewal": {
        "c1": (14, 30, 30),
        "c2": (107, 31, 137),
        "c3": (55, 0, 0),
        "c4": (320, 244, 152),
        "c5": (320, 244, 152),
    },
    # the version in force at the end of the date; c2 on D1 is before its first version
    # (2024-05-01) and reads it
    "plan_attr": {
        "c1": ("starter", "growth", "growth"),
        "c2": ("pro", "pro", "enterprise"),
        "c3": ("starter", "starter", "starter"),
        "c4": ("starter", "starter", "starter"),
        "c5": ("starter", "starter", "starter"),
    },
    "segment": {
        "c1": ("smb", "mid", "mid"),
        "c2": ("mid", "mid", "ent"),
        "c3": ("smb", "smb", "smb"),
        "c4": ("smb", "smb", "smb"),
        "c5": ("smb", "smb", "smb"),
    },
}


def load_book(project: Project) -> None:
    project.import_file("accounts", BOOK / "accounts.csv")
    project.import_file("accounts", BOOK / "accounts_changes.csv", mode="upsert")
    project.import_file("subscriptions", BOOK / "subscriptions.csv")


@pytest.fixture(scope="module", params=STORES)
def book(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Project]:
    folder = tmp_path_factory.mktemp("contract")
    shutil.copy(BOOK / "model.yaml", folder / "model.yaml")
    with open_project(request, request.param, folder) as project:
        load_book(project)
        yield project


def stored(p: Project, first: dt.date, last: dt.date) -> list[dict[str, Any]]:
    rows = row_dicts(
        p.store.con,
        f'SELECT * FROM "{detail_table(p.load_model().version)}" WHERE as_of BETWEEN ? AND ? '
        "ORDER BY as_of, account_id",
        [first, last],
    )
    for r in rows:
        r.pop("run_id")
    return rows


def frame(p: Project, day: dt.date) -> list[dict[str, Any]]:
    """The frame of one date, as a run computes it, without storing it."""
    runner.frame_into(p.store.con, p.load_model(), day, "_contract_frame")
    return row_dicts(p.store.con, "SELECT * FROM _contract_frame ORDER BY account_id")


def test_values_match_the_hand_computed_book(book: Project) -> None:
    for i, day in enumerate((D1, D2, D3)):
        rows = {r["account_id"]: r for r in frame(book, day)}
        assert set(rows) == {"c1", "c2", "c3", "c4", "c5"}
        for metric, per_account in EXPECTED.items():
            for account, values in per_account.items():
                got, want = rows[account][f"m__{metric}"], values[i]
                where = (metric, account, day)
                if isinstance(want, float):
                    assert got == pytest.approx(want, abs=1e-9), where
                else:
                    assert got == want, where
        # the segment rule reads the segment of the date: c2 is enterprise from Sep 1 only
        segments = {a: r["segment__health"] for a, r in rows.items()}
        assert segments["c2"] == ("enterprise" if day == D3 else "other")
        assert {segments[a] for a in ("c1", "c3", "c4", "c5")} == {"other"}


def test_the_store_keeps_every_version(book: Project) -> None:
    rows = book.store.con.execute(
        "SELECT id, segment, valid_from, valid_to FROM account_versions "
        "WHERE id IN ('c1', 'c2') ORDER BY id, valid_from"
    ).fetchall()
    assert rows == [
        # c1's first version has no updated_at: it counts from customer_since
        ("c1", "smb", dt.datetime(2024, 1, 1), dt.datetime(2024, 6, 1, 12)),
        ("c1", "mid", dt.datetime(2024, 6, 1, 12), None),
        ("c2", "mid", dt.datetime(2024, 5, 1), dt.datetime(2024, 9, 1)),
        ("c2", "ent", dt.datetime(2024, 9, 1), None),
    ]
    current = book.store.con.execute(
        "SELECT id, segment, plan FROM accounts WHERE id IN ('c1', 'c2') ORDER BY id"
    ).fetchall()
    assert current == [("c1", "mid", "growth"), ("c2", "ent", "enterprise")]


def test_a_backfill_stores_what_single_runs_store(book: Project) -> None:
    # across c1's version change (Jun 1, 12:00) and the end of its add-on (May 31)
    first, last = dt.date(2024, 5, 31), dt.date(2024, 6, 2)
    book.run(start=first, end=last)
    backfilled = stored(book, first, last)
    assert len(backfilled) == 3 * 5
    c1 = {(r["m__mrr"], r["m__segment"]) for r in backfilled if r["account_id"] == "c1"}
    assert c1 == {(120.0, "smb"), (100.0, "mid")}  # the values move inside the backfill
    day = first
    while day <= last:
        book.run(as_of=day)
        day += dt.timedelta(days=1)
    single = stored(book, first, last)
    assert single == backfilled


@pytest.mark.parametrize("store", STORES)
def test_nothing_dated_after_a_date_changes_what_it_reads(
    request: pytest.FixtureRequest, tmp_path: Path, store: str
) -> None:
    shutil.copy(BOOK / "model.yaml", tmp_path / "model.yaml")
    with open_project(request, store, tmp_path) as p:
        load_book(p)
        before = frame(p, D2)
        after = D2 + dt.timedelta(days=1)
        # lines starting after the date, for an account with lines and one without
        (tmp_path / "later.csv").write_text(
            "account_id,product,mrr,quantity,start_date,term_months\n"
            f"c1,extra,900,90,{after},1\nc4,first,70,7,{after},12\n"
        )
        p.import_file("subscriptions", tmp_path / "later.csv")
        # versions from the first instant after the date
        (tmp_path / "later_accounts.csv").write_text(
            "id,name,segment,plan,customer_since,renewal_date,updated_at\n"
            f"c3,Overlap,ent,enterprise,2024-01-01,2024-07-01,{after}T00:00:00Z\n"
            f"c4,Nolines,ent,enterprise,2024-01-01,2024-07-01,{after}T00:00:01Z\n"
        )
        p.import_file("accounts", tmp_path / "later_accounts.csv", mode="upsert")
        assert frame(p, D2) == before
        # the test can fail: a version from the last second of the date is read
        (tmp_path / "late.csv").write_text(
            "id,name,segment,plan,customer_since,renewal_date,updated_at\n"
            f"c5,Noterm,ent,enterprise,2024-01-01,2024-07-01,{D2}T23:59:59Z\n"
        )
        p.import_file("accounts", tmp_path / "late.csv", mode="upsert")
        late = frame(p, D2)
        changed = {r["account_id"]: r for r in late}
        assert changed["c5"]["m__segment"] == "ent"
        assert changed["c5"]["m__days_to_renewal"] == 1  # the renewal date of that version
        assert [r for r in late if r["account_id"] != "c5"] == [
            r for r in before if r["account_id"] != "c5"
        ]


def test_a_contract_metric_without_lines_is_warned_of(project: Project) -> None:
    from stethoscope.data_warnings import data_warnings
    from stethoscope.model.loader import parse_model

    project.import_file("accounts", BOOK / "accounts.csv")
    model = parse_model((BOOK / "model.yaml").read_text())
    warned = {w.metric: w.message for w in data_warnings(project.store.con, model)}
    assert warned["mrr"] == "it reads subscriptions, which has no rows: missing for every account"
    assert "days_to_renewal" not in warned  # the accounts have renewal dates
    project.import_file("subscriptions", BOOK / "subscriptions.csv")
    assert data_warnings(project.store.con, model) == []

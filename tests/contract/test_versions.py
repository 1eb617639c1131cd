"""Accounts with history (contract.versions) and how `import` reads end dates: on each
store, since the versions are written where the stored data is."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from stethoscope.errors import DataError
from stethoscope.project import Project
from tests.conftest import STORES, open_project

HEADER = "id,name,segment,customer_since,updated_at\n"


@pytest.fixture(params=STORES)
def project(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Project]:
    with open_project(request, request.param, tmp_path) as p:
        yield p


def versions(p: Project, account: str) -> list[tuple[object, ...]]:
    return p.store.con.execute(
        "SELECT segment, valid_from, valid_to FROM account_versions WHERE id = ? "
        "ORDER BY valid_from",
        [account],
    ).fetchall()


def current(p: Project) -> list[tuple[object, ...]]:
    return p.store.con.execute("SELECT id, segment FROM accounts ORDER BY id").fetchall()


def test_rows_of_one_account_with_their_times_are_its_history(project: Project, write) -> None:  # type: ignore[no-untyped-def]
    f = write(
        "a.csv",
        HEADER + "x,X,smb,2024-01-01,2024-03-01T08:00:00Z\n"
        "y,Y,smb,2024-01-01,\n"
        "x,X,ent,2024-01-01,2024-09-01\n"
        "x,X,mid,2024-01-01,2024-06-01\n",
    )
    r = project.import_file("accounts", f)
    assert (r.rows_read, r.rows_loaded) == (4, 4)
    assert versions(project, "x") == [
        ("smb", dt.datetime(2024, 3, 1, 8), dt.datetime(2024, 6, 1)),
        ("mid", dt.datetime(2024, 6, 1), dt.datetime(2024, 9, 1)),
        ("ent", dt.datetime(2024, 9, 1), None),
    ]
    # without updated_at, an account's first version counts from customer_since
    assert versions(project, "y") == [("smb", dt.datetime(2024, 1, 1), None)]
    assert current(project) == [("x", "ent"), ("y", "smb")]
    # the same file again changes nothing (append refuses stored ids; upsert rewrites)
    project.import_file("accounts", f, mode="upsert")
    assert versions(project, "x")[-1] == ("ent", dt.datetime(2024, 9, 1), None)
    assert len(versions(project, "x")) == 3


def test_true_duplicates_are_still_refused(project: Project, write) -> None:  # type: ignore[no-untyped-def]
    f = write(
        "a.csv",
        HEADER + "x,X,smb,2024-01-01,2024-03-01\n"
        "x,X,mid,2024-01-01,2024-03-01T00:00:00Z\n"
        "z,Z,smb,2024-01-01,\n"
        "z,Z,mid,2024-01-01,2024-05-01\n",
    )
    with pytest.raises(DataError) as e:
        project.import_file("accounts", f)
    assert [str(p) for p in e.value.problems] == [
        "a.csv row 3  id: duplicate id, also at row 2, got 'x'",
        "a.csv row 4  updated_at: account 'z' has several rows: give each the time its "
        "values took effect",
    ]
    assert current(project) == []
    assert project.store.con.execute("SELECT count(*) FROM account_versions").fetchone() == (0,)


def test_upserts_add_versions_only_for_changes(project: Project, write) -> None:  # type: ignore[no-untyped-def]
    project.import_file("accounts", write("a.csv", HEADER + "x,X,smb,2024-01-01,\n"))
    # a sync sending the same values again adds nothing
    project.import_file("accounts", write("b.csv", HEADER + "x,X,smb,2024-01-01,\n"), mode="upsert")
    assert versions(project, "x") == [("smb", dt.datetime(2024, 1, 1), None)]
    # a change without a time is valid from the import
    before = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    project.import_file("accounts", write("c.csv", HEADER + "x,X,mid,2024-01-01,\n"), mode="upsert")
    after = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    (first, second) = versions(project, "x")
    assert first[:2] == ("smb", dt.datetime(2024, 1, 1))
    assert (second[0], second[2]) == ("mid", None)
    assert before <= second[1] <= after
    assert first[2] == second[1]
    # a change dated in the past goes into the history; the current row stays the latest
    project.import_file(
        "accounts", write("d.csv", HEADER + "x,X,ent,2024-01-01,2024-06-01\n"), mode="upsert"
    )
    assert [v[0] for v in versions(project, "x")] == ["smb", "ent", "mid"]
    assert versions(project, "x")[1][1:] == (dt.datetime(2024, 6, 1), second[1])
    assert current(project) == [("x", "mid")]


def test_replace_drops_the_versions_of_accounts_it_drops(project: Project, write) -> None:  # type: ignore[no-untyped-def]
    project.import_file(
        "accounts",
        write("a.csv", HEADER + "x,X,smb,2024-01-01,\ny,Y,smb,2024-01-01,\n"),
    )
    project.import_file(
        "accounts", write("b.csv", HEADER + "x,X,mid,2024-01-01,2024-05-01\n"), mode="replace"
    )
    assert current(project) == [("x", "mid")]
    assert [v[0] for v in versions(project, "x")] == ["smb", "mid"]
    assert versions(project, "y") == []


def test_forget_erases_the_versions(project: Project, write) -> None:  # type: ignore[no-untyped-def]
    project.import_file(
        "accounts",
        write("a.csv", HEADER + "x,X,smb,2024-01-01,2024-02-01\nx,X,mid,2024-01-01,2024-03-01\n"),
    )
    e = project.forget(account_id="x")
    assert e.deleted["account_versions"] == 2
    assert versions(project, "x") == []


# -- end dates ----------------------------------------------------------------------------

LINES = "account_id,product,mrr,start_date,end_date\n"


def test_exclusive_end_dates_are_stored_as_the_last_day(project: Project, write) -> None:  # type: ignore[no-untyped-def]
    project.import_file("accounts", write("a.csv", HEADER + "x,X,smb,2024-01-01,\n"))
    # the same two lines, as a feed of last days and as one of first moments after them
    inclusive = write("inc.csv", LINES + "x,base,10,2024-01-01,2024-01-31\nx,addon,5,2024-02-01,\n")
    exclusive = write(
        "exc.csv",
        LINES + "x,base,10,2024-01-01,2024-02-01T00:00:00Z\nx,addon,5,2024-02-01,\n",
    )
    stored = "SELECT product, start_date, end_date FROM subscriptions ORDER BY product"
    project.import_file("subscriptions", inclusive)
    as_inclusive = project.store.con.execute(stored).fetchall()
    assert as_inclusive == [
        ("addon", dt.date(2024, 2, 1), None),
        ("base", dt.date(2024, 1, 1), dt.date(2024, 1, 31)),
    ]
    project.import_file("subscriptions", exclusive, mode="replace", end_dates="exclusive")
    assert project.store.con.execute(stored).fetchall() == as_inclusive
    # read as inclusive, the same feed would keep base in force on Feb 1 as well
    project.import_file("subscriptions", exclusive, mode="replace")
    assert project.store.con.execute(stored).fetchall()[1][2] == dt.date(2024, 2, 1)


def test_an_exclusive_end_on_the_start_leaves_no_day(project: Project, write) -> None:  # type: ignore[no-untyped-def]
    project.import_file("accounts", write("a.csv", HEADER + "x,X,smb,2024-01-01,\n"))
    f = write("s.csv", LINES + "x,base,10,2024-01-01,2024-01-01\n")
    with pytest.raises(DataError) as e:
        project.import_file("subscriptions", f, end_dates="exclusive")
    assert [str(p) for p in e.value.problems] == [
        "s.csv row 2  end_date: end_date is before start_date, got '2023-12-31'"
    ]
    with pytest.raises(DataError, match=r"^tickets have no end_date; exclusive end dates"):
        project.import_file("tickets", f, end_dates="exclusive")

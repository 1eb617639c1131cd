from __future__ import annotations

import csv
import json
import shutil
import uuid
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stethoscope.contract import readers
from stethoscope.errors import DataError
from stethoscope.project import Project
from tests.conftest import STORES, accounts_book, filled_project, open_project

PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture(params=STORES)
def project(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Project]:
    """An empty project on each store: the file engine is DuckDB either way, and on
    Postgres the checks against stored rows and the writes run there."""
    with open_project(request, request.param, tmp_path) as p:
        yield p


def rows(project: Project, sql: str) -> list[tuple[object, ...]]:
    """Rows as stored; a JSON object as its text, keys sorted (DuckDB keeps the text as
    written, Postgres JSONB its own order)."""
    return [tuple(_json_text(v) for v in r) for r in project.store.con.execute(sql).fetchall()]


def _json_text(v: object) -> object:
    if isinstance(v, str) and v.startswith("{"):
        v = json.loads(v)
    return json.dumps(v, sort_keys=True, separators=(",", ":")) if isinstance(v, dict) else v


def count(project: Project, table: str) -> int:
    return int(rows(project, f"SELECT count(*) FROM {table}")[0][0])


@pytest.fixture(params=STORES)
def with_accounts(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Project]:
    """A project on each store holding ACCOUNTS_CSV's accounts (imported once per store
    kind and copied)."""
    with filled_project(request, request.param, tmp_path, "accounts", accounts_book) as p:
        yield p


# -- formats ------------------------------------------------------------------------------


def test_csv_accounts_typed_and_extras_folded_into_attributes(with_accounts: Project) -> None:
    got = rows(
        with_accounts, "SELECT id, arr, seats, customer_since, attributes FROM accounts ORDER BY id"
    )
    assert got == [
        ("a1", 1200.0, 5, date(2024, 1, 1), '{"region":"emea"}'),
        ("a2", 99000.5, 200, date(2023, 6, 15), '{"region":"na"}'),
    ]


def test_csv_timestamps_are_stored_in_utc(with_accounts: Project, write) -> None:  # type: ignore[no-untyped-def]
    f = write(
        "events.csv",
        "account_id,event,timestamp\n"
        "a1,login,2024-03-01T10:00:00+02:00\n"
        "a1,login,2024-03-01T10:00:00Z\n"
        "a1,login,2024-03-01 10:00:00\n",
    )
    with_accounts.import_file("events", f)
    got = [r[0] for r in rows(with_accounts, "SELECT timestamp FROM events ORDER BY 1")]
    assert got == [datetime(2024, 3, 1, 8), datetime(2024, 3, 1, 10), datetime(2024, 3, 1, 10)]


def test_parquet_with_native_types(with_accounts: Project, tmp_path: Path) -> None:
    t = pa.table(
        {
            "account_id": ["a1", "a2"],
            "event": ["report_created", "export_csv"],
            "timestamp": pa.array(
                [datetime(2024, 5, 1, 12, tzinfo=PARIS), datetime(2024, 5, 2, 8, tzinfo=PARIS)],
                pa.timestamp("us", tz="Europe/Paris"),
            ),
            "properties": pa.array(
                [{"plan": "pro", "n": 3}, None],
                pa.struct([("plan", pa.string()), ("n", pa.int64())]),
            ),
            "message_id": ["m1", None],
        }
    )
    pq.write_table(t, tmp_path / "events.parquet")
    r = with_accounts.import_file("events", tmp_path / "events.parquet")
    assert (r.rows_read, r.rows_loaded) == (2, 2)
    got = rows(with_accounts, "SELECT account_id, timestamp, properties FROM events ORDER BY 2")
    # Paris is UTC+2 in May
    assert got == [
        ("a1", datetime(2024, 5, 1, 10), '{"n":3,"plan":"pro"}'),
        ("a2", datetime(2024, 5, 2, 6), None),
    ]


def test_jsonl_flattens_values_and_gathers_extra_keys(with_accounts: Project, write) -> None:  # type: ignore[no-untyped-def]
    lines = [
        {
            "account_id": "a1",
            "event": "login",
            "timestamp": "2024-05-01T10:00:00Z",
            "properties": {"browser": "firefox"},
            "page": "/home",
        },
        {
            "account_id": "a2",
            "event": "login",
            "timestamp": "2024-05-01T11:00:00Z",
            "message_id": 12345,
        },
    ]
    f = write("events.jsonl", "\n".join(json.dumps(x) for x in lines) + "\n\n")
    r = with_accounts.import_file("events", f)
    assert r.rows_loaded == 2
    got = rows(with_accounts, "SELECT account_id, properties, message_id FROM events ORDER BY 1")
    assert got == [("a1", '{"browser":"firefox","page":"/home"}', None), ("a2", None, "12345")]


def test_jsonl_broken_line_is_named_by_line(with_accounts: Project, write) -> None:  # type: ignore[no-untyped-def]
    f = write(
        "events.jsonl",
        '{"account_id": "a1", "event": "x", "timestamp": "2024-05-01"}\n'
        '{"account_id": "a1", "event": \n'
        "[1, 2]\n",
    )
    with pytest.raises(DataError) as e:
        with_accounts.import_file("events", f)
    where = [(p.where, p.message.split(":")[0]) for p in e.value.problems]
    assert where == [
        ("events.jsonl line 2", "invalid JSON"),
        ("events.jsonl line 3", "expected a JSON object"),
    ]
    assert count(with_accounts, "events") == 0


def test_gzipped_csv(with_accounts: Project, tmp_path: Path) -> None:
    import gzip

    path = tmp_path / "events.csv.gz"
    with gzip.open(path, "wt") as f:
        f.write("account_id,event,timestamp\na1,login,2024-05-01\n")
    assert with_accounts.import_file("events", path).rows_loaded == 1


# -- mapping ------------------------------------------------------------------------------


def test_mapping_renames_columns(project: Project, write) -> None:  # type: ignore[no-untyped-def]
    f = write("crm.csv", "AccountId,Account Name,Since\nx1,Xeno,2022-02-02\n")
    project.import_file(
        "accounts",
        f,
        mapping={"id": "AccountId", "name": "Account Name", "customer_since": "Since"},
    )
    assert rows(project, "SELECT id, name, customer_since, attributes FROM accounts") == [
        ("x1", "Xeno", date(2022, 2, 2), None)
    ]


def test_mapping_mistakes_are_all_reported(project: Project, write) -> None:  # type: ignore[no-untyped-def]
    f = write("crm.csv", "AccountId,Name\nx1,Xeno\n")
    with pytest.raises(DataError) as e:
        project.import_file("accounts", f, mapping={"idd": "AccountId", "name": "Nom"})
    messages = [p.message for p in e.value.problems]
    assert any("'idd' is not a column of accounts" in m for m in messages)
    assert any("the file has no column 'Nom'" in m for m in messages)
    assert any("required column 'customer_since' is missing" in m for m in messages)


def test_parse_mapping_rejects_malformed_pairs() -> None:
    assert readers.parse_mapping(["a=b", " c = d e "]) == {"a": "b", "c": "d e"}
    with pytest.raises(DataError, match=r"^invalid mapping 'a'\n"):
        readers.parse_mapping(["a"])


# -- rejects ------------------------------------------------------------------------------

BAD_EVENTS = """\
account_id,user_id,event,timestamp,message_id,browser
a1,u1,login,2024-05-01T10:00:00Z,m1,firefox
a3,u9,report,2024-05-02 09:00:00,,chrome
a2,u9,report,yesterday,,
a2,,,2024-05-02,m3,
"""


def test_one_bad_row_rejects_the_whole_file(with_accounts: Project, write) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(DataError) as e:
        with_accounts.import_file("events", write("events.csv", BAD_EVENTS))
    assert str(e.value).splitlines()[0] == "events.csv: 3 problems in 3 rows; nothing was imported"
    assert [str(p) for p in e.value.problems] == [
        "events.csv row 3  account_id: unknown account 'a3'",
        "events.csv row 4  timestamp: expected a timestamp like 2024-01-31T09:30:00Z, "
        "got 'yesterday'",
        "events.csv row 5  event: a value is required",
    ]
    assert count(with_accounts, "events") == 0


def test_skip_bad_loads_the_rest_and_writes_rejects(
    with_accounts: Project,
    write,  # type: ignore[no-untyped-def]
    tmp_path: Path,
) -> None:
    r = with_accounts.import_file("events", write("events.csv", BAD_EVENTS), skip_bad=True)
    assert (r.rows_read, r.rows_loaded, r.rows_rejected) == (4, 1, 3)
    assert r.rejects_path == str(tmp_path / "events.rejects.csv")
    with open(r.rejects_path) as f:
        rejected = list(csv.DictReader(f))
    assert [x["_row"] for x in rejected] == ["3", "4", "5"]
    # the file's own columns come back, extras included, with every reason
    assert rejected[0]["browser"] == "chrome"
    assert rejected[0]["_errors"] == "account_id: unknown account 'a3'"
    assert rejected[1]["timestamp"] == "yesterday"
    assert count(with_accounts, "events") == 1


def test_malformed_csv_records_are_numbered_like_a_spreadsheet(
    with_accounts: Project,  # type: ignore[no-untyped-def]
    write,
) -> None:
    f = write(
        "events.csv",
        "account_id,event,timestamp\n"
        "a1,login,2024-05-01\n"
        "a1,login,2024-05-01,extra\n"
        '"a1","multi\nline",2024-05-01\n'
        "a1,bad-ts,2024-13-45\n",
    )
    with pytest.raises(DataError) as e:
        with_accounts.import_file("events", f)
    assert [(p.where, p.column) for p in e.value.problems] == [
        ("events.csv row 3", None),
        ("events.csv row 5", "timestamp"),
    ]
    assert "expected 3 columns, found 4" in e.value.problems[0].message


def test_rows_are_numbered_across_batches(
    with_accounts: Project,
    write,  # type: ignore[no-untyped-def]
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(readers, "CSV_BLOCK_BYTES", 256)
    lines = ["account_id,event,timestamp"]
    bad = {57, 160, 333}
    for i in range(2, 400):
        if i in bad:
            lines.append("a1,login,2024-05-01,x" if i == 160 else "a1,login,not-a-time")
        else:
            lines.append(f"a{1 + i % 2},e{i},2024-05-01T00:00:00Z")
    r = with_accounts.import_file(
        "events", write("events.csv", "\n".join(lines) + "\n"), skip_bad=True
    )
    assert r.rows_rejected == 3
    with open(r.rejects_path or "") as f:
        assert sorted(int(x["_row"]) for x in csv.DictReader(f)) == sorted(bad)
    # every good row kept the number of its line
    got = rows(with_accounts, "SELECT event FROM events")
    assert {int(e[0][1:]) for e in got} == set(range(2, 400)) - bad


def test_type_vocabulary_range_and_row_rules(with_accounts: Project, write) -> None:  # type: ignore[no-untyped-def]
    f = write(
        "tickets.csv",
        "id,account_id,opened_at,closed_at,priority,status,csat\n"
        "t1,a1,2024-05-01,2024-04-01,High,solved,9\n"
        "t2,a1,2024-05-01,,urgent,open,\n",
    )
    with pytest.raises(DataError) as e:
        with_accounts.import_file("tickets", f)
    assert sorted((p.column or "", p.message) for p in e.value.problems) == [
        ("closed_at", "closed_at is before opened_at, got '2024-04-01 00:00:00'"),
        ("csat", "must be at most 5, got '9'"),
    ]


def test_nps_must_be_whole_0_to_10(with_accounts: Project, write) -> None:  # type: ignore[no-untyped-def]
    f = write(
        "surveys.csv",
        "account_id,kind,score,responded_at\n"
        "a1,nps,11,2024-05-01\na1,nps,7.5,2024-05-02\na1,csat,4.5,2024-05-03\n",
    )
    with pytest.raises(DataError) as e:
        with_accounts.import_file("surveys", f)
    assert [p.where for p in e.value.problems] == ["surveys.csv row 2", "surveys.csv row 3"]


# -- keys and modes -----------------------------------------------------------------------


def test_duplicate_id_in_file(project: Project, write) -> None:  # type: ignore[no-untyped-def]
    f = write("a.csv", "id,name,customer_since\nx,X,2024-01-01\ny,Y,2024-01-01\nx,X2,2024-01-01\n")
    with pytest.raises(DataError) as e:
        project.import_file("accounts", f)
    assert [str(p) for p in e.value.problems] == [
        "a.csv row 4  id: duplicate id, also at row 2, got 'x'"
    ]


def test_append_refuses_stored_ids_upsert_updates_replace_replaces(  # type: ignore[no-untyped-def]
    with_accounts: Project, write
) -> None:
    f = write("a.csv", "id,name,customer_since\na1,Acme Corp,2024-01-01\na9,New,2024-02-01\n")
    with pytest.raises(DataError) as e:
        with_accounts.import_file("accounts", f)
    assert e.value.problems[0].message.startswith("id 'a1' is already stored")
    r = with_accounts.import_file("accounts", f, mode="upsert")
    assert (r.rows_loaded, r.rows_replaced) == (2, 1)
    assert rows(with_accounts, "SELECT id, name FROM accounts ORDER BY id") == [
        ("a1", "Acme Corp"),
        ("a2", "Beta"),
        ("a9", "New"),
    ]
    r = with_accounts.import_file("accounts", f, mode="replace")
    assert (r.rows_loaded, r.rows_replaced) == (2, 3)
    assert count(with_accounts, "accounts") == 2


def test_replacing_accounts_may_not_orphan_other_rows(with_accounts: Project, write) -> None:  # type: ignore[no-untyped-def]
    with_accounts.import_file(
        "events", write("e.csv", "account_id,event,timestamp\na2,login,2024-05-01\n")
    )
    f = write("a.csv", "id,name,customer_since\na1,Acme,2024-01-01\n")
    with pytest.raises(DataError, match="would leave rows of other tables without") as e:
        with_accounts.import_file("accounts", f, mode="replace")
    assert str(e.value.problems[0]) == "events  1 rows refer to accounts not in the file"
    assert count(with_accounts, "accounts") == 2  # untouched


def test_derived_keys_make_reimport_detectable(with_accounts: Project, write) -> None:  # type: ignore[no-untyped-def]
    f = write(
        "subs.csv",
        "account_id,product,mrr,quantity,start_date\n"
        "a1,core,100,5,2024-01-01\na1,addon,20,1,2024-01-01\n",
    )
    with_accounts.import_file("subscriptions", f)
    with pytest.raises(DataError, match="2 problems"):
        with_accounts.import_file("subscriptions", f)
    with_accounts.import_file("subscriptions", f, mode="upsert")
    assert count(with_accounts, "subscriptions") == 2
    ids = {r[0] for r in rows(with_accounts, "SELECT id FROM subscriptions")}
    assert len(ids) == 2
    assert all(len(i) == 32 for i in ids)


def test_resent_events_are_no_ops(with_accounts: Project, write) -> None:  # type: ignore[no-untyped-def]
    f = write(
        "e.csv",
        "account_id,event,timestamp,message_id\n"
        "a1,login,2024-05-01,m1\na1,login,2024-05-01,m1\na1,view,2024-05-01,\n",
    )
    r = with_accounts.import_file("events", f)
    assert (r.rows_loaded, r.duplicates_skipped) == (2, 1)
    r = with_accounts.import_file("events", f)
    # the message is stored already; the row without a message id is a new event
    assert (r.rows_loaded, r.duplicates_skipped) == (1, 2)
    assert count(with_accounts, "events") == 3


def test_upsert_needs_a_key(with_accounts: Project, write) -> None:  # type: ignore[no-untyped-def]
    f = write("e.csv", "account_id,event,timestamp\na1,x,2024-05-01\n")
    with pytest.raises(DataError, match=r"^events have no key to upsert on\n"):
        with_accounts.import_file("events", f, mode="upsert")


def test_unknown_table_and_format(project: Project, write) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(DataError, match=r"^unknown table 'acounts'\n"):
        project.import_file("acounts", write("a.csv", "id\n"))
    with pytest.raises(DataError, match=r"cannot tell the format of a\.xlsx"):
        project.import_file("accounts", write("a.xlsx", "id\n"))


def test_empty_file_with_header_loads_nothing(project: Project, write) -> None:  # type: ignore[no-untyped-def]
    r = project.import_file("accounts", write("a.csv", "id,name,customer_since\n"))
    assert (r.rows_read, r.rows_loaded) == (0, 0)


# -- property: what loads is exactly what parses ------------------------------------------

values = st.one_of(
    st.integers(-(10**6), 10**6).map(str),
    st.text(max_size=8),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
)


@pytest.fixture(scope="module")
def one_store(tmp_path_factory: pytest.TempPathFactory, empty_store: Path) -> Iterator[Project]:
    """One project for every example of the property: each imports rows of ids of its own,
    so what one example loads cannot meet another's (a new store each took most of the
    property's time)."""
    folder = tmp_path_factory.mktemp("prop")
    shutil.copyfile(empty_store, folder / "stethoscope.duckdb")
    (folder / "stethoscope.toml").write_text('database_url = "stethoscope.duckdb"\n')
    with Project.open(folder) as p:
        yield p


@settings(max_examples=40, deadline=None)
@given(seats=st.lists(values, min_size=1, max_size=12))
def test_seats_load_iff_they_are_whole_non_negative_numbers(
    one_store: Project, seats: list[str]
) -> None:
    example = uuid.uuid4().hex[:12]
    path = one_store.settings.project_dir / f"{example}.csv"
    with path.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "name", "customer_since", "seats"])
        for i, s in enumerate(seats):
            w.writerow([f"{example}-{i}", "n", "2024-01-01", s])

    def ok(s: str) -> bool:
        s = s.strip(" \t\n\x0b\x0c\r")  # ASCII white space around a value is not part of it
        if not s:
            return True  # seats is optional: empty is missing, not wrong
        if s != s.strip():
            return False  # other white space (a control character, no-break space) is data
        try:
            v = float(s)
        except ValueError:
            return False
        return v == v and abs(v) != float("inf") and v == int(v) and 0 <= v < 2**63

    expected_bad = {i + 2 for i, s in enumerate(seats) if not ok(s)}
    con = one_store.store.con
    before = con.execute("SELECT count(*) FROM accounts").fetchone()
    r = one_store.import_file("accounts", path, skip_bad=True)
    assert r.rows_rejected == len(expected_bad)
    assert r.rows_loaded == len(seats) - len(expected_bad)
    # and exactly those rows are stored
    after = con.execute("SELECT count(*) FROM accounts").fetchone()
    assert after is not None
    assert before is not None
    assert after[0] - before[0] == r.rows_loaded


def test_white_space_around_a_value_is_not_part_of_it(project: Project, write) -> None:  # type: ignore[no-untyped-def]
    rows = "id,name,customer_since,seats\n" + "\n".join(
        f"a{i},n,2024-01-01,{v}" for i, v in enumerate([" 5 ", "\t7\t", "\x0b", "\x1f", "\xa03"])
    )
    r = project.import_file("accounts", write("a.csv", rows + "\n"), skip_bad=True)
    # spaces, tabs and the like around a number are dropped, alone they are a missing value;
    # a control character or a no-break space is data, and not a number
    assert (r.rows_loaded, r.rows_rejected) == (3, 2)
    seats = project.store.con.execute("SELECT id, seats FROM accounts ORDER BY id").fetchall()
    assert seats == [("a0", 5), ("a1", 7), ("a2", None)]


def test_the_rejects_file_escapes_formulas_and_keeps_numbers(
    project: Project,
    write,  # type: ignore[no-untyped-def]
) -> None:
    text = (
        "id,name,customer_since,arr,=cmd\n"
        'a1,"=HYPERLINK(""http://evil.example"",""x"")",2024-01-01,-5,@SUM(1+1)\n'
        "a2,+cmd,2024-01-01,12,-1+1\n"
        "a3,Fine,someday,-1.5,-2\n"
    )
    r = project.import_file("accounts", write("accounts.csv", text), skip_bad=True)
    assert (r.rows_loaded, r.rows_rejected) == (1, 2)
    with open(r.rejects_path or "", newline="") as f:
        rejected = list(csv.reader(f))
    assert rejected == [
        ["_row", "id", "name", "customer_since", "arr", "'=cmd", "_errors"],
        [
            "2",
            "a1",
            """'=HYPERLINK("http://evil.example","x")""",
            "2024-01-01",
            "-5",
            "'@SUM(1+1)",
            "arr: must be at least 0",
        ],
        [
            "4",
            "a3",
            "Fine",
            "someday",
            "-1.5",
            "-2",
            "arr: must be at least 0; customer_since: expected a date like 2024-01-31",
        ],
    ]
    assert rows(project, "SELECT id, name FROM accounts") == [("a2", "+cmd")]


# -- values no store keeps, and limits (docs/reference/data-contract.md#limits) ------------


def test_a_nul_character_is_refused_with_its_row_on_both_stores(
    with_accounts: Project,
    write,  # type: ignore[no-untyped-def]
) -> None:
    text = (
        "account_id,user_id,event,timestamp,message_id,plan\n"
        "a1,u1,login,2024-05-01T10:00:00Z,m1,pro\n"
        "a1,u\x001,login,2024-05-01T10:00:00Z,m2,pro\n"
        "a1,u1,log\x00in,2024-05-01T10:00:00Z,m3,pro\n"
        "a1,u1,login,2024-05-01T10:00:00Z,m4,p\x00ro\n"
    )
    with pytest.raises(DataError) as e:
        with_accounts.import_file("events", write("events.csv", text))
    nul = "holds the character U+0000 (NUL), which no store keeps: remove it"
    assert [str(p) for p in e.value.problems] == [
        f"events.csv row 3  user_id: {nul}, got 'u\u24001'",
        f"events.csv row 4  event: {nul}, got 'log\u2400in'",
        f'events.csv row 5  properties: {nul}, got \'{{"plan":"p\\\\u0000ro"}}\'',
    ]
    assert count(with_accounts, "events") == 0
    # with --skip-bad the good row is stored and the others go to the rejects file
    r = with_accounts.import_file("events", write("events.csv", text), skip_bad=True)
    assert (r.rows_loaded, r.rows_rejected) == (1, 3)
    assert rows(with_accounts, "SELECT message_id FROM events") == [("m1",)]


def test_a_nul_in_json_lines_is_refused_wherever_it_is(
    with_accounts: Project,
    write,  # type: ignore[no-untyped-def]
) -> None:
    records = [
        {"account_id": "a1", "event": "e", "timestamp": "2024-05-01", "properties": {"k": "\x00"}},
        {"account_id": "a1", "event": "e", "timestamp": "2024-05-01", "properties": {"\x00": 1}},
        {"account_id": "a1", "event": "e", "timestamp": "2024-05-01", "extra": "a\x00"},
        # a backslash and "u0000" as text is no NUL
        {"account_id": "a1", "event": "e", "timestamp": "2024-05-01", "note": "\\u0000"},
    ]
    path = write("events.jsonl", "\n".join(json.dumps(r) for r in records) + "\n")
    r = with_accounts.import_file("events", path, skip_bad=True)
    assert (r.rows_loaded, r.rows_rejected) == (1, 3)
    assert rows(with_accounts, "SELECT properties FROM events") == [('{"note":"\\\\u0000"}',)]


def test_text_longer_than_its_limit_is_refused_and_shown_short(
    project: Project,
    write,  # type: ignore[no-untyped-def]
) -> None:
    name = "N" * 1_001
    text = (
        "id,name,customer_since,notes\n"
        f"{'a' * 256},Acme,2024-01-01,\n"
        f"a2,{name},2024-01-01,\n"
        f"a3,{'n' * 1000},2024-01-01,{'x' * 33_000}\n"
    )
    with pytest.raises(DataError) as e:
        project.import_file("accounts", write("accounts.csv", text))
    assert [str(p) for p in e.value.problems] == [
        f"accounts.csv row 2  id: holds more than 255 characters, got '{'a' * 97}...'",
        f"accounts.csv row 3  name: holds more than 1,000 characters, got '{'N' * 97}...'",
        "accounts.csv row 4  attributes: holds more than 32,768 characters of JSON, got "
        f'\'{{"notes":"{"x" * 87}...\'',
    ]


def test_times_and_dates_outside_their_window_are_refused(
    with_accounts: Project,
    write,  # type: ignore[no-untyped-def]
) -> None:
    last = datetime.now().year + 5
    text = (
        "account_id,event,timestamp\n"
        "a1,e,1969-12-31T23:59:59Z\n"
        f"a1,e,{last + 1}-01-01\n"
        "a1,e,20245-01-01\n"
        f"a1,e,{last - 1}-06-01\n"
    )
    with pytest.raises(DataError) as e:
        with_accounts.import_file("events", write("events.csv", text))
    assert [(p.where, p.column) for p in e.value.problems] == [
        ("events.csv row 2", "timestamp"),
        ("events.csv row 3", "timestamp"),
        ("events.csv row 4", "timestamp"),
    ]
    assert e.value.problems[0].message.startswith(f"expected a time from 1970-01-01 to {last}-")
    dates = "id,name,customer_since,renewal_date\na1,A,0024-01-01,\na2,B,2024-01-01,9999-12-31\n"
    with pytest.raises(DataError) as e:
        with_accounts.import_file("accounts", write("a.csv", dates), mode="upsert")
    assert [(p.column, p.message) for p in e.value.problems] == [
        ("customer_since", "expected a date from 1900-01-01 to 2199-12-31, got '0024-01-01'"),
        ("renewal_date", "expected a date from 1900-01-01 to 2199-12-31, got '9999-12-31'"),
    ]


def test_an_import_keeps_no_batch_it_has_typed(
    with_accounts: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file is typed batch by batch in the import's one transaction: what is held of it
    while it is read stays about one batch, however many batches the file has."""
    import gc

    n, batch = 60_000, 3_000
    monkeypatch.setattr(readers, "BATCH_ROWS", batch)
    t = pa.table(
        {
            "account_id": pa.array([f"a{1 + i % 2}" for i in range(n)]),
            "event": pa.array([f"event number {i} of the file" for i in range(n)]),
            "timestamp": pa.array([datetime(2024, 5, 1, 12)] * n, pa.timestamp("us")),
        }
    )
    pq.write_table(t, tmp_path / "events.parquet", row_group_size=batch)
    del t
    gc.collect()
    before = pa.total_allocated_bytes()
    held: list[int] = []

    def tick(phase: str, done: int, total: int) -> None:
        if phase == "reading":
            gc.collect()
            held.append(pa.total_allocated_bytes() - before)

    r = with_accounts.import_file("events", tmp_path / "events.parquet", progress=tick)
    assert (r.rows_read, r.rows_loaded) == (n, n)
    assert len(held) >= 10, held  # read in many batches
    # a view on each batch kept all of them (about 20 batches' bytes) until the commit
    assert held[-1] < 3 * max(held[0], 1), held

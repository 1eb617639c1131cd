"""Files that are not UTF-8, or JSON nested too deep: refused with the file, the row and a
hint, never a traceback; `--encoding` reads a file saved by Excel on Windows. On both stores,
and through POST /api/tables/{table}/import."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from stethoscope.errors import DataError
from stethoscope.project import Project
from stethoscope.service.app import create_app
from tests.conftest import ACCOUNTS_CSV, STORES, cli, open_project
from tests.service.conftest import TOKEN, Api, bearer

# what Excel on Windows saves: cp1252 ("é" is one byte, 0xe9; "€" is 0x80)
EXCEL = "id,name,customer_since,notes\na1,Acme,2024-01-01,\na2,Café Müller,2024-01-01,5 €\n"
HINT = (
    "save the file as UTF-8, or name its encoding: --encoding cp1252 for a CSV saved by "
    "Excel on Windows, --encoding latin-1 for ISO 8859-1"
)


@pytest.fixture(params=STORES)
def project(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Project]:
    with open_project(request, request.param, tmp_path) as p:
        yield p


def test_a_cp1252_csv_is_refused_at_its_row_or_read_with_its_encoding(
    project: Project, tmp_path: Path
) -> None:
    path = tmp_path / "accounts.csv"
    path.write_bytes(EXCEL.encode("cp1252"))
    with pytest.raises(DataError) as e:
        project.import_file("accounts", path)
    assert (e.value.message, e.value.hint) == (
        "accounts.csv row 3: the text is not utf-8 (nothing was imported)",
        HINT,
    )
    r = project.import_file("accounts", path, encoding="cp1252")
    assert r.rows_loaded == 2
    got = project.store.con.execute(
        "SELECT name, CAST(attributes AS VARCHAR) FROM accounts WHERE id = 'a2'"
    ).fetchall()
    assert [(n, json.loads(a)) for n, a in got] == [("Café Müller", {"notes": "5 €"})]


def test_a_header_that_is_not_utf8_is_row_1(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "accounts.csv"
    path.write_bytes("id,name,customer_since,Région\na1,A,2024-01-01,x\n".encode("latin-1"))
    with pytest.raises(DataError, match=r"^accounts.csv row 1: the text is not utf-8"):
        project.import_file("accounts", path)
    with pytest.raises(DataError, match=r"^unknown encoding 'klingon'"):
        project.import_file("accounts", path, encoding="klingon")
    project.import_file("accounts", path, encoding="latin-1")


def test_json_lines_not_utf8_or_nested_too_deep_are_refused_by_line(
    project: Project, tmp_path: Path
) -> None:
    project.import_file("accounts", _write(tmp_path, "accounts.csv", ACCOUNTS_CSV))
    deep = '{"a":' * 5_000 + "1" + "}" * 5_000
    lines = [
        json.dumps({"account_id": "a1", "event": "e", "timestamp": "2024-05-01"}),
        json.dumps(
            {"account_id": "a1", "event": "café", "timestamp": "2024-05-01"}, ensure_ascii=False
        ),
        '{"account_id": "a1", "event": "e", "timestamp": "2024-05-01", "deep": ' + deep + "}",
        # as deep as the parser goes (as the ingest): taken
        '{"account_id": "a1", "event": "e", "timestamp": "2024-05-01", "deep": '
        + '{"a":' * 100
        + "1"
        + "}" * 100
        + "}",
    ]
    path = tmp_path / "events.jsonl"
    path.write_bytes("\n".join(lines).encode("latin-1") + b"\n")
    with pytest.raises(DataError) as e:
        project.import_file("events", path)
    assert [str(p) for p in e.value.problems] == [
        "events.jsonl line 2  the text is not utf-8 (if it is Latin-1 or Windows text, "
        "import with --encoding)",
        "events.jsonl line 3  invalid JSON: nested too deep",
    ]
    r = project.import_file("events", path, encoding="latin-1", skip_bad=True)
    assert (r.rows_loaded, r.rows_rejected) == (3, 1)


def test_the_same_through_the_api(project: Project, tmp_path: Path) -> None:
    api = Api(create_app(project, TOKEN))
    url = "/api/tables/accounts/import?filename=accounts.csv"
    r = api.post(url, content=EXCEL.encode("cp1252"), headers=bearer(TOKEN))
    assert r.status_code == 400, r.text
    assert (r.json()["error"], r.json()["hint"]) == (
        "accounts.csv row 3: the text is not utf-8 (nothing was imported)",
        HINT,
    )
    r = api.post(url + "&encoding=cp1252", content=EXCEL.encode("cp1252"), headers=bearer(TOKEN))
    assert (r.status_code, r.json()["rows_loaded"]) == (200, 2)
    deep = b'{"id": "d", "name": "D", "customer_since": "2024-01-01", "x": '
    deep += b'{"a":' * 5_000 + b"1" + b"}" * 5_000 + b"}\n"
    r = api.post(
        "/api/tables/accounts/import?filename=a.jsonl", content=deep, headers=bearer(TOKEN)
    )
    assert r.status_code == 400, r.text
    problem = {"loc": ["a.jsonl line 1"], "msg": "invalid JSON: nested too deep"}
    assert r.json()["errors"] == [problem]


@pytest.mark.slow
def test_the_cli_says_so_without_a_traceback(tmp_path: Path) -> None:
    (tmp_path / "stethoscope.toml").write_text('database_url = "stethoscope.duckdb"\n')
    path = tmp_path / "accounts.csv"
    path.write_bytes(EXCEL.encode("cp1252"))
    r = cli("import", "accounts", str(path), cwd=tmp_path)
    assert r.returncode == 1
    assert r.stderr.splitlines()[:2] == [
        "Error: accounts.csv row 3: the text is not utf-8 (nothing was imported)",
        f"Hint: {HINT}",
    ]
    r = cli("import", "accounts", str(path), "--encoding", "cp1252", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "Imported 2 of 2 rows into accounts" in r.stdout


def _write(folder: Path, name: str, text: str) -> Path:
    (folder / name).write_text(text)
    return folder / name

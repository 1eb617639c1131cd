"""CSV injection in the export and the scores (docs/concepts/security.md): a name a
spreadsheet would run comes out as text, on both stores; numbers stay numbers."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

import pytest

from stethoscope.service.app import create_app
from tests.alerts.conftest import DAY0, Book
from tests.conftest import run_cli
from tests.service.conftest import TOKEN, Api, bearer

NAMES = {"a1": '=HYPERLINK("http://evil.example","Acme")', "a2": "@SUM(1+1)", "a3": "-1+1"}


def _book(book_factory: Callable[..., Book]) -> Book:
    book = book_factory("")
    lines = ["id,name,owner,segment,customer_since,renewal_date,arr,level"]
    for acc, name in NAMES.items():
        quoted = '"' + name.replace('"', '""') + '"'
        lines.append(f"{acc},{quoted},+cmd@x.example,smb,2024-01-01,2025-06-01,1200.5,40")
    book.load("accounts", "\n".join(lines) + "\n")
    book.project.run(as_of=DAY0)
    return book


def test_the_export_escapes_formulas_and_keeps_numbers(book_factory: Callable[..., Book]) -> None:
    book = _book(book_factory)
    api = Api(create_app(book.project, TOKEN))
    viewer = bearer(book.project.create_key("look", "viewer").secret)
    text = api.get("/api/export", params={"format": "csv"}, headers=viewer).text
    got = list(csv.DictReader(io.StringIO(text)))
    assert [(r["account_id"], r["name"], r["owner"]) for r in got] == [
        (acc, "'" + name, "'+cmd@x.example") for acc, name in NAMES.items()
    ]
    assert [(r["arr"], r["score"], r["segment"]) for r in got] == [("1200.5", "40.0", "smb")] * 3
    # numbers are written bare, text between quotes
    assert text.splitlines()[1].startswith('"a1","\'=HYPERLINK(""http://evil.example"",')
    assert ',1200.5,"2025-06-01","2025-03-01","health",40.0,"red",1.0' in text.splitlines()[1]
    assert book.project.export_scores(fmt="csv") == text


# the CLI writes what the store reads through the same function on both stores: one is enough
@pytest.mark.parametrize("store", ["duckdb"])
def test_scores_as_csv_escape_formulas(book_factory: Callable[..., Book]) -> None:
    book = _book(book_factory)
    book.project.close()
    r = run_cli("scores", "--format", "csv", "--sort", "name", cwd=book.folder)
    assert r.returncode == 0, r.stderr
    got = list(csv.DictReader(io.StringIO(r.stdout)))
    assert [(x["account_id"], x["name"], x["score"]) for x in got] == [
        ("a3", "'-1+1", "40.0"),
        ("a1", "'" + NAMES["a1"], "40.0"),
        ("a2", "'" + NAMES["a2"], "40.0"),
    ]

"""The scoring commands as a user runs them: validate, run, scores, explain, input, diff."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest

from stethoscope.project import Project
from tests.conftest import cli
from tests.engine.test_golden import GOLDEN


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("book")
    assert cli("init", cwd=folder).returncode == 0
    shutil.copy(GOLDEN / "model.yaml", folder / "model.yaml")
    # the imports through the facade (the command is tested in tests/cli/test_cli.py)
    with Project.open(folder) as p:
        for table in ("accounts", "events", "surveys", "tickets", "outcomes"):
            p.import_file(table, GOLDEN / f"{table}.csv")
    r = cli("run", "--from", "2024-06-20", "--to", "2024-06-30", cwd=folder)
    assert r.returncode == 0, r.stderr
    assert "scored 4 accounts as of 2024-06-20 to 2024-06-30 (11 days)" in r.stdout
    return folder


def test_validate_reports_problems_with_lines(book: Path) -> None:
    r = cli("validate", cwd=book)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("ok golden: 12 metrics, 10 measures, 3 groups, 4 scorecards")
    bad = book / "bad.yaml"
    bad.write_text(
        (book / "model.yaml")
        .read_text()
        .replace("window: 30d}", "window: month}", 1)
        .replace("{activity: 1, days: 1, breadth: 2}", "{activity: 1, dayz: 1}")
    )
    r = cli("validate", "bad.yaml", cwd=book)
    assert r.returncode == 1
    assert "invalid model 'bad.yaml' (2 problems)" in r.stderr
    assert "bad.yaml:14  metrics.events_30d.window:" in r.stderr
    assert "'dayz'" in r.stderr
    assert "did you mean 'days'" in r.stderr
    assert "Traceback" not in r.stderr


def test_scores_in_three_formats(book: Path) -> None:
    r = cli("scores", "--format", "json", cwd=book)
    rows = json.loads(r.stdout)
    # the golden scores without the CSM inputs (this book has none): g1's voice is its NPS
    # alone (0.5 * 89.206 + 0.3 * 100 + 0.2 * 100), g2's is 0 (0.4 * 46.175 + 0.2 * 90)
    assert [(x["account_id"], x["score"], x["band"]) for x in rows] == [
        ("g3", 0.0, "red"),
        ("g2", 36.5, "red"),
        ("g4", 63.8, "yellow"),
        ("g1", 94.6, "green"),
    ]
    r = cli("scores", "--format", "csv", "--band", "red", "--sort", "name", cwd=book)
    got = list(csv.DictReader(io.StringIO(r.stdout)))
    assert [x["name"] for x in got] == ["Iron", "Tin"]
    r = cli("scores", "--owner", "bo@x.example", cwd=book)
    assert r.returncode == 0
    assert "Lead" in r.stdout
    assert "Gold" not in r.stdout
    r = cli("scores", "--sort", "colour", cwd=book)
    assert r.returncode == 1
    assert "cannot sort by 'colour'" in r.stderr


def test_explain_and_explain_vs(book: Path) -> None:
    r = cli("explain", "g1", "--format", "json", cwd=book)
    e = json.loads(r.stdout)
    assert (e["score"], e["band"], e["scorecard"]) == (94.6, "green", "standard")
    assert round(sum(m["contribution"] for m in e["measures"]), 1) == 94.6
    r = cli("explain", "g1", cwd=book)
    assert r.returncode == 0
    assert "94.6 green" in r.stdout
    r = cli("explain", "g2", "--vs", "2024-06-20", "--format", "json", cwd=book)
    c = json.loads(r.stdout)
    assert round(sum(x["change"] for x in c["lines"]), 1) == c["change"]
    r = cli("explain", "nobody", cwd=book)
    assert r.returncode == 1
    assert "account 'nobody' is not a scored customer" in r.stderr


def test_input_then_run_changes_the_score(book: Path) -> None:
    r = cli("input", "g3", "gut_check", "12", "--reason", "x", cwd=book)
    assert r.returncode == 1
    assert "must be from 0 to 10" in r.stderr
    r = cli("input", "g3", "deployed", "yes", "--reason", "went live", "--author", "ann", cwd=book)
    assert r.returncode == 0, r.stderr
    assert "Recorded deployed = yes for g3 by ann" in r.stdout
    # the book was scored as of 2024: an input of today counts from the next run
    assert "It counts from the next run: the book was last scored as of 2024-" in r.stdout


def test_diff_names_band_changes(book: Path) -> None:
    changed = book / "support-heavy.yaml"
    changed.write_text(
        (book / "model.yaml")
        .read_text()
        .replace(
            "standard: {engagement: 50, voice: 30, support: 20}",
            "standard: {engagement: 20, voice: 10, support: 70}",
        )
    )
    r = cli("diff", "model.yaml", "support-heavy.yaml", "--as-of", "2024-06-30", cwd=book)
    assert r.returncode == 0, r.stderr
    assert "health as of 2024-06-30: 1 of 4 accounts change band" in r.stdout
    assert "+1 red, -1 yellow" in r.stdout


def test_runs_lists_the_run(book: Path) -> None:
    r = cli("runs", cwd=book)
    assert r.returncode == 0
    assert "2024-06-20..2024-06-30" in r.stdout
    assert " ok " in r.stdout


def test_init_with_preset(tmp_path: Path) -> None:
    r = cli("init", "p", "--preset", "dear", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "p" / "model.yaml").read_text().startswith(("#", "name"))
    r = cli("validate", cwd=tmp_path / "p")
    assert r.returncode == 0, r.stderr
    r = cli("init", "p", "--preset", "dear", cwd=tmp_path)
    assert r.returncode == 1
    assert "already exists" in r.stderr
    r = cli("init", "q", "--preset", "nope", cwd=tmp_path)
    assert r.returncode == 1
    assert "nope" in r.stderr

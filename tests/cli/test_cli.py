from __future__ import annotations

from pathlib import Path

from tests.conftest import ACCOUNTS_CSV, run_cli


def test_init_creates_the_project_file_once(tmp_path: Path) -> None:
    r = run_cli("init", "proj", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "proj" / "stethoscope.toml").is_file()
    r = run_cli("init", "proj", cwd=tmp_path)
    assert r.returncode == 1
    assert r.stderr.startswith("Error: ")
    assert "already exists" in r.stderr


def test_import_reports_and_exit_codes(tmp_path: Path) -> None:
    run_cli("init", cwd=tmp_path)
    (tmp_path / "accounts.csv").write_text(ACCOUNTS_CSV)
    (tmp_path / "bad.csv").write_text("id,name,customer_since\nz,Z,someday\n")
    r = run_cli("import", "accounts", "accounts.csv", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("Imported 2 of 2 rows into accounts")
    # a domain error: exit 1, where and what, no traceback
    r = run_cli("import", "accounts", "bad.csv", cwd=tmp_path)
    assert r.returncode == 1
    assert (
        "bad.csv row 2  customer_since: expected a date like 2024-01-31, got 'someday'" in r.stderr
    )
    assert "Traceback" not in r.stderr
    # --debug shows the traceback for a bug report
    r = run_cli("--debug", "import", "accounts", "bad.csv", cwd=tmp_path)
    assert r.returncode == 1
    assert "Traceback" in r.stderr
    # usage errors: exit 2
    r = run_cli("import", "accounts", "missing.csv", cwd=tmp_path)
    assert r.returncode == 2
    r = run_cli("import", "accounts", "accounts.csv", "--mode", "merge", cwd=tmp_path)
    assert r.returncode == 2
    assert "expected one of append, upsert, replace" in r.stderr
    r = run_cli("import", "accounts", "accounts.csv", "--map", "nonsense", cwd=tmp_path)
    assert r.returncode == 1
    assert "invalid mapping 'nonsense'" in r.stderr


def test_settings_errors_name_the_file(tmp_path: Path) -> None:
    (tmp_path / "stethoscope.toml").write_text('database_url = "x.duckdb"\ncolour = "red"\n')
    r = run_cli("status", cwd=tmp_path)
    assert r.returncode == 1
    assert "stethoscope.toml  colour: Extra inputs are not permitted" in r.stderr


def test_database_url_from_environment(tmp_path: Path) -> None:
    run_cli("init", cwd=tmp_path)
    r = run_cli("status", cwd=tmp_path, env={"STETHOSCOPE_DATABASE_URL": "data/elsewhere.duckdb"})
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "data" / "elsewhere.duckdb").is_file()
    assert not (tmp_path / "stethoscope.duckdb").exists()

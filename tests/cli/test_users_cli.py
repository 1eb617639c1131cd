"""`stethoscope users create` and `users list`, in a fresh process as a user runs them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from stethoscope.project import Project
from tests.conftest import run_cli


def test_create_a_user_with_the_password_on_stdin(tmp_path: Path) -> None:
    (tmp_path / "stethoscope.toml").write_text('database_url = "stethoscope.duckdb"\n')
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "stethoscope",
            "users",
            "create",
            "--name",
            "lee@x.example",
            "--role",
            "viewer",
            "--password-stdin",
        ],
        cwd=tmp_path,
        input="a long password\n",
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 0, r.stderr
    assert "'lee@x.example' with the role viewer" in r.stdout
    listed = run_cli("users", "list", cwd=tmp_path)
    assert "lee@x.example" in listed.stdout
    with Project.open(tmp_path) as p:
        assert p.sign_in("lee@x.example", "a long password") is not None

    bad = run_cli("users", "create", "--name", "x", "--role", "ingest", cwd=tmp_path)
    assert bad.returncode == 2
    assert "expected one of admin, editor, viewer" in bad.stderr
    # not at a terminal, and no --password-stdin: nowhere to read a password from
    r = run_cli("users", "create", "--name", "kim", "--role", "viewer", cwd=tmp_path)
    assert r.returncode == 2
    assert "--password-stdin" in r.stderr

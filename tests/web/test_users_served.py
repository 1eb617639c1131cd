"""Dashboard users are created and listed while the server runs: the CLI goes through it,
and the new user signs in at once."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import httpx

from tests.conftest import cli
from tests.serving import Serving


def _cli(folder: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "stethoscope", *args],
        cwd=folder,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_users_are_created_through_a_running_server(tmp_path: Path) -> None:
    (tmp_path / "stethoscope.toml").write_text('database_url = "s.duckdb"\nschedule = ""\n')
    with Serving(tmp_path, "s.duckdb") as s:
        made = _cli(
            tmp_path,
            "users",
            "create",
            "--name",
            "lee@example.com",
            "--role",
            "viewer",
            "--password-stdin",
            stdin="a good long password\n",
        )
        assert made.returncode == 0, made.stderr
        assert "Created user" in made.stdout
        # (in this process where the command reads no stdin: it still meets the server)
        listed = cli("users", "list", cwd=tmp_path)
        assert listed.returncode == 0, listed.stderr
        assert "lee@example.com" in listed.stdout
        # an error comes back from the server as it would locally
        short = _cli(
            tmp_path,
            *("users", "create", "--name", "kim@example.com", "--role", "viewer"),
            "--password-stdin",
            stdin="short\n",
        )
        assert short.returncode == 1
        assert "the password is too short" in short.stderr + short.stdout
        assert "Traceback" not in short.stderr
        # the new user signs in to the running dashboard at once (localhost: Secure cookies)
        url = s.lease.url.replace("127.0.0.1", "localhost")
        with httpx.Client(base_url=url) as c:
            page = c.get("/signin")
            token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
            assert token
            r = c.post(
                "/signin",
                data={
                    "csrf_token": token.group(1),
                    "name": "lee@example.com",
                    "password": "a good long password",
                    "next": "/",
                },
                headers={"Cookie": "; ".join(f"{k}={v}" for k, v in page.cookies.items())},
            )
            assert r.status_code == 303, r.text
    # and the audit log names the server's local token as who created it
    with_audit = cli("audit", cwd=tmp_path)
    assert "user.create" in with_audit.stdout

"""keys, audit and forget as a user runs them, locally and through a running server."""

from __future__ import annotations

import getpass
import re
from pathlib import Path

import pytest

from tests.conftest import ACCOUNTS_CSV, cli
from tests.serving import Serving

SECRET = re.compile(r"^sk_[A-Za-z0-9_-]{43}$", re.M)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    assert cli("init", cwd=tmp_path).returncode == 0
    (tmp_path / "accounts.csv").write_text(ACCOUNTS_CSV)
    r = cli("import", "accounts", "accounts.csv", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    return tmp_path


def test_keys_create_list_revoke(folder: Path) -> None:
    r = cli("keys", "create", "--name", "segment-prod", "--role", "ingest", cwd=folder)
    assert r.returncode == 0, r.stderr
    m = SECRET.search(r.stdout)
    assert m, r.stdout
    secret = m.group(0)
    key_id = re.search(r"Created key (\w+) 'segment-prod' with the role ingest", r.stdout)
    assert key_id, r.stdout
    assert "shown this once" in r.stdout
    assert "write key" in r.stderr
    r = cli("keys", "list", cwd=folder)
    assert r.returncode == 0, r.stderr
    assert "segment-prod" in r.stdout
    assert f"{secret[:7]}..." in r.stdout
    assert secret not in r.stdout
    assert "never" in r.stdout  # not used yet
    r = cli("keys", "revoke", key_id.group(1), cwd=folder)
    assert r.returncode == 0, r.stderr
    assert f"Revoked key {key_id.group(1)} 'segment-prod' (ingest)" in r.stdout
    r = cli("keys", "list", cwd=folder)
    assert r.stdout.startswith("No API keys. (--all shows revoked ones.)")
    r = cli("keys", "list", "--all", cwd=folder)
    assert "segment-prod" in r.stdout
    # a second revoke is a domain error; a bad role a usage error
    r = cli("keys", "revoke", key_id.group(1), cwd=folder)
    assert r.returncode == 1
    assert "was already revoked" in r.stderr
    r = cli("keys", "create", "--name", "x", "--role", "owner", cwd=folder)
    assert r.returncode == 2
    assert "expected one of admin, editor, viewer, ingest" in r.stderr


def test_audit_lists_who_did_what(folder: Path) -> None:
    cli("keys", "create", "--name", "dash", "--role", "viewer", cwd=folder)
    r = cli("audit", cwd=folder)
    assert r.returncode == 0, r.stderr
    line = next(ln for ln in r.stdout.splitlines() if "key.create" in ln)
    assert f"cli:{getpass.getuser()}" in line
    assert '"role": "viewer"' in line
    r = cli("audit", "--action", "privacy.forget", cwd=folder)
    assert r.stdout.startswith("The audit log is empty.")


def test_forget_an_account(folder: Path) -> None:
    r = cli("forget", "--account", "a1", "--yes", cwd=folder)
    assert r.returncode == 0, r.stderr
    # the account and its one version of its attributes (accounts keep their history)
    assert "Erased account 'a1': deleted 2 rows, updated 0 rows." in r.stdout
    assert re.search(r"│ accounts +│ +1 │ +0 │", r.stdout), r.stdout
    assert re.search(r"│ account_versions +│ +1 │ +0 │", r.stdout), r.stdout
    assert "erase the person in your source systems too" in r.stderr
    r = cli("status", cwd=folder)
    assert re.search(r"│ accounts +│ +1 │", r.stdout), r.stdout
    r = cli("forget", "--account", "a1", "--yes", cwd=folder)
    assert r.stdout.startswith("Nothing was stored about account 'a1'.")
    r = cli("audit", cwd=folder)
    assert "privacy.forget" in r.stdout
    assert "a1" not in r.stdout.replace("account:", "")


def test_forget_needs_one_subject_and_a_confirmation(folder: Path) -> None:
    for args in ([], ["--account", "a1", "--contact", "c1"]):
        r = cli("forget", *args, "--yes", cwd=folder)
        assert r.returncode == 2, args
        assert "give --account ID or --contact ID" in r.stderr
    # not at a terminal, it will not erase without --yes
    r = cli("forget", "--account", "a1", cwd=folder)
    assert r.returncode == 2
    assert "pass --yes to confirm" in r.stderr
    r = cli("status", cwd=folder)
    assert re.search(r"│ accounts +│ +2 │", r.stdout), r.stdout


def test_admin_commands_go_through_a_running_server(folder: Path) -> None:
    with Serving(folder):
        r = cli("keys", "create", "--name", "crm", "--role", "editor", cwd=folder)
        assert r.returncode == 0, r.stderr
        assert SECRET.search(r.stdout)
        key_id = re.search(r"Created key (\w+)", r.stdout)
        assert key_id
        assert "crm" in cli("keys", "list", cwd=folder).stdout
        r = cli("forget", "--account", "a2", "--yes", cwd=folder)
        assert r.returncode == 0, r.stderr
        assert "Erased account 'a2'" in r.stdout
        r = cli("keys", "revoke", key_id.group(1), cwd=folder)
        assert r.returncode == 0, r.stderr
        r = cli("keys", "revoke", key_id.group(1), cwd=folder)
        assert r.returncode == 1
        assert "was already revoked" in r.stderr
        r = cli("audit", cwd=folder)
        assert r.returncode == 0, r.stderr
        # through the server the actor is its local token
        actions = [ln.split("│")[2:4] for ln in r.stdout.splitlines() if "local" in ln]
        assert [[a.strip() for a in x] for x in actions] == [
            ["local", "key.revoke"],
            ["local", "privacy.forget"],
            ["local", "key.create"],
        ]

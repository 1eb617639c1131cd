"""The audit log records who changed what: keys, CSM inputs, model versions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from stethoscope.errors import DataError
from stethoscope.project import Project
from stethoscope.store.audit import local_actor
from tests.conftest import golden_project


@pytest.fixture
def golden(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Project]:
    with golden_project(request, "duckdb", tmp_path) as p:
        yield p


def test_the_actor_of_this_process_is_its_user() -> None:
    import getpass

    assert local_actor() == f"cli:{getpass.getuser()}"


def test_inputs_added_and_revoked_are_recorded_without_their_text(golden: Project) -> None:
    row = golden.add_input("g3", "gut_check", "7", reason="Ann says yes", author="ann")
    golden.add_input("g1", "deployed", "yes", reason="live", author="bo", actor="key:crm-sync")
    golden.revoke_input(row["id"], by="bo", reason="wrong account", actor="key:crm-sync")
    entries = golden.audit(3)
    assert [(e.actor, e.action, e.target, e.detail) for e in entries] == [
        ("key:crm-sync", "input.revoke", row["id"], {"account_id": "g3", "name": "gut_check"}),
        ("key:crm-sync", "input.add", entries[1].target, {"account_id": "g1", "name": "deployed"}),
        (local_actor(), "input.add", row["id"], {"account_id": "g3", "name": "gut_check"}),
    ]
    # newest first, ids increasing, times in order
    assert entries[0].id > entries[1].id > entries[2].id
    assert entries[0].at >= entries[2].at
    assert "Ann" not in repr(entries)


def test_a_refused_change_leaves_no_entry(golden: Project) -> None:
    with pytest.raises(DataError, match=r"^no live input with id 'nope'"):
        golden.revoke_input("nope", by="bo", reason="r")
    with pytest.raises(DataError, match=r"^unknown account 'zz'"):
        golden.add_input("zz", "gut_check", "5", reason="r", author="ann")
    assert golden.audit() == []


def test_a_model_version_is_recorded_when_first_saved(golden: Project, tmp_path: Path) -> None:
    day = dt.date(2024, 6, 30)
    golden.run(as_of=day)
    golden.run(as_of=day)  # the same version: saved once
    saves = golden.audit(action="model.save")
    version = golden.load_model().version
    assert [(e.actor, e.target, e.detail) for e in saves] == [
        (local_actor(), version, {"name": "golden"})
    ]
    model = tmp_path / "model.yaml"
    model.write_text(model.read_text().replace("decimals: 1", "decimals: 2"))
    golden.run(as_of=day)
    saves = golden.audit(action="model.save")
    assert [e.target for e in saves] == [golden.load_model().version, version]


def test_keys_created_and_revoked_are_recorded(golden: Project) -> None:
    new = golden.create_key("segment", "ingest")
    golden.revoke_key(new.key.id, actor="key:admin")
    entries = golden.audit(2)
    assert [(e.actor, e.action, e.target, e.detail) for e in entries] == [
        ("key:admin", "key.revoke", new.key.id, {"name": "segment", "role": "ingest"}),
        (local_actor(), "key.create", new.key.id, {"name": "segment", "role": "ingest"}),
    ]
    assert new.secret not in repr(entries)
    assert golden.keys() == []
    assert [k.revoked_by for k in golden.keys(revoked=True)] == ["key:admin"]


def test_key_roles_and_names_are_checked(golden: Project) -> None:
    with pytest.raises(DataError, match=r"^unknown role 'owner'"):
        golden.create_key("x", "owner")
    with pytest.raises(DataError, match=r"^unusable key name 'a:b'"):
        golden.create_key("a:b", "viewer")
    assert golden.audit() == []

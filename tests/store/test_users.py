"""Dashboard users: names, roles, Argon2 hashes, the audit log, and the service's secrets."""

from __future__ import annotations

import pytest

from stethoscope.errors import DataError
from stethoscope.project import Project


def test_a_user_signs_in_with_their_password_only(project: Project) -> None:
    user = project.create_user("dana@x.example", "editor", "correct horse")
    assert (user.name, user.role, user.disabled_at) == ("dana@x.example", "editor", None)
    assert project.sign_in("dana@x.example", "correct horse") == user
    assert project.sign_in("dana@x.example", "correct horsE") is None
    assert project.sign_in("lee@x.example", "correct horse") is None
    assert project.user(user.id) == user
    assert project.users() == [user]
    # only an Argon2id hash is stored
    [(stored,)] = project.store.con.execute("SELECT password_hash FROM users").fetchall()
    assert stored.startswith("$argon2id$")
    assert "correct horse" not in stored
    actions = [(e.action, e.target, e.detail) for e in project.audit()]
    assert actions == [
        ("user.signin_failed", None, {"reason": "unknown user"}),
        ("user.signin_failed", user.id, {"reason": "wrong password"}),
        ("user.create", user.id, {"role": "editor"}),
    ]


@pytest.mark.parametrize(
    ("name", "role", "password", "message"),
    [
        ("dana", "ingest", "long enough", r"^unknown role 'ingest'"),
        ("dana", "owner", "long enough", r"^unknown role 'owner'"),
        ("", "viewer", "long enough", r"^unusable user name ''"),
        ("da na", "viewer", "long enough", r"^unusable user name 'da na'"),
        ("dana", "viewer", "short", r"^the password is too short \(5 characters\)"),
    ],
)
def test_unusable_users_are_refused(
    project: Project, name: str, role: str, password: str, message: str
) -> None:
    with pytest.raises(DataError, match=message):
        project.create_user(name, role, password)
    assert project.users() == []


def test_names_are_unique(project: Project) -> None:
    project.create_user("dana", "viewer", "long enough")
    with pytest.raises(DataError, match=r"^a user is already named 'dana'"):
        project.create_user("dana", "admin", "another one")


def test_a_service_secret_is_made_once(project: Project) -> None:
    first = project.service_secret("session")
    assert len(first) >= 43
    assert project.service_secret("session") == first
    assert project.service_secret("other") != first

"""Liveness and readiness answer without a credential (service.health)."""

from __future__ import annotations

from stethoscope.project import Project
from tests.service.conftest import Api


def test_readyz_says_the_store_answers_and_its_schema_is_current(api: Api) -> None:
    r = api.get("/readyz")
    assert r.status_code == 200
    assert r.json() == {"ok": True, "store": "ok", "migrations": "current"}
    assert api.get("/healthz").json() == {"ok": True}


def test_readyz_is_503_while_a_migration_is_not_applied(api: Api, project: Project) -> None:
    project.store.con.execute("DELETE FROM stethoscope_migrations WHERE version = 9")
    r = api.get("/readyz")
    assert r.status_code == 503
    assert r.json() == {"ok": False, "store": "ok", "migrations": "pending"}
    assert api.get("/healthz").status_code == 200  # alive all the same

"""GET /metrics: Prometheus's text format, for the metrics role and admins only; requests
counted by route template, ingest calls, runs and the outbox."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from stethoscope.project import Project
from stethoscope.service.app import create_app
from tests.service.conftest import END, TOKEN, Api, bearer


@pytest.fixture
def keys(project: Project) -> dict[str, str]:
    return {
        role: project.create_key(f"{role}-key", role).secret
        for role in ("admin", "editor", "viewer", "ingest", "metrics")
    }


def scrape(api: Api, secret: str = TOKEN) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of /metrics: (name, sorted labels) -> value."""
    r = api.get("/metrics", headers=bearer(secret))
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/plain; version=")
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(r.text)
        for s in family.samples
    }


def requests(
    samples: dict[tuple[str, tuple[tuple[str, str], ...]], float], route: str
) -> dict[str, float]:
    """status -> count of the requests of ``route``."""
    return {
        dict(labels)["status"]: value
        for (name, labels), value in samples.items()
        if name == "stethoscope_http_requests_total" and dict(labels)["route"] == route
    }


def test_metrics_need_the_metrics_role_or_admin(api: Api, keys: dict[str, str]) -> None:
    r = api.get("/metrics")
    assert r.status_code == 401
    assert r.json()["error"] == "a credential is required"
    for role in ("editor", "viewer", "ingest"):
        r = api.get("/metrics", headers=bearer(keys[role]))
        assert r.status_code == 403, role
        assert (
            r.json()["error"] == f"the key '{role}-key' has the role {role}, which may not do this"
        )
    for secret in (keys["metrics"], keys["admin"], TOKEN):
        assert api.get("/metrics", headers=bearer(secret)).status_code == 200
    # a scraper's key reads nothing else
    assert api.get("/api/status", headers=bearer(keys["metrics"])).status_code == 403
    r = api.post("/v1/track", json={"userId": "u", "event": "e"}, headers=bearer(keys["metrics"]))
    assert r.status_code == 403


def test_requests_are_counted_by_route_template_method_and_status(
    api: Api, keys: dict[str, str]
) -> None:
    for account in ("a1", "a2", "a3"):
        assert (
            api.get(f"/api/accounts/{account}/history", headers=bearer(keys["viewer"])).status_code
            == 404
        )
    api.get("/api/status")  # no credential
    api.get("/no/such/page/12345")
    samples = scrape(api, keys["metrics"])
    assert requests(samples, "/api/accounts/{account_id}/history") == {"404": 3}
    assert requests(samples, "/api/status") == {"401": 1}
    # a path no route took is not a label of its own: anyone could make up millions
    assert requests(samples, "unmatched") == {"404": 1}
    assert not any("12345" in str(labels) for _, labels in samples)
    latency = {
        dict(labels)["route"]: value
        for (name, labels), value in samples.items()
        if name == "stethoscope_http_request_duration_seconds_count"
    }
    assert latency["/api/accounts/{account_id}/history"] == 3
    assert all(
        value > 0
        for (name, labels), value in samples.items()
        if name == "stethoscope_http_request_duration_seconds_sum"
    )


def test_every_answer_says_its_request_id(api: Api) -> None:
    ids = {api.get("/healthz").headers["x-request-id"] for _ in range(3)}
    assert len(ids) == 3
    assert all(len(i) == 16 for i in ids)


def test_ingest_calls_are_counted_accepted_and_refused(api: Api, keys: dict[str, str]) -> None:
    ingest = bearer(keys["ingest"])
    good = {"type": "track", "userId": "u1", "event": "Clicked"}
    batch = {"batch": [good, good | {"event": ""}, good]}
    assert api.post("/v1/batch", json=batch, headers=ingest).status_code == 400
    assert api.post("/v1/track", json=good, headers=ingest).status_code == 200
    assert api.post("/v1/track", json={"event": "no user"}, headers=ingest).status_code == 400
    samples = scrape(api, keys["metrics"])
    assert samples[("stethoscope_ingest_calls_total", (("outcome", "accepted"),))] == 3
    assert samples[("stethoscope_ingest_calls_total", (("outcome", "refused"),))] == 2


def test_the_outbox_depth_is_read_from_the_store(api: Api, project: Project) -> None:
    now = dt.datetime(2025, 1, 1)
    for status in ("pending", "pending", "retrying", "sent", "skipped"):
        project.store.con.execute(
            "INSERT INTO deliveries (kind, channel, body, digest, status, attempts, due_at, "
            "created_at) VALUES ('alert', 'email', 'b', false, ?, 0, ?, ?)",
            [status, now, now],
        )
    samples = scrape(api)
    assert samples[("stethoscope_outbox_deliveries", (("status", "pending"),))] == 2
    assert samples[("stethoscope_outbox_deliveries", (("status", "retrying"),))] == 1


@pytest.fixture
def scored(built: Path, tmp_path: Path) -> Iterator[Project]:
    """A copy of the service tests' scored book."""
    shutil.copytree(built, tmp_path / "book")
    with Project.open(tmp_path / "book") as p:
        yield p


def test_runs_finished_since_the_server_started_are_a_histogram(scored: Project) -> None:
    api = Api(create_app(scored, TOKEN))  # the runs of the built book came before
    samples = scrape(api)
    assert not any(name.startswith("stethoscope_run_duration") for name, _ in samples)
    scored.run(as_of=END, trigger="api")
    scored.run(as_of=END - dt.timedelta(days=1), trigger="api")
    for _ in range(2):  # each run counts once, however often it is scraped
        samples = scrape(api)
    labels = (("status", "ok"), ("trigger", "api"))
    assert samples[("stethoscope_run_duration_seconds_count", labels)] == 2
    assert samples[("stethoscope_run_duration_seconds_sum", labels)] > 0
    assert samples[("stethoscope_run_duration_seconds_bucket", (("le", "+Inf"), *labels))] == 2


def test_a_store_out_of_reach_leaves_the_other_series(api: Api, project: Project) -> None:
    assert scrape(api)[("stethoscope_store_up", ())] == 1
    project.store.con.execute("ALTER TABLE deliveries RENAME TO deliveries_away")
    samples = scrape(api)
    assert samples[("stethoscope_store_up", ())] == 0
    assert not any(name == "stethoscope_outbox_deliveries" for name, _ in samples)
    assert requests(samples, "/metrics") == {"200": 1}

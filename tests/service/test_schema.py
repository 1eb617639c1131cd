"""The REST API against its own OpenAPI schema: schemathesis sends generated requests over
HTTP to every operation of the real app, served as the server serves it, on a small scored
book, as admin, and checks that none answers a server error and that every answer is
documented (status, content type, body)."""

from __future__ import annotations

import datetime as dt
import itertools
import os
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from stethoscope.model.presets import preset_text
from stethoscope.project import Project
from stethoscope.service.app import create_app
from tests.service.conftest import TOKEN, bearer
from tests.serving import InThread

if TYPE_CHECKING:
    # imported where used: 1 s of imports for each process that collects this file
    import schemathesis
    from schemathesis import Case

END = dt.date(2025, 6, 30)
# generated requests per operation and generation mode: 6 (about 500 requests over 82
# operation-modes; 12 took twice as long, 16 s of a suite's 465) keeps every operation
# fuzzed on each run for 8 s on 2 cores; STETHOSCOPE_SCHEMA_EXAMPLES=200 searches deeper
# by hand
EXAMPLES = int(os.environ.get("STETHOSCOPE_SCHEMA_EXAMPLES", "6"))
FRAMING = ("content-length", "transfer-encoding")


@pytest.fixture(scope="module")
def api_schema(tmp_path_factory: pytest.TempPathFactory) -> Iterator[schemathesis.BaseSchema]:
    import schemathesis

    folder = tmp_path_factory.mktemp("schema-book")
    (folder / "stethoscope.toml").write_text('database_url = "stethoscope.duckdb"\n')
    (folder / "model.yaml").write_text(preset_text("successscore"))
    with Project.open(folder) as project:
        project.load_demo(accounts=20, months=3, end=END)
        project.run(as_of=END)
        # as the server runs it, over HTTP: behind the hot path (service.hot_path)
        with InThread(create_app(project, TOKEN)) as url:
            yield schemathesis.openapi.from_url(f"{url}/api/openapi.json")


def test_every_operation_conforms_to_schema(
    api_schema: schemathesis.BaseSchema, subtests: pytest.Subtests
) -> None:
    from hypothesis import given, settings
    from schemathesis import GenerationMode, checks

    every = [
        checks.not_a_server_error,
        checks.status_code_conformance,
        checks.content_type_conformance,
        checks.response_schema_conformance,
    ]
    # the lazy pytest integration (schemathesis.pytest.from_fixture) fails on pytest 9:
    # each operation runs as a subtest of this test instead
    schema = (
        # these two replace or erase the book that the other operations read
        api_schema.exclude(method="POST", path="/api/demo")
        .exclude(method="POST", path="/api/admin/forget")
        # a run scores every day from `from` to `to`: a generated span of centuries runs
        # for hours (test_api covers it)
        .exclude(method="POST", path="/api/runs")
    )
    for result, mode in itertools.product(schema.get_all_operations(), GenerationMode):
        operation = result.ok()
        inputs = (operation.path_parameters, operation.query, operation.body)
        if mode is GenerationMode.NEGATIVE and not any(inputs):
            continue  # nothing to send wrong

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(max_examples=EXAMPLES, deadline=None)
        def conforms(case: Case) -> None:
            # the headers that frame a request are the HTTP layer's: uvicorn's parser
            # refuses a malformed one (400, text/plain) before any application runs
            for framing in FRAMING:
                case.headers.pop(framing, None)
            case.call_and_validate(headers=bearer(TOKEN), checks=every)

        with subtests.test(operation.label, mode=mode.value):
            conforms()

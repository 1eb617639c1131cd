"""The dashboard's read-outs give the same pages on DuckDB and on Postgres."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.encoders import jsonable_encoder

from stethoscope.model.presets import preset_text
from stethoscope.service.web import model_page, today_page, views
from stethoscope.store.worklist import Filters
from tests.conftest import open_project
from tests.web.test_tasks import RULES

END = dt.date(2025, 6, 30)


def _pages(request: pytest.FixtureRequest, store: str, folder: Path) -> dict[str, Any]:
    folder.mkdir()
    with open_project(request, store, folder) as p:
        p.model_path().write_text(preset_text("successscore"))
        p.load_demo(accounts=30, months=3, end=END)
        p.run(start=END - dt.timedelta(days=7), end=END)
        p.add_input(p.scores(limit=1)[0].account_id, "gut_check", "3", reason="checked", author="t")
        first = p.scores(limit=1)[0]
        owner, account = first.owner, first.account_id
        out = {
            "portfolio": views.portfolio(p),
            "mine": views.portfolio(p, owner=owner),
            "by_trend": views.accounts(p, sort="change_7d", descending=True),
            "searched": views.accounts(p, search=first.name[1:5].upper(), owner=owner),
            "by_name": views.accounts(p, sort="name", band="red"),
            "account": views.account(p, account),
            "model": model_page.model_view(p),
        }
        # the owner's day, with a task on each of their accounts
        p.model_path().write_text(p.model_path().read_text() + RULES)
        p.evaluate_alerts()
        out["today"] = today_page.today(p, owner)
        # the worklist: everyone's by ARR, and filtered on a joined column
        for name, filters in (("worklist", Filters()), ("worklist_arr", Filters(arr_min=1))):
            rows, total = p.task_worklist(filters, sort="arr", descending=True, limit=10)
            keys = ("account_id", "account_name", "arr", "score", "band", "rule", "title")
            out[name] = {"total": total, "rows": [[r[k] for k in keys] for r in rows]}
    out = jsonable_encoder(out)  # as the pages answer with ?format=json
    # ids and times that differ by nature between two stores
    for key in ("inputs", "audit"):
        out["account"].pop(key)
    for v in out["model"]["versions"]:
        v.pop("created_at")
    for t in out["today"]["tasks"]:  # numbered in the order each store made them
        t.pop("id")
    return json.loads(json.dumps(out, default=str))


@pytest.mark.postgres
def test_the_pages_agree_on_both_stores(request: pytest.FixtureRequest, tmp_path: Path) -> None:
    duck = _pages(request, "duckdb", tmp_path / "duck")
    pg = _pages(request, "postgres", tmp_path / "pg")
    for page in duck:
        assert pg[page] == duck[page], page
    assert duck["portfolio"]["accounts"] > 0
    assert duck["account"]["explanation"]["measures"]
    assert duck["searched"]["total"] > 0
    assert duck["today"]["changes"]
    assert duck["today"]["tasks"]
    assert duck["worklist"]["total"] >= duck["worklist_arr"]["total"] > 0

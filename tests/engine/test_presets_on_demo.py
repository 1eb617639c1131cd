"""Every preset scores the demo book, and explain adds up exactly for every account."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from stethoscope.engine.explain import explain_row
from stethoscope.model.presets import list_presets, preset_text
from stethoscope.project import Project
from stethoscope.store.results import detail_table, row_dicts
from tests.conftest import DemoBook

END = dt.date(2025, 6, 30)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory, demo_book: DemoBook) -> Path:
    # the same book as the other of test_backtest_demo and test_presets_on_demo: made once
    return demo_book(tmp_path_factory.mktemp("demo"), accounts=300, months=12, end=END)


@pytest.mark.parametrize("preset", list_presets())
def test_preset_scores_the_demo_book_and_explains_exactly(demo: Path, preset: str) -> None:
    (demo / "model.yaml").write_text(preset_text(preset))
    with Project.open(demo) as p:
        model = p.load_model()
        r = p.run(as_of=END)
        assert r.accounts > 200
        for score, bands in r.bands.items():
            # every band of the model is used, and no active account is left unscored
            assert set(bands) == {b.name for b in model.bands}, (score, bands)
        rows = row_dicts(
            p.store.con, f'SELECT * FROM "{detail_table(model.version)}" WHERE as_of = ?', [END]
        )
    assert len(rows) == r.accounts
    for row in rows:
        for score in model.scores:
            e = explain_row(model, row, score)
            if e.score is None:
                continue
            total = round(sum(m.contribution for m in e.measures) + e.floor, model.scale.decimals)
            assert total == e.score, (preset, score, row["account_id"])

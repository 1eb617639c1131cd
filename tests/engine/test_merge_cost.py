"""Compiling counts Ibis's cost of merging SELECTs once per node (engine.merge_cost): every
relation of a model's frame scores what Ibis's own ``complexity`` gives it, and the SQL is
the same text as Ibis's own count makes, for each store's dialect."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from stethoscope import runner
from stethoscope.engine import dialects, merge_cost
from stethoscope.engine.scoring import score_frame
from stethoscope.model.presets import preset_text
from stethoscope.project import Project


@pytest.mark.parametrize("dialect", ["duckdb", "postgres"])
def test_the_count_once_is_ibiss_count_and_compiles_the_same_sql(
    tmp_path: Path, dialect: str
) -> None:
    import ibis.expr.operations as ops
    from ibis.backends.sql import rewrites
    from ibis.backends.sql.rewrites import sqlize

    (tmp_path / "model.yaml").write_text(preset_text("four-signals"))
    with Project.open(tmp_path) as p:
        model = p.load_model()
        day = dialects.param(dialects.AS_OF, dt.date, dialect).name("as_of_date")
        backend = dialects.Target(runner._tables(p.store.con), dialect)
        frame = score_frame(backend, model, day)
        # Ibis's own count, before any compile of ours has put the count-once in its place
        own = merge_cost._ibis_own or rewrites.complexity
        assert own is not merge_cost._complexity
        # the relations Ibis merges are those of the lowered graph (sqlize without merging)
        lowered, _ = sqlize(frame.unbind().op(), {}, fuse_selects=False)
        relations = lowered.find(ops.Relation)
        assert len(relations) > 20
        seen: dict[object, int] = {}
        for r in relations:
            assert merge_cost.score(r, seen) == own(r)
        counted_once = dialects.to_sql(frame, dialect)
        assert counted_once == dialects._to_sql(frame, dialect)  # outside: Ibis's own count
        assert rewrites.complexity is merge_cost._complexity

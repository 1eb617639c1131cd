"""One engine SQL for every Ibis backend (engine.dialects), compiled without any of them:
the golden model's frame and backfill compile for Spark, Trino, Snowflake and BigQuery from
the store's own schemas, parse back in each dialect, call no Ibis UDF, write Spark's float
literals as doubles, and take their run parameters as each backend knows them."""

from __future__ import annotations

import datetime as dt
import functools
import importlib.util
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlglot
from sqlglot import exp

from stethoscope import runner
from stethoscope.engine import dialects
from stethoscope.model.presets import preset_text
from stethoscope.project import Project
from tests.engine.test_golden import GOLDEN

LITERAL = ["trino", "snowflake", "bigquery"]
SPARK = pytest.param(
    "pyspark",
    marks=pytest.mark.skipif(
        importlib.util.find_spec("pyspark") is None, reason="PySpark is not installed"
    ),
)


@pytest.fixture(scope="module")
def golden(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Project]:
    folder = tmp_path_factory.mktemp("golden")
    (folder / "model.yaml").write_text((GOLDEN / "model.yaml").read_text())
    with Project.open(folder) as p:
        yield p


@pytest.fixture(scope="module")
def compiled(golden: Project) -> Callable[[str], list[str]]:
    """compiled(dialect) -> the golden model's frame, backfill frame and stages in that
    dialect, compiled once for the module (1-2 s a dialect)."""

    @functools.cache
    def texts(dialect: str) -> list[str]:
        model = golden.load_model()
        backfill = runner.backfill_sql(golden.store.con, model, dialect=dialect)
        frame = runner.frame_sql(golden.store.con, model, keep=False, dialect=dialect)
        return [frame, backfill.frame, *(x for _, x in backfill.stages)]

    return texts


def _calls(sql: str, dialect: str) -> set[str]:
    tree = sqlglot.parse_one(sql, dialect=dialects.SQLGLOT.get(dialect, dialect))
    return {str(f.this).lower() for f in tree.find_all(exp.Anonymous)}


@pytest.mark.parametrize("dialect", [SPARK, *LITERAL])
def test_the_frame_compiles_without_udfs(
    compiled: Callable[[str], list[str]], dialect: str
) -> None:
    texts = compiled(dialect)
    assert len(texts) >= 3  # the golden model's backfill stages scans
    for sql in texts:
        calls = _calls(sql, dialect)
        assert not any(c.startswith("unwrap_json") for c in calls), calls
        assert "udf" not in sql.lower()


def test_spark_reads_session_variables_and_doubles(compiled: Callable[[str], list[str]]) -> None:
    pytest.importorskip("pyspark")
    sql = compiled("pyspark")[0]
    tree = sqlglot.parse_one(sql, dialect="spark")
    assert "system.session.stethoscope_as_of" in sql
    assert "getvariable" not in sql.lower()
    floats = [
        lit
        for lit in tree.find_all(exp.Literal)
        if not lit.is_string and any(c in lit.this for c in ".eE")
    ]
    assert floats
    # every float literal is a double: bare, Spark would type 25.0 as DECIMAL(3, 1)
    assert all(isinstance(lit.parent, exp.Cast) for lit in floats)
    assert all(lit.parent.to.this == exp.DataType.Type.DOUBLE for lit in floats)  # type: ignore[union-attr]
    # the table names are the run's views, unqualified
    assert all(t.args.get("db") is None for t in tree.find_all(exp.Table))


@pytest.mark.parametrize("dialect", LITERAL)
def test_a_backend_without_variables_gets_the_date_as_a_literal(
    compiled: Callable[[str], list[str]], dialect: str
) -> None:
    sql = compiled(dialect)[0]
    assert "getvariable" in sql.lower()  # compiled once, per model, with its parameters
    bound = dialects.bind(
        sql, dialect, {dialects.AS_OF: dt.date(2024, 6, 30), dialects.RUN_ID: "r-1"}
    )
    assert "getvariable" not in bound.lower()
    assert "2024-06-30" in bound
    assert "'r-1'" in bound
    sqlglot.parse_one(bound, dialect=dialect)


def test_a_parameter_the_engine_did_not_write_is_refused() -> None:
    sql = "SELECT getvariable('something_else') AS x"
    with pytest.raises(AssertionError):
        dialects.bind(sql, "trino", {})


def test_the_store_dialects_compile_as_before(golden: Project, tmp_path: Path) -> None:
    """DuckDB keeps its variables; Postgres its settings and fenced subqueries."""
    model = golden.load_model()
    duck = runner.frame_sql(golden.store.con, model, keep=False, dialect="duckdb")
    pg = runner.frame_sql(golden.store.con, model, keep=False, dialect="postgres")
    assert "getvariable('stethoscope_as_of')" in duck.lower()
    assert "current_setting('stethoscope.as_of')" in pg.lower()
    assert "OFFSET 0" in pg


def test_spark_reads_a_json_key_with_its_builtin_function(tmp_path: Path) -> None:
    pytest.importorskip("pyspark")
    (tmp_path / "model.yaml").write_text(preset_text("four-signals"))
    with Project.open(tmp_path) as p:
        sql = runner.frame_sql(p.store.con, p.load_model(), keep=False, dialect="pyspark")
    assert "GET_JSON_OBJECT(CAST(" in sql.upper()  # attributes.regulated

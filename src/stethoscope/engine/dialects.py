"""The engine's SQL for each Ibis backend: one expression, compiled per dialect.

The model compiles to one Ibis expression (``scoring.score_frame``) whatever runs it. What
differs between backends is settled here, once, so every engine reads the same numbers:

- **Run parameters** (the as-of date, the run id, a backfill's first and last date) are
  values each backend knows by name, so that the SQL is compiled once per model and only the
  values change from date to date: DuckDB variables (``getvariable``), Postgres settings
  (``current_setting``), Spark 4 session variables (``system.session.<name>``, set with
  ``SET VAR``). Backends without such a thing (Trino, Snowflake, BigQuery) get the values
  written into the text as literals for each date (``bind``).
- **Float literals** on Spark: Ibis writes ``25.0``, which Spark types DECIMAL(3, 1), so a
  weight divided by a sum of such literals was divided in decimal arithmetic and lost digits
  (up to 4.7e-9 on the demo book's contributions). Written ``CAST(25.0 AS DOUBLE)`` they are
  doubles, as on DuckDB and Postgres.
- **JSON keys** are read with each backend's builtin function (``engine.properties``), never
  an Ibis UDF: on Spark Ibis compiles them to ``UNWRAP_JSON_STR``, which exists only while
  Ibis itself runs the query, so stored SQL text would not run.
- **Rounding** happens on a DECIMAL (``rollup.scaled``): every engine then rounds the same
  decimal digits half away from zero.
- **Postgres** keeps every subquery as written (``fenced``), or its planner takes minutes.

A ``Target`` compiles the model for one dialect while reading the table schemas from
another backend (the store's own tables): nothing of the target need be reachable.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import ibis.expr.types as ir
    from ibis.backends import BaseBackend
    from sqlglot import exp

AS_OF = "stethoscope_as_of"
RUN_ID = "stethoscope_run_id"
# the first and last date of a backfill, for the rows it stages
FROM = "stethoscope_from"
TO = "stethoscope_to"
PARAMS = (AS_OF, RUN_ID, FROM, TO)
# On Postgres the same values are custom settings of the session (set_config)
SETTINGS = {
    AS_OF: "stethoscope.as_of",
    RUN_ID: "stethoscope.run_id",
    FROM: "stethoscope.from",
    TO: "stethoscope.to",
}
# Ibis's name of a backend -> sqlglot's name of its dialect, where they differ
SQLGLOT = {"pyspark": "spark", "postgres": "postgres"}
# backends with named values of their own; the others get literals (``bind``)
NAMED = ("duckdb", "postgres", "pyspark")


class Target:
    """The tables of ``tables`` (a backend: the store), compiled for ``name``'s dialect
    (an Ibis backend name: duckdb, postgres, pyspark, trino, snowflake, bigquery)."""

    def __init__(self, tables: BaseBackend, name: str) -> None:
        self._tables = tables
        self.name = name
        # each table's schema is read once per compile: a model reads events in most of
        # its scans, and each read asked the store again (a twentieth of a compile)
        self._read: dict[str, ir.Table] = {}

    def table(self, name: str) -> ir.Table:
        if name not in self._read:
            self._read[name] = self._tables.table(name)
        return self._read[name]


def param(name: str, dtype: type, dialect: str) -> Any:
    """A run parameter in an Ibis expression (see the module doc). DuckDB folds a variable
    into the plan as a constant, so filters on it still prune."""
    import ibis

    if dialect == "postgres":

        @ibis.udf.scalar.builtin(name="current_setting")  # type: ignore[untyped-decorator]
        def setting(name: str) -> str:  # type: ignore[empty-body]
            ...

        value = setting(SETTINGS[name])
        return value.cast("date") if dtype is dt.date else value

    # elsewhere a call that `to_sql` turns into the backend's own reference (or a literal)
    if dtype is dt.date:

        @ibis.udf.scalar.builtin(name="getvariable")  # type: ignore[untyped-decorator]
        def get(name: str) -> dt.date:  # type: ignore[empty-body]
            ...

    else:

        @ibis.udf.scalar.builtin(name="getvariable")  # type: ignore[untyped-decorator]
        def get_text(name: str) -> str:  # type: ignore[empty-body]
            ...

        return get_text(name)
    return get(name)


def to_sql(expr: ir.Expr, dialect: str) -> str:
    """The SQL of ``expr`` for ``dialect`` (an Ibis backend name), as the module doc says."""
    from stethoscope.engine.merge_cost import counting_once

    with counting_once():
        return _to_sql(expr, dialect)


def _to_sql(expr: ir.Expr, dialect: str) -> str:
    import ibis

    if dialect == "postgres":
        # fenced on the tree Ibis compiles to, not on its text: parsing 100-150 kB of SQL
        # back cost as much again as compiling it (0.4-0.6 s a model, measured); the
        # text is the same but for the case of a keyword (EXTRACT(epoch ...))
        import ibis.backends.sql.compilers as sc

        return fenced(sc.postgres.compiler.to_sqlglot(expr.unbind())).sql(dialect="postgres")
    if dialect == "pyspark" and getattr(ibis.options, "pyspark", None) is None:
        # Ibis's PySpark compiler reads options that loading its backend registers
        ibis.pyspark  # noqa: B018
    sql = ibis.to_sql(expr, dialect=dialect)
    if dialect == "pyspark":
        # on text, as Spark reads it: the tree Ibis compiles to is not the one
        # sqlglot parses from its text (casts and literals differ)
        return _spark(sql)
    return str(sql)


def _spark(sql: str) -> str:
    """Spark SQL with float literals as doubles and run parameters as session variables,
    table names unqualified (they name the run's temporary views)."""
    import sqlglot
    from sqlglot import exp

    tree = sqlglot.parse_one(sql, dialect="spark")

    def fix(node: exp.Expression) -> exp.Expression:
        if (
            isinstance(node, exp.Literal)
            and not node.is_string
            and _is_float(node.this)
            and not isinstance(node.parent, exp.Cast)
        ):
            return exp.cast(node.copy(), exp.DataType.build("double"))
        if isinstance(node, exp.Anonymous) and str(node.this).lower() == "getvariable":
            return exp.column(_param_name(node), table="session", db="system")
        if isinstance(node, exp.Table) and node.args.get("db") is not None:
            node.set("db", None)
            node.set("catalog", None)
        return node

    return tree.transform(fix).sql(dialect="spark")


def _is_float(text: str) -> bool:
    return any(c in text for c in ".eE")


def _param_name(call: Any) -> str:
    name = call.expressions[0].this
    if name not in PARAMS:  # ours only: a getvariable the engine did not write
        raise AssertionError(name)
    return str(name)


def bind(sql: str, dialect: str, values: dict[str, dt.date | str]) -> str:
    """``sql`` with its run parameters written as literals of ``values``, for a backend
    without named values (Trino, Snowflake, BigQuery). Values are dates and run ids (ours),
    rendered by sqlglot as literals, never pasted as text."""
    import sqlglot
    from sqlglot import exp

    glot = SQLGLOT.get(dialect, dialect)
    tree = sqlglot.parse_one(sql, dialect=glot)

    def fix(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.Anonymous) and str(node.this).lower() == "getvariable":
            value = values[_param_name(node)]
            if isinstance(value, dt.date):
                return exp.cast(exp.Literal.string(value.isoformat()), exp.DataType.build("date"))
            return exp.Literal.string(value)
        return node

    return tree.transform(fix).sql(dialect=glot)


def fenced(tree: exp.Expression) -> exp.Expression:
    """The query ``tree`` (sqlglot's) with every subquery kept as written (``OFFSET 0``,
    which changes no row).

    Ibis nests one SELECT per step of the model; Postgres pulls nested subqueries up into
    their parent, copying each expression into every place that uses it, and planning the
    frame of a larger model then took minutes instead of milliseconds."""
    from sqlglot import exp

    for sub in tree.find_all(exp.Subquery):
        inner = sub.this
        if (
            isinstance(inner, exp.Select)
            and not inner.args.get("offset")
            and not inner.args.get("limit")
        ):
            inner.set("offset", exp.Offset(expression=exp.Literal.number(0)))
    return tree

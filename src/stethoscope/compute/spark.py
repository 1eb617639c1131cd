"""Spark as the compute engine (``compute = "spark"``): the model's SQL on a Spark session.

The SQL is the one every engine runs (``engine.dialects``, compiled for ``pyspark``): the
run parameters are Spark 4 session variables, float literals doubles, JSON keys read with
``get_json_object``, scores rounded as decimals. A run reads its tables as temporary
views named as the contract's tables:

- a table mapped in ``spark_tables`` is read in place: a catalog table (``lake.events``) or
  files with their format (``parquet:/data/events``, ``delta:s3://bucket/events``);
- any other table the SQL reads travels from the store as Arrow, once per run: the CSM
  inputs and attribute versions always (they live in the store), and the contract tables
  of a book that is in the store (small books, tests);

and a backfill's staged rows are cached tables (``CACHE TABLE``: Spark has no temporary
tables). A date's frame comes back in one piece when the book has at most
``spark_batch_rows`` accounts; a larger one is computed once, kept by the executors, and
fetched in slices of about that many rows (by a hash of the account id), so this process
holds one slice at a time whatever the size of the book.

With ``spark_detail_path`` a backfill writes each date's frame as Parquet, a partition
``run_id=R/as_of=D`` of that folder, and reads back what the store keeps (runner.Away).

A session costs 6-8 s to start on a small machine, so one is made per process and kept
(``SparkSession.builder.getOrCreate`` returns the one already running, also one that a
test or a notebook made); ``release`` drops only the views of a run.
"""

from __future__ import annotations

import datetime as dt
import gc
import json
import logging
import math
import os
import re
import shutil
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from stethoscope.engine.dialects import PARAMS
from stethoscope.errors import ConfigError, EngineError

if TYPE_CHECKING:
    import pyarrow as pa
    from pyspark.sql import DataFrame, SparkSession

    from stethoscope.settings import Settings
    from stethoscope.store.database import Connection

log = logging.getLogger(__name__)

# a table of the SQL that is a run's own (staged rows), not a source
_OWN = re.compile(r"^stethoscope_")
# how a mapped table is read: a catalog name, or FORMAT:PATH
_FORMATS = ("parquet", "delta", "iceberg", "orc", "csv", "json", "avro")
_CATALOG_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*){0,2}$")
# the types of the run parameters' session variables
_TYPES = {"stethoscope_as_of": "DATE", "stethoscope_from": "DATE", "stethoscope_to": "DATE"}


def session(settings: Settings) -> SparkSession:
    """The process's Spark session for ``settings`` (made once, then the same)."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise EngineError(
            "compute = spark needs PySpark",
            hint="install it with `pip install 'stethoscope[spark]'` (and Java 17)",
        ) from None
    master = settings.spark_master
    builder: Any = SparkSession.builder
    if master.startswith("sc://"):
        builder = builder.remote(master)
    else:
        if not _java():
            raise EngineError(
                "compute = spark with a local or cluster master needs Java 17 (no `java` "
                "found on PATH or in JAVA_HOME)",
                hint="install a JDK 17 (e.g. apt-get install openjdk-17-jre-headless), or "
                "use Spark Connect: spark_master = 'sc://host:15002'",
            )
        builder = builder.master(master).appName("stethoscope")
        if master.startswith("local"):
            # a session in this process: no web UI, no progress bars on the terminal, and
            # as many shuffle partitions as cores (Spark's 200 are tasks of nothing here)
            cores = master.partition("[")[2].rstrip("]")
            builder = builder.config("spark.ui.enabled", "false").config(
                "spark.ui.showConsoleProgress", "false"
            )
            if cores.isdigit():
                builder = builder.config("spark.sql.shuffle.partitions", cores)
    builder = builder.config("spark.sql.session.timeZone", "UTC")
    for key, value in settings.spark_conf.items():
        builder = builder.config(key, value)
    spark: SparkSession = builder.getOrCreate()
    if master.startswith("local"):
        spark.sparkContext.setLogLevel("ERROR")
    # timestamps are UTC without a zone in the store: read and compared as such
    spark.conf.set("spark.sql.session.timeZone", "UTC")
    return spark


def _java() -> bool:
    home = os.environ.get("JAVA_HOME")
    if home and os.path.exists(os.path.join(home, "bin", "java")):
        return True
    return shutil.which("java") is not None


def tables_read(sql: list[str]) -> list[str]:
    """The source tables the Spark queries ``sql`` read (not the run's own), in order."""
    import sqlglot
    from sqlglot import exp

    names: dict[str, None] = {}
    for text in sql:
        tree = sqlglot.parse_one(text, dialect="spark")
        ctes = {c.alias_or_name for c in tree.find_all(exp.CTE)}
        for t in tree.find_all(exp.Table):
            if not _OWN.match(t.name) and t.name not in ctes:
                names[t.name] = None
    return list(names)


def mapped_source(table: str, source: str) -> tuple[str, str]:
    """(format, path) of a ``spark_tables`` entry, format ``table`` for a catalog name;
    a ConfigError saying what is expected otherwise."""
    fmt, sep, path = source.partition(":")
    if sep and fmt.lower() in _FORMATS and path:
        return fmt.lower(), path
    if _CATALOG_NAME.match(source):
        return "table", source
    raise ConfigError(
        f"spark_tables.{table}: expected a catalog table (db.table) or FORMAT:PATH with a "
        f"format of {', '.join(_FORMATS)} (parquet:/data/{table}), got {source!r}",
        hint="see docs/concepts/scale.md",
    )


class SparkCompute:
    """The Compute protocol (``stethoscope.compute``) on a Spark session."""

    dialect = "pyspark"

    def __init__(self, spark: SparkSession, settings: Settings) -> None:
        self.spark = spark
        self.tables = dict(settings.spark_tables)
        self.batch_rows = settings.spark_batch_rows
        self.detail_path = settings.spark_detail_path.partition(":")[2].rstrip("/")
        for name, source in self.tables.items():
            mapped_source(name, source)  # every problem before a run starts
        self._views: list[str] = []
        self._cached: list[DataFrame] = []
        self._declared = False

    @classmethod
    def open(cls, settings: Settings) -> SparkCompute:
        return cls(session(settings), settings)

    def _sql(self, text: str, args: dict[str, Any] | None = None) -> DataFrame:
        return self.spark.sql(text, args) if args else self.spark.sql(text)

    def publish(self, con: Connection, sql: list[str]) -> None:
        for name in tables_read(sql):
            if name in self.tables:
                fmt, path = mapped_source(name, self.tables[name])
                if fmt == "table":
                    if path == name:  # the catalog's table of the same name: read as is
                        continue
                    df = self.spark.table(path)
                else:
                    df = self.spark.read.format(fmt).load(path)
            else:
                # from the store: the rows as they are now, in this run's view of them
                df = self.spark.createDataFrame(_store_rows(con, name)).cache()
                self._cached.append(df)
            df.createOrReplaceTempView(name)
            self._views.append(name)

    def _declare(self) -> None:
        if self._declared:
            return
        for name in PARAMS:
            kind = _TYPES.get(name, "STRING")
            self._sql(f"DECLARE OR REPLACE VARIABLE {name} {kind}")
        self._declared = True

    def quote(self, name: str) -> str:
        return "`" + name.replace("`", "``") + "`"

    def set(self, name: str, value: dt.date | str) -> None:
        if name not in PARAMS:
            raise AssertionError(name)
        self._declare()
        # the value is bound as a parameter of the statement, never written into it
        kind = _TYPES.get(name, "STRING")
        self._sql(f"SET VAR {name} = CAST(:value AS {kind})", {"value": value})

    def stage(self, name: str, sql: str) -> None:
        self.unstage(name)
        self._sql(f"CACHE TABLE {name} AS {sql}")

    def unstage(self, name: str) -> None:
        self._sql(f"UNCACHE TABLE IF EXISTS {name}")
        self._sql(f"DROP VIEW IF EXISTS {name}")

    def batches(self, sql: str) -> Iterator[pa.RecordBatch]:
        return self._fetch(self._sql(sql))

    def keep(self, sql: str, location: str) -> None:
        # the run id and date are the partition's path, not columns of its files
        frame = self._sql(sql).drop("run_id", "as_of")
        with _collecting():
            frame.write.mode("overwrite").parquet(location)

    def kept(self, location: str, columns: list[str] | None) -> Iterator[pa.RecordBatch]:
        base = location.rsplit("/run_id=", 1)[0]
        frame = self.spark.read.option("basePath", base).parquet(location)
        return self._fetch(frame.select(*columns) if columns else frame)

    def discard(self, location: str) -> None:
        jvm = getattr(self.spark, "_jvm", None)
        if jvm is None:  # Spark Connect: no file system here; the partitions are ignored
            log.warning("a failed run's detail is left at %s (no run points at it)", location)
            return
        path = jvm.org.apache.hadoop.fs.Path(location)
        path.getFileSystem(self.spark._jsc.hadoopConfiguration()).delete(path, True)

    def _fetch(self, frame: DataFrame) -> Iterator[pa.RecordBatch]:
        from pyspark import StorageLevel
        from pyspark.sql import functions as F

        # the frame has a row per active account: at most one per account
        with _collecting():
            accounts = int(self._sql("SELECT count(*) FROM accounts").collect()[0][0])
        if accounts <= self.batch_rows:
            # one fetch (caching the frame first took 3-4 times as long, measured)
            with _collecting():
                rows = frame.toArrow()
            yield from rows.to_batches()
            return
        # computed once, kept by the executors, fetched a slice at a time
        frame = frame.persist(StorageLevel.MEMORY_AND_DISK)
        try:
            with _collecting():
                slices = max(1, math.ceil(frame.count() / self.batch_rows))
            key = F.pmod(F.xxhash64("account_id"), F.lit(slices))
            for i in range(slices):
                with _collecting():
                    rows = frame.filter(key == i).toArrow()
                yield from rows.to_batches()
        finally:
            frame.unpersist()

    def release(self) -> None:
        for name in self._views:
            self.spark.catalog.dropTempView(name)
        for df in self._cached:
            df.unpersist()
        self._views, self._cached = [], []


@contextmanager
def _collecting() -> Iterator[None]:
    """A block that brings results back from a local session: PySpark leaves the socket
    each result came through to the garbage collector ("closed when garbage-collected",
    pyspark.util), which then warns of it; they are collected here, quietly."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        try:
            yield
        finally:
            gc.collect()


def _store_rows(con: Connection, table: str) -> pa.Table:
    """A store table's rows as Arrow (JSON travels as text)."""
    import pyarrow as pa

    from stethoscope.contract.schema import q
    from stethoscope.store.database import dialect

    if dialect(con) == "duckdb":
        # the store's own connection, which shows a source read in place (a temporary
        # view); a statement first, as DuckDB 2.0 refuses `sql` while a result its caller
        # left unread is pending
        con.execute("SELECT 1").fetchall()
        rows: pa.Table = con.sql(f"SELECT * FROM {q(table)}").to_arrow_table()  # type: ignore[attr-defined]
        return rows
    cur = con.execute(f"SELECT * FROM {q(table)}")
    rows = cur.fetchall()
    names = [str(d[0]) for d in cur.description or ()]
    types = _arrow_types(con, table, names)
    raw = list(zip(*rows, strict=True)) if rows else [() for _ in names]
    # JSONB arrives as Python objects: as its JSON text, as DuckDB hands it over
    columns = [
        [json.dumps(v) if isinstance(v, dict | list) else v for v in c]
        if t == pa.string()
        else list(c)
        for c, t in zip(raw, types, strict=True)
    ]
    return pa.table(
        {n: pa.array(list(c), type=t) for n, c, t in zip(names, columns, types, strict=True)}
    )


def _arrow_types(con: Connection, table: str, names: list[str]) -> list[pa.DataType]:
    """The Arrow types of a Postgres store table's columns (JSONB travels as text)."""
    import pyarrow as pa

    sql = (
        "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ? "
        "AND table_schema = current_schema()"
    )
    found = {str(n): str(t).upper() for n, t in con.execute(sql, [table]).fetchall()}

    def arrow(kind: str) -> pa.DataType:
        if kind in ("BIGINT", "INTEGER", "SMALLINT"):
            return pa.int64()
        if kind in ("DOUBLE PRECISION", "REAL"):
            return pa.float64()
        if kind == "DATE":
            return pa.date32()
        if kind.startswith("TIMESTAMP"):
            return pa.timestamp("us")
        if kind == "BOOLEAN":
            return pa.bool_()
        return pa.string()

    return [arrow(found.get(n, "TEXT")) for n in names]

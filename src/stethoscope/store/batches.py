"""Rows computed elsewhere (a compute engine's Arrow batches) written into a store table.

Columns go by name, into the table's own types: a run computed on Spark stores the same
columns, typed the same, as one computed by the store itself (``runner``). On DuckDB the
batch is read in place (a view on the Arrow data); on Postgres it is copied in (COPY).

On DuckDB the view is on a stream of the batch, not on the batch itself (``viewed``). A
view dropped inside a transaction stays in DuckDB's catalog until the transaction ends (it
could be rolled back), and with it the object it was made on: a view on the batch kept
every batch of a run's transaction alive, 0.3-0.5 GB a date at a million accounts, all
outside DuckDB's memory_limit; an import kept every batch of its file. A drained stream
holds nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from stethoscope.contract.schema import q
from stethoscope.store.database import PostgresConnection

if TYPE_CHECKING:
    import pyarrow as pa

    from stethoscope.store.database import Connection

_BATCH = "stethoscope_batch"


@contextmanager
def viewed(con: Any, name: str, batch: pa.RecordBatch) -> Iterator[None]:
    """``batch`` as the view ``name`` on the DuckDB connection ``con``, for one query that
    reads it once; a transaction around it keeps nothing of the batch once it is read."""
    import pyarrow as pa

    con.register(name, pa.RecordBatchReader.from_batches(batch.schema, [batch]))
    try:
        yield
    finally:
        con.unregister(name)


def insert(con: Connection, table: str, batch: pa.RecordBatch) -> int:
    """Append the rows of ``batch`` to ``table``, column by name; their number."""
    if batch.num_rows == 0:
        return 0
    if isinstance(con, PostgresConnection):
        names = batch.schema.names
        columns = [batch.column(i).to_pylist() for i in range(batch.num_columns)]
        with (
            con.raw.cursor() as cur,
            cur.copy(f"COPY {q(table)} ({', '.join(map(q, names))}) FROM STDIN") as copy,
        ):
            for row in zip(*columns, strict=True):
                copy.write_row(row)
        return int(batch.num_rows)
    with viewed(con, _BATCH, batch):
        con.execute(f"INSERT INTO {q(table)} BY NAME SELECT * FROM {_BATCH}").fetchall()
    return int(batch.num_rows)

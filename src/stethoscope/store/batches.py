"""Rows computed elsewhere (a compute engine's Arrow batches) written into a store table.

Columns go by name, into the table's own types: a run computed on Spark stores the same
columns, typed the same, as one computed by the store itself (``runner``). On DuckDB the
batch is read in place (a view on the Arrow data); on Postgres it is copied in (COPY).

On DuckDB the view is on a stream of the batch, not on the batch itself. A view dropped
inside a transaction stays in DuckDB's catalog until the transaction ends (it could be
rolled back), and with it the object it was made on: a view on the batch kept every batch
of a run's transaction alive, 0.3-0.5 GB a date at a million accounts, all outside DuckDB's
memory_limit. A drained stream holds nothing (docs/concepts/scale.md).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from stethoscope.contract.schema import q
from stethoscope.store.database import PostgresConnection

if TYPE_CHECKING:
    import pyarrow as pa

    from stethoscope.store.database import Connection

_BATCH = "stethoscope_batch"


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
    import pyarrow as pa

    stream = pa.RecordBatchReader.from_batches(batch.schema, [batch])
    con.register(_BATCH, stream)  # type: ignore[attr-defined]
    try:
        con.execute(f"INSERT INTO {q(table)} BY NAME SELECT * FROM {_BATCH}").fetchall()
    finally:
        con.unregister(_BATCH)  # type: ignore[attr-defined]
    return int(batch.num_rows)

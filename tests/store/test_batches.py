"""Arrow batches written into a store table (store.batches): a run computed on Spark writes
each date's scores this way, inside one transaction."""

from __future__ import annotations

import gc
from pathlib import Path

import pyarrow as pa

from stethoscope.store import batches
from stethoscope.store.duckdb_file import connect

ROWS = 50_000


def _batch(start: int) -> pa.RecordBatch:
    # built from Python objects, so every buffer is Arrow's own (counted by its allocator)
    ids = [f"acct-{i:08d}" for i in range(start, start + ROWS)]
    return pa.RecordBatch.from_pydict(
        {"band": ["green"] * ROWS, "score": list(range(ROWS)), "account_id": ids}
    )


def test_a_transaction_keeps_no_batch_it_has_written(tmp_path: Path) -> None:
    con = connect(tmp_path / "store.duckdb", timeout=5, memory_limit="1GB")
    con.execute("CREATE TABLE scores (account_id TEXT, score BIGINT, band TEXT)")
    gc.collect()
    before = pa.total_allocated_bytes()
    one = _batch(0).nbytes
    con.begin()
    for i in range(20):
        assert batches.insert(con, "scores", _batch(i * ROWS)) == ROWS
    gc.collect()
    held = pa.total_allocated_bytes() - before
    # DuckDB keeps a view dropped in a transaction until it ends: a view on each batch
    # kept all 20 (about 20 batches' bytes here) until the commit
    assert held < one, f"{held:,} bytes of Arrow data held after 20 batches of {one:,}"
    con.commit()
    # the columns went by name, whatever their order in the batch
    rows = con.execute(
        "SELECT count(*), count(DISTINCT account_id), max(score), min(band) FROM scores"
    ).fetchall()
    assert rows == [(20 * ROWS, 20 * ROWS, ROWS - 1, "green")]
    assert con.execute(
        "SELECT account_id, score FROM scores WHERE account_id = 'acct-00050001'"
    ).fetchall() == [("acct-00050001", 1)]
    con.close()

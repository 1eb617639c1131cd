"""Forgetting an account reaches the detail that runs keep in a lakehouse (store.lake).

Here on files laid out as Spark writes them (``run_id=R/as_of=D/part-*.parquet``, Hadoop's
checksum beside each), made without starting Spark, to reach what the Spark leg's books do
not hold: a ``parent_id`` column, a file without the account, a folder out of reach. The
Spark leg (test_spark.py) forgets an account in files Spark wrote and reads them back.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest

from stethoscope.errors import StoreError
from stethoscope.project import Project
from stethoscope.store.lake import DETAIL

DAYS = ("2025-06-29", "2025-06-30")


def _run_with_detail_at(p: Project, location: str) -> None:
    p.store.con.execute(
        "INSERT INTO runs (id, model_version, as_of_from, as_of_to, started_at, status, "
        "detail_location) VALUES ('r1', 'v1', DATE '2025-06-29', DATE '2025-06-30', "
        "TIMESTAMP '2025-07-01 00:00:00', 'ok', ?)",
        [location],
    ).fetchall()


def _lake(root: Path) -> Path:
    """Two dates of detail: a file holding account a (and a as the parent of b and c),
    with its checksum, and a file without it."""
    for day in DAYS:
        folder = root / f"as_of={day}"
        folder.mkdir(parents=True)
        rows = {"account_id": ["a", "b", "c"], "parent_id": [None, "a", "a"], "g": [1.0, 2.0, 3.0]}
        pq.write_table(pa.table(rows), folder / "part-00000.snappy.parquet")
        (folder / ".part-00000.snappy.parquet.crc").write_bytes(b"stale once rewritten")
        other = {"account_id": ["d"], "parent_id": ["b"], "g": [4.0]}
        pq.write_table(pa.table(other), folder / "part-00001.snappy.parquet")
    return root


def test_forget_rewrites_the_files_that_hold_the_account(project: Project, tmp_path: Path) -> None:
    location = _lake(tmp_path / "lake" / "run_id=r1")
    _run_with_detail_at(project, str(location))
    untouched = {d: (location / f"as_of={d}" / "part-00001.snappy.parquet").stat() for d in DAYS}

    erased = project.forget(account_id="a", actor="t")

    assert (erased.deleted[DETAIL], erased.updated[DETAIL]) == (2, 4)  # 2 dates
    rows = ds.dataset(location, format="parquet", partitioning="hive").to_table()
    got = sorted((str(r["as_of"]), r["account_id"], r["parent_id"]) for r in rows.to_pylist())
    assert got == [(d, a, p) for d in DAYS for a, p in (("b", None), ("c", None), ("d", "b"))]
    for d in DAYS:
        folder = location / f"as_of={d}"
        assert sorted(f.name for f in folder.iterdir()) == [
            "part-00000.snappy.parquet",  # rewritten, its old checksum gone
            "part-00001.snappy.parquet",
        ]
        assert (folder / "part-00001.snappy.parquet").stat() == untouched[d]  # not rewritten
        assert pq.ParquetFile(folder / "part-00000.snappy.parquet").schema_arrow == pa.schema(
            [("account_id", pa.string()), ("parent_id", pa.string()), ("g", pa.float64())]
        )
    # the audit log counts the lakehouse's rows with the store's
    (entry,) = project.audit(action="privacy.forget")
    assert entry.detail["deleted"][DETAIL] == 2


def test_a_lakehouse_out_of_reach_fails_the_erasure_and_changes_nothing(
    project: Project, tmp_path: Path
) -> None:
    (tmp_path / "accounts.csv").write_text("id,name,customer_since\na,Acme,2024-01-01\n")
    project.import_file("accounts", tmp_path / "accounts.csv")
    _run_with_detail_at(project, "nosuchfs://bucket/detail/run_id=r1")
    with pytest.raises(StoreError, match=r"^could not erase the account from the run detail"):
        project.forget(account_id="a", actor="t")
    assert project.store.con.execute("SELECT id FROM accounts").fetchall() == [("a",)]
    assert project.audit(action="privacy.forget") == []

"""The detail that runs keep in a lakehouse, as the store knows it: erasing an account there.

A backfill on Spark with ``spark_detail_path`` writes each date's frame as Parquet files in
a folder its run records (``runs.detail_location``, a partition ``as_of=D`` a date; see
runner.Away). Forgetting an account (store.privacy) must reach those files too: every file
that holds a row of the account is rewritten without it, and without the account's id as
``parent_id`` (emptied, as in the store's detail tables).

A file is rewritten beside itself under a hidden name (Spark and pyarrow skip names that
start with "." or "_") and renamed over the old one, so a reader sees the old file or the
new one, never a part: an atomic rename on a local or HDFS folder; on an object store the
new object replaces the old in one copy. The rows of a file stream through a batch at a
time, so a date of a million accounts needs no more memory than a batch.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from stethoscope.errors import StoreError

if TYPE_CHECKING:
    import pyarrow as pa
    import pyarrow.fs as pafs

    from stethoscope.store.database import Connection

# the name a file is written under before it replaces the original
_PART = ".forget-"
# how an erasure (store.privacy) names the rows of the detail kept in a lakehouse
DETAIL = "score_detail (lakehouse)"


@dataclass
class _Count:
    deleted: int = 0  # the account's rows
    updated: int = 0  # rows whose parent_id it was


def locations(con: Connection) -> list[str]:
    """The lakehouse folders that runs recorded as holding their detail."""
    rows = con.execute(
        "SELECT DISTINCT detail_location FROM runs WHERE detail_location IS NOT NULL ORDER BY 1"
    ).fetchall()
    return [str(r[0]) for r in rows]


def forget_account(con: Connection, account_id: str) -> tuple[dict[str, int], dict[str, int]]:
    """Rewrite every Parquet file of every run's lakehouse detail that holds ``account_id``
    (its rows, or it as a ``parent_id``) without it; the rows deleted and updated, as
    store.privacy counts them. A folder that is gone holds nothing; one that cannot be
    read is a StoreError, so that the erasure is not recorded as done (the files already
    rewritten stay so: forgetting again finishes the work)."""
    found = locations(con)
    if not found:
        return {}, {}
    import pyarrow as pa

    done = _Count()
    for location in found:
        try:
            fs, root = _filesystem(location)
            for path in _parquet_files(fs, root):
                _forget_in_file(fs, path, account_id, done)
        except (OSError, pa.ArrowException) as e:
            raise StoreError(
                f"could not erase the account from the run detail kept at {location}: {e}",
                hint="make the lakehouse folder reachable (its credentials, its mount) and "
                "run forget again; nothing of the erasure was recorded",
            ) from e
    deleted = {DETAIL: done.deleted} if done.deleted else {}
    return deleted, ({DETAIL: done.updated} if done.updated else {})


def _filesystem(location: str) -> tuple[pafs.FileSystem, str]:
    import pyarrow.fs as pafs

    if "://" in location:
        return pafs.FileSystem.from_uri(location)  # type: ignore[no-any-return]
    return pafs.LocalFileSystem(), location


def _parquet_files(fs: pafs.FileSystem, root: str) -> list[str]:
    import pyarrow.fs as pafs

    infos = fs.get_file_info(pafs.FileSelector(root, recursive=True, allow_not_found=True))
    return sorted(
        i.path
        for i in infos
        if i.type == pafs.FileType.File
        and i.base_name.endswith(".parquet")
        and not i.base_name.startswith((".", "_"))
    )


def _forget_in_file(fs: pafs.FileSystem, path: str, account_id: str, done: _Count) -> None:
    import pyarrow.compute as pc
    import pyarrow.fs as pafs
    import pyarrow.parquet as pq

    with fs.open_input_file(path) as f:
        reader = pq.ParquetFile(f)
        names = reader.schema_arrow.names
        keys = [c for c in ("account_id", "parent_id") if c in names]
        if "account_id" not in keys:
            return
        # a first look at the two id columns only: most files hold no row of the account
        ids = reader.read(columns=keys)
        found = {c: int(pc.sum(pc.equal(ids[c], account_id)).as_py() or 0) for c in keys}
        if not any(found.values()):
            return
        compression = reader.metadata.row_group(0).column(0).compression.lower()
        directory, name = path.rsplit("/", 1)
        part = f"{directory}/{_PART}{name}"
        with fs.open_output_stream(part) as out:
            # timestamps kept as they were written: Spark's INT96 as INT96 (Spark reads
            # no nanoseconds, which pyarrow would write them as otherwise)
            schema = reader.schema
            int96 = any(schema.column(i).physical_type == "INT96" for i in range(len(schema)))
            writer = pq.ParquetWriter(
                out,
                reader.schema_arrow,
                compression=compression,
                use_deprecated_int96_timestamps=int96,
            )
            for batch in reader.iter_batches():
                writer.write_batch(_without(batch, account_id))
            writer.close()
    # Hadoop's local file system keeps a checksum beside each file (.NAME.crc) and fails
    # a read whose bytes do not match it: the old file's goes first (a file without one
    # is read unchecked), then the new file takes the old one's place
    crc = f"{directory}/.{name}.crc"
    if fs.get_file_info(crc).type == pafs.FileType.File:
        fs.delete_file(crc)
    fs.move(part, path)
    done.deleted += found["account_id"]
    # a row of the account whose parent it is too is deleted, not counted as changed
    if "parent_id" in found:
        done.updated += found["parent_id"] - _own_children(ids, account_id)


def _without(batch: pa.RecordBatch, account_id: str) -> pa.RecordBatch:
    """``batch`` without the account's rows, and with its id emptied as a parent."""
    import pyarrow as pa
    import pyarrow.compute as pc

    keep = pc.invert(pc.fill_null(pc.equal(batch.column("account_id"), account_id), False))
    batch = batch.filter(keep)
    if "parent_id" not in batch.schema.names:
        return batch
    i = batch.schema.get_field_index("parent_id")
    parent = batch.column(i)
    emptied = pc.if_else(
        pc.fill_null(pc.equal(parent, account_id), False), pa.scalar(None, parent.type), parent
    )
    return batch.set_column(i, batch.schema.field(i), emptied)


def _own_children(ids: pa.Table, account_id: str) -> int:
    import pyarrow.compute as pc

    both = pc.and_(pc.equal(ids["account_id"], account_id), pc.equal(ids["parent_id"], account_id))
    return int(pc.sum(both).as_py() or 0)

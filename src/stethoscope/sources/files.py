"""A ``files`` source's table: Parquet or CSV files, a Delta table or an Iceberg table, opened
as an Arrow dataset that DuckDB scans where it lies (nothing is copied into the store).

CSV columns are read as text and typed by the contract's own rules (``contract.checks``),
as an import types them: an id like ``007`` stays ``007``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from stethoscope.errors import SourceError
from stethoscope.sources.config import TableSpec

if TYPE_CHECKING:
    import pyarrow.dataset as ds

_SUFFIXES = {".parquet": "parquet", ".pq": "parquet", ".csv": "csv", ".json": "iceberg"}
_GLOB = set("*?[")


def locate(project_dir: Path, spec: TableSpec) -> tuple[list[Path] | Path, str]:
    """The files (or the table's folder) ``spec.path`` names, and their format."""
    assert spec.path is not None
    raw = Path(spec.path).expanduser()
    base = raw if raw.is_absolute() else project_dir / raw
    if _GLOB & set(spec.path):
        anchor = Path(base.anchor)
        files = sorted(anchor.glob(str(base.relative_to(anchor))))
        if not files:
            raise SourceError(f"path {spec.path!r} matches no file")
        return files, spec.format or _format_of(files[0])
    if not base.exists():
        raise SourceError(f"path {spec.path!r}: no such file or folder ({base})")
    if base.is_dir():
        if spec.format:
            return base, spec.format
        if (base / "_delta_log").is_dir():
            return base, "delta"
        if (base / "metadata").is_dir():
            return base, "iceberg"
        found = sorted(p for p in base.rglob("*") if p.suffix.lower() in (".parquet", ".csv"))
        if not found:
            raise SourceError(f"folder {spec.path!r} holds no Parquet or CSV file")
        return base, _format_of(found[0])
    return [base], spec.format or _format_of(base)


def _format_of(path: Path) -> str:
    fmt = _SUFFIXES.get(path.suffix.lower())
    if fmt is None:
        raise SourceError(
            f"cannot tell the format of {path.name} from its name",
            hint="give format = parquet, csv, delta or iceberg",
        )
    return fmt


def relation(con: Any, project_dir: Path, spec: TableSpec) -> Any:
    """The table's rows as a DuckDB relation on ``con``, scanned where they lie each time a
    query reads it: Parquet and CSV by DuckDB's own readers (the paths are arguments, never
    SQL text), Delta and Iceberg as Arrow datasets. Measured on 2.7M events, a windowed
    count took 0.13 s through read_parquet, 0.23-0.58 s through an Arrow dataset and 1.6 s
    through an Arrow scanner (no filter or projection pushed down), against 0.05 s on the
    stored table."""
    where, fmt = locate(project_dir, spec)
    try:
        if fmt in ("parquet", "csv"):
            files = _files(where, fmt)
            if fmt == "parquet":
                return con.read_parquet(files)
            # CSV as text, typed by the contract's rules as an import types it
            return con.read_csv(files, all_varchar=True, header=True)
        folder = Path(where[0] if isinstance(where, list) else where)
        data = _delta(folder) if fmt == "delta" else _iceberg(folder)
        return con.from_arrow(data)
    except SourceError:
        raise
    except Exception as e:  # DuckDB's IOException, pyarrow's ArrowInvalid and others
        raise SourceError(f"path {spec.path!r}: cannot read {fmt} ({e})") from None


def _files(where: list[Path] | Path, fmt: str) -> list[str]:
    if isinstance(where, list):
        return [str(p) for p in where]
    suffixes = (".parquet", ".pq") if fmt == "parquet" else (".csv",)
    found = sorted(str(p) for p in where.rglob("*") if p.suffix.lower() in suffixes)
    if not found:
        raise SourceError(f"folder {where} holds no {fmt} file")
    return found


def _delta(folder: Path) -> ds.Dataset:
    try:
        from deltalake import DeltaTable
    except ImportError:
        raise SourceError(
            "Delta tables need the deltalake package", hint="pip install 'stethoscope[sources]'"
        ) from None
    try:
        return DeltaTable(str(folder)).to_pyarrow_dataset()
    except Exception as e:  # deltalake raises its own TableNotFoundError and others
        raise SourceError(f"{folder}: not a readable Delta table ({e})") from None


def _iceberg(where: Path) -> ds.Dataset:
    """An Iceberg table from its metadata file (no catalog): the newest in ``metadata/``
    when a folder is given."""
    import pyarrow.dataset as ds

    try:
        from pyiceberg.table import StaticTable
    except ImportError:
        raise SourceError(
            "Iceberg tables need the pyiceberg package", hint="pip install 'stethoscope[sources]'"
        ) from None
    metadata = where
    if where.is_dir():
        found = sorted((where / "metadata").glob("*.metadata.json"))
        if not found:
            raise SourceError(f"{where}: no Iceberg metadata (metadata/*.metadata.json)")
        metadata = found[-1]
    try:
        table = StaticTable.from_metadata(str(metadata)).scan().to_arrow()
    except Exception as e:  # pyiceberg's errors have no common base
        raise SourceError(f"{metadata}: not a readable Iceberg table ({e})") from None
    # pyiceberg reads a scan into memory: its files are planned and read at once
    return ds.dataset(table)

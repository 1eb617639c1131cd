"""Reading CSV, Parquet and JSON Lines files as a stream of Arrow batches, row-numbered.

A reader renames columns as the user mapped them (``--map target=source``), keeps the
contract's columns under their contract names, and gathers every other column into one
``_extras`` column (a struct for CSV and Parquet, JSON text for JSON Lines) so that user
column names travel as data, never as SQL identifiers. Each batch carries ``_row``: the
1-based number of the record in the file (the header is not a record).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import pyarrow as pa

from stethoscope.contract.schema import FORMATS, Table
from stethoscope.errors import DataError, Problem

_SUFFIXES = {
    ".csv": "csv",
    ".tsv": "csv",
    ".txt": "csv",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",
}
BATCH_ROWS = 256_000
CSV_BLOCK_BYTES = 16 << 20
ROW = "_row"
EXTRAS = "_extras"


@dataclass(frozen=True)
class BadRecord:
    """A record the reader could not split into columns (CSV) or parse (JSON Lines)."""

    row: int
    reason: str
    text: str


def parse_mapping(pairs: list[str]) -> dict[str, str]:
    """``["account_id=AccountId", ...]`` -> ``{"account_id": "AccountId"}``."""
    out: dict[str, str] = {}
    for p in pairs:
        target, sep, source = p.partition("=")
        if not sep or not target.strip() or not source.strip():
            raise DataError(
                f"invalid mapping {p!r}",
                hint="write target=source, e.g. --map account_id=AccountId",
            )
        out[target.strip()] = source.strip()
    return out


def detect_format(path: Path, given: str | None = None) -> str:
    if given:
        if given not in FORMATS:
            raise DataError(f"unknown format '{given}'", hint=f"formats are {', '.join(FORMATS)}")
        return given
    suffixes = [s.lower() for s in path.suffixes if s.lower() not in (".gz", ".bz2", ".zst")]
    fmt = _SUFFIXES.get(suffixes[-1]) if suffixes else None
    if fmt is None:
        raise DataError(
            f"cannot tell the format of {path.name} from its name",
            hint="pass --format csv|parquet|jsonl",
        )
    return fmt


@dataclass
class Source:
    """An open input file: its columns as mapped, and a stream of batches."""

    table: Table
    path: Path
    format: str
    mapping: dict[str, str]
    # file column -> contract column, for the contract columns the file provides
    renames: dict[str, str]
    extras: list[str]
    total: int  # in ``unit``s, for a progress bar
    unit: str  # "bytes" or "rows"
    bad_records: list[BadRecord] = field(default_factory=list)
    # the text encoding of a CSV or JSON Lines file, as Python names it
    encoding: str = "utf-8"
    # what to do when the contract refuses rows: for a file, fix it or load the good rows
    refused_hint: str = (
        "fix the file and import again, or pass --skip-bad to load the good rows "
        "and write the rejected ones to a side file"
    )
    _batches: Callable[[Source], Iterator[tuple[pa.RecordBatch, int]]] | None = None

    @property
    def present(self) -> list[str]:
        """Contract columns the file provides."""
        return list(self.renames.values())

    def batches(self) -> Iterator[tuple[pa.RecordBatch, int]]:
        """(batch, progress so far in ``unit``) pairs; batches hold the contract columns
        present, ``_extras`` when there are extra columns, and ``_row``."""
        assert self._batches is not None
        return self._batches(self)


def open_source(
    table: Table,
    path: Path,
    *,
    format: str | None = None,
    mapping: dict[str, str] | None = None,
    encoding: str | None = None,
) -> Source:
    """Open ``path`` for import into ``table``; checks the header against the contract.
    ``encoding``: of a CSV or JSON Lines file's text (default UTF-8)."""
    if not path.is_file():
        raise DataError(f"no such file: {path}")
    fmt = detect_format(path, format)
    codec = _codec(encoding)
    header = _read_header(path, fmt, codec)
    renames, extras = _plan_columns(table, path, header, mapping or {})
    mapping = mapping or {}
    if fmt == "csv":
        return Source(
            table,
            path,
            fmt,
            mapping,
            renames,
            extras,
            path.stat().st_size,
            "bytes",
            encoding=codec,
            _batches=_csv_batches,
        )
    if fmt == "parquet":
        import pyarrow.parquet as pq

        rows = pq.ParquetFile(path).metadata.num_rows
        return Source(
            table, path, fmt, mapping, renames, extras, rows, "rows", _batches=_parquet_batches
        )
    # JSON Lines has no header: every contract column is read (null where a record lacks it)
    return Source(
        table,
        path,
        fmt,
        mapping,
        {c: c for c in table.names},
        [],
        path.stat().st_size,
        "bytes",
        encoding=codec,
        _batches=_jsonl_batches,
    )


ENCODING_HINT = (
    "save the file as UTF-8, or name its encoding: --encoding cp1252 for a CSV saved by "
    "Excel on Windows, --encoding latin-1 for ISO 8859-1"
)


def _codec(encoding: str | None) -> str:
    """The Python name of ``encoding`` (default UTF-8), or a DataError."""
    import codecs

    try:
        return codecs.lookup(encoding or "utf-8").name
    except LookupError:
        raise DataError(
            f"unknown encoding {encoding!r}", hint="for instance utf-8, cp1252 or latin-1"
        ) from None


def _not_text(path: Path, encoding: str, row: int, unit: str = "row") -> DataError:
    return DataError(
        f"{path.name} {unit} {row}: the text is not {encoding} (nothing was imported)",
        hint=ENCODING_HINT if encoding == "utf-8" else "name the file's encoding with --encoding",
    )


def _first_undecodable(path: Path, encoding: str) -> int:
    """The record (the header is 1) where ``path`` stops being text in ``encoding``."""
    with _text(path, encoding, errors="surrogateescape") as f:
        for n, record in enumerate(csv.reader(f, delimiter=_delimiter(path)), start=1):
            if any(not _decoded(v) for v in record):
                return n
    return 1


def _decoded(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # an undecodable byte, escaped as a lone surrogate
        return False
    return True


def _read_header(path: Path, fmt: str, encoding: str = "utf-8") -> list[str]:
    if fmt == "parquet":
        import pyarrow.parquet as pq

        try:
            return list(pq.read_schema(path).names)
        except (pa.ArrowInvalid, OSError) as e:
            raise DataError(f"{path.name}: not a readable Parquet file ({e})") from None
    if fmt == "csv":
        try:
            with _text(path, encoding) as f:
                line = f.readline()
        except UnicodeDecodeError:  # in the header, or in the rows read with it
            raise _not_text(path, encoding, _first_undecodable(path, encoding)) from None
        if not line.strip():
            raise DataError(f"{path.name}: the file is empty; expected a header row")
        return next(csv.reader([line], delimiter=_delimiter(path)))
    # JSON Lines has no header: the columns are whatever keys the records use
    return []


def _plan_columns(
    table: Table, path: Path, header: list[str], mapping: dict[str, str]
) -> tuple[dict[str, str], list[str]]:
    problems: list[Problem] = []
    dupes = sorted({h for h in header if header.count(h) > 1})
    for d in dupes:
        problems.append(Problem(f"{path.name}:1", f"column '{d}' appears more than once"))
    for target, source in mapping.items():
        if target not in table.names:
            problems.append(
                Problem(
                    "--map",
                    f"'{target}' is not a column of {table.name}; "
                    f"columns are {', '.join(table.names)}",
                )
            )
        if header and source not in header:
            problems.append(
                Problem("--map", f"the file has no column '{source}' (it has {', '.join(header)})")
            )
    renames: dict[str, str] = {}
    by_source = {s: t for t, s in mapping.items()}
    extras: list[str] = []
    for h in header:
        mapped: str | None = by_source.get(h)
        if mapped is None and h in table.names and h not in mapping:
            mapped = h
        if mapped is None:
            extras.append(h)
        else:
            renames[h] = mapped
    if header:
        missing = [
            c.name
            for c in table.columns
            if c.required
            and c.name not in renames.values()
            and not (c.name == table.key and table.key_is_derived)
        ]
        for m in missing:
            problems.append(
                Problem(
                    f"{path.name}:1",
                    f"required column '{m}' is missing",
                )
            )
    if problems:
        raise DataError(
            f"cannot import {path.name} into {table.name} ({len(problems)} problem"
            f"{'s' if len(problems) > 1 else ''})",
            problems,
            hint="rename columns with --map target=source, e.g. --map account_id=AccountId",
        )
    return renames, extras


def _text(path: Path, encoding: str = "utf-8", errors: str = "strict") -> IO[str]:
    stream = pa.input_stream(str(path), compression=_compression(path))
    # a UTF-8 file may begin with a byte order mark (Excel writes one)
    codec = "utf-8-sig" if encoding == "utf-8" else encoding
    return io.TextIOWrapper(stream, encoding=codec, errors=errors, newline="")


def _delimiter(path: Path) -> str:
    return "\t" if ".tsv" in [s.lower() for s in path.suffixes] else ","


def _numbered(
    batch: pa.RecordBatch, first: int, skip: list[int] | None = None
) -> tuple[pa.RecordBatch, int]:
    """Add ``_row`` to a batch whose first record is number ``first``, passing over the
    numbers in ``skip`` (records the reader dropped); return it and the next number."""
    import numpy as np

    n = batch.num_rows
    rows = np.arange(first, first + n + len(skip or ()), dtype=np.int64)
    if skip:
        rows = np.ascontiguousarray(rows[~np.isin(rows, skip)][:n])
    nxt = int(rows[-1]) + 1 if n else first
    while skip and nxt in skip:
        nxt += 1
    # from the buffer: pa.array() on numpy would import pandas, a second's start-up
    col = pa.Array.from_buffers(pa.int64(), n, [None, pa.py_buffer(rows)])
    return batch.append_column(ROW, col), nxt


def _with_extras(src: Source, batch: pa.RecordBatch) -> pa.RecordBatch:
    """Rename contract columns and fold the others into one ``_extras`` struct column."""
    arrays: list[pa.Array] = []
    names: list[str] = []
    for source, target in src.renames.items():
        arrays.append(batch.column(source))
        names.append(target)
    if src.extras:
        arrays.append(
            pa.StructArray.from_arrays([batch.column(e) for e in src.extras], names=src.extras)
        )
        names.append(EXTRAS)
    return pa.RecordBatch.from_arrays(arrays, names=names)


def _csv_batches(src: Source) -> Iterator[tuple[pa.RecordBatch, int]]:
    """CSV records numbered as a spreadsheet shows them: the header is row 1."""
    import pyarrow.csv as pacsv

    header = list(src.renames) + src.extras
    pending: list[BadRecord] = []
    # pyarrow may parse ahead: a malformed record can be reported a batch early
    skipped: list[int] = []

    def on_invalid(row: Any) -> str:
        pending.append(
            BadRecord(
                int(row.number),
                f"expected {row.expected_columns} columns, found {row.actual_columns}",
                row.text or "",
            )
        )
        return "skip"

    raw = open(src.path, "rb")  # noqa: SIM115 - closed in finally; its position is the progress
    stream = pa.input_stream(raw, compression=_compression(src.path))
    # single-threaded parsing is what lets pyarrow number a malformed record
    reader = pacsv.open_csv(
        stream,
        read_options=pacsv.ReadOptions(
            block_size=CSV_BLOCK_BYTES, use_threads=False, encoding=src.encoding
        ),
        parse_options=pacsv.ParseOptions(
            delimiter=_delimiter(src.path), newlines_in_values=True, invalid_row_handler=on_invalid
        ),
        convert_options=pacsv.ConvertOptions(
            column_types={h: pa.string() for h in header},
            strings_can_be_null=True,
            null_values=[""],
            quoted_strings_can_be_null=True,
        ),
    )
    row = 2
    try:
        for batch in reader:
            skipped.extend(b.row for b in pending)
            src.bad_records.extend(pending)
            pending.clear()
            skip = sorted(r for r in skipped if r >= row)
            out, row = _numbered(_with_extras(src, batch), row, skip)
            yield out, min(src.total, raw.tell())
        src.bad_records.extend(pending)
    except pa.ArrowInvalid as e:
        if "invalid UTF8" in str(e):
            row = _first_undecodable(src.path, src.encoding)
            raise _not_text(src.path, src.encoding, row) from None
        raise DataError(f"{src.path.name}: cannot read CSV ({e})") from None
    except UnicodeDecodeError:  # transcoding from another encoding
        row = _first_undecodable(src.path, src.encoding)
        raise _not_text(src.path, src.encoding, row) from None
    finally:
        stream.close()
        raw.close()


def _parquet_batches(src: Source) -> Iterator[tuple[pa.RecordBatch, int]]:
    import pyarrow.parquet as pq

    pf = pq.ParquetFile(src.path)
    first = 1
    for batch in pf.iter_batches(batch_size=BATCH_ROWS):
        numbered, first = _numbered(_with_extras(src, batch), first)
        yield numbered, first - 1


def _jsonl_value(v: Any) -> str | None:
    if v is None or isinstance(v, str):
        return v
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, dict | list):
        return json.dumps(v, separators=(",", ":"))
    return repr(v) if isinstance(v, float) else str(v)


def _jsonl_batches(src: Source) -> Iterator[tuple[pa.RecordBatch, int]]:
    """JSON Lines, parsed record by record so that a broken line is named exactly.

    Each record is flattened to strings (nested objects as JSON text) and the types are
    checked later like CSV's; keys outside the contract are gathered as a JSON object.
    """
    # JSON Lines has no header, so the mapping applies to keys as they appear
    by_source = {s: t for t, s in src.mapping.items()}
    targets = list(src.table.names)
    contract = set(targets)
    n = 0
    done = 0
    with open(src.path, "rb") as raw:
        compression = _compression(src.path)
        stream = pa.input_stream(raw, compression=compression) if compression else raw
        cols: dict[str, list[str | None]] = {t: [] for t in targets}
        extras: list[str | None] = []
        rows: list[int] = []
        for line in stream:
            n += 1
            done += len(line)
            text = line.strip()
            if not text:
                continue
            shown = text[:200].decode(src.encoding, "replace")
            try:
                rec = json.loads(text.decode(src.encoding))
            except UnicodeDecodeError:
                reason = f"the text is not {src.encoding}"
                if src.encoding == "utf-8":
                    reason += " (if it is Latin-1 or Windows text, import with --encoding)"
                src.bad_records.append(BadRecord(n, reason, shown))
                continue
            except json.JSONDecodeError as e:
                src.bad_records.append(BadRecord(n, f"invalid JSON: {e}", shown))
                continue
            except RecursionError:  # as the ingest refuses it
                src.bad_records.append(BadRecord(n, "invalid JSON: nested too deep", shown))
                continue
            if not isinstance(rec, dict):
                src.bad_records.append(BadRecord(n, "expected a JSON object", shown))
                continue
            extra: dict[str, Any] = {}
            seen: dict[str, Any] = {}
            for k, v in rec.items():
                t = by_source.get(k, k if k in contract and k not in src.mapping else None)
                if t is None:
                    extra[k] = v
                else:
                    seen[t] = v
            try:
                values = [_jsonl_value(seen.get(t)) for t in targets]
                folded = json.dumps(extra, separators=(",", ":")) if extra else None
            except RecursionError:  # read, but too deep to write again
                src.bad_records.append(BadRecord(n, "invalid JSON: nested too deep", shown))
                continue
            for t, v in zip(targets, values, strict=True):
                cols[t].append(v)
            extras.append(folded)
            rows.append(n)
            if len(rows) >= BATCH_ROWS:
                yield _jsonl_batch(cols, extras, rows), done
                cols = {t: [] for t in targets}
                extras, rows = [], []
        if rows:
            yield _jsonl_batch(cols, extras, rows), done


def _jsonl_batch(
    cols: dict[str, list[str | None]], extras: list[str | None], rows: list[int]
) -> pa.RecordBatch:
    arrays = [pa.array(v, pa.string()) for v in cols.values()]
    names = list(cols)
    arrays += [pa.array(extras, pa.string()), pa.array(rows, pa.int64())]
    names += [EXTRAS, ROW]
    return pa.RecordBatch.from_arrays(arrays, names=names)


def _compression(path: Path) -> str | None:
    return {".gz": "gzip", ".bz2": "bz2", ".zst": "zstd"}.get(path.suffix.lower())

"""Compute engines apart from the store: where a run's scoring is computed.

By default (``compute = "store"``) the store's own database computes every frame, inside
the run's statements (``runner``). With ``compute = "spark"`` the same compiled SQL runs on
a Spark session (``compute.spark``): the source tables are read in place there or travel
from the store, and each date's scores come back as Arrow batches that the runner writes
to the store in the run's one transaction. Readers never know which engine computed a run.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import pyarrow as pa

    from stethoscope.store.database import Connection


class Compute(Protocol):
    """An engine that runs the model's compiled SQL away from the store."""

    # the Ibis backend name the SQL is compiled for (engine.dialects)
    dialect: str
    # the lakehouse folder where a backfill keeps its detail ("": in the store)
    detail_path: str

    def publish(self, con: Connection, sql: list[str]) -> None:
        """Make every table the queries ``sql`` read available to them: read in place, or
        copied from the store ``con`` (CSM inputs, attribute versions, unmapped tables)."""

    def quote(self, name: str) -> str:
        """``name`` as a quoted identifier of the engine's SQL."""

    def set(self, name: str, value: dt.date | str) -> None:
        """Set a run parameter (engine.dialects.PARAMS) for the queries that follow."""

    def stage(self, name: str, sql: str) -> None:
        """Keep the rows of ``sql`` as the table ``name`` (a backfill's staged rows)."""

    def unstage(self, name: str) -> None: ...

    def batches(self, sql: str) -> Iterator[pa.RecordBatch]:
        """The rows of ``sql``, in batches of bounded size."""

    def keep(self, sql: str, location: str) -> None:
        """Write the rows of ``sql`` (a date's frame) to the folder ``location`` (a
        partition ``.../run_id=R/as_of=D`` of ``detail_path``), replacing what it held."""

    def kept(self, location: str, columns: list[str] | None) -> Iterator[pa.RecordBatch]:
        """The rows ``keep`` wrote to ``location`` (its run id and date included), all
        columns or ``columns``, in batches of bounded size."""

    def discard(self, location: str) -> None:
        """Remove the folder ``location`` and all under it (a failed run's partitions)."""

    def release(self) -> None:
        """Drop what ``publish`` and ``stage`` made (the session itself stays)."""

"""A connector over pages held in memory, with a failure that can be set to strike mid-stream:
a real implementation of the protocol (sources.connector), to test the sync's own logic."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import ClassVar

import pyarrow as pa

from stethoscope.errors import SourceError
from stethoscope.sources.connector import Page, Stream

COMPANIES = Stream(
    "companies",
    "accounts",
    "id",
    "modified",
    {"id": "company_id", "name": "company_name", "customer_since": "since"},
)
TICKETS = Stream("tickets", "tickets", "id", "updated", {"account_id": "company_id"})


class FakeConnector:
    """Records kept per stream; ``read`` gives those changed after the cursor, oldest first,
    ``page_size`` a page, each page's cursor its highest ``cursor_field`` value. With
    ``fail_after`` = (stream, n), reading that stream raises after n pages."""

    kind: ClassVar[str] = "fake"

    def __init__(self, page_size: int = 2) -> None:
        self.records: dict[str, list[dict[str, object]]] = {"companies": [], "tickets": []}
        self.page_size = page_size
        self.fail_after: tuple[str, int] | None = None
        self.reads: list[tuple[str, str | None, int]] = []  # stream, cursor, rows given
        self.reachable = True

    def streams(self) -> Sequence[Stream]:
        return [TICKETS, COMPANIES]  # not in the contract's order: the sync orders them

    def check(self) -> None:
        if not self.reachable:
            raise SourceError("fake: 401 Unauthorized")

    def read(self, stream: str, cursor: str | None) -> Iterator[Page]:
        field = {"companies": "modified", "tickets": "updated"}[stream]
        rows = sorted(
            (r for r in self.records[stream] if cursor is None or str(r[field]) > cursor),
            key=lambda r: str(r[field]),
        )
        given = 0
        for n, lo in enumerate(range(0, len(rows), self.page_size)):
            if self.fail_after == (stream, n):
                raise SourceError(f"fake: HTTP 500 on page {n + 1} of {stream}")
            part = rows[lo : lo + self.page_size]
            given += len(part)
            yield Page(pa.Table.from_pylist(part), str(part[-1][field]))
        self.reads.append((stream, cursor, given))

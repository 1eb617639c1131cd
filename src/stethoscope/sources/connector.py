"""What a SaaS connector offers the sync: its streams, a check, pages of rows, and a write-back.

A connector knows one API (HubSpot, Salesforce, Zendesk, Stripe, Intercom): how to
authenticate, how it pages and how it filters by a cursor. It knows nothing of the store or
the contract beyond each stream's default mapping; the sync (``sources.sync``) maps, checks
and writes what the connector reads, and keeps each stream's cursor in the store.

Cursors are text (an ISO timestamp or the API's own token) so every connector stores them
alike. A page's ``cursor`` is the highest value of the stream's ``cursor_field`` read so far
in this sync: a sync that fails after some pages can resume from the last cursor it
committed, and rows are written by their key, so reading a row again never doubles it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import ClassVar, Protocol

import pyarrow as pa


@dataclass(frozen=True)
class Stream:
    """One thing an API lists (companies, deals, tickets...), and the contract table it feeds."""

    name: str
    # the contract table its rows feed by default (accounts, subscriptions, tickets, surveys,
    # touchpoints, contacts, outcomes)
    table: str
    # the source column that identifies a row
    primary_key: str
    # the source column incremental syncs filter on; None: the stream is read whole each time
    cursor_field: str | None
    # the default mapping, contract column -> source column (the `--map target=source` of
    # `stethoscope import`); a source's own `map` in stethoscope.toml overrides entries
    columns: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Page:
    """Rows as the API returned them, flattened to columns, and the cursor after them."""

    rows: pa.Table
    cursor: str | None


@dataclass(frozen=True)
class ScoreUpdate:
    """One account's changed score, to be written back to the CRM record it came from."""

    account_id: str
    score: float
    band: str
    reason: str


@dataclass(frozen=True)
class WriteResult:
    written: int
    failed: Sequence[tuple[str, str]] = ()  # (account_id, why)


class Connector(Protocol):
    kind: ClassVar[str]

    def streams(self) -> Sequence[Stream]:
        """The streams this connector reads, in the order a sync reads them."""
        ...

    def check(self) -> None:
        """Connect and authenticate; raise ``errors.SourceError`` saying what failed."""
        ...

    def read(self, stream: str, cursor: str | None) -> Iterator[Page]:
        """The stream's rows changed after ``cursor`` (all rows when None), page by page."""
        ...


class ScoreWriter(Protocol):
    """A connector that can write scores back (HubSpot, Salesforce)."""

    def write_scores(self, updates: Sequence[ScoreUpdate]) -> WriteResult:
        """Write each update to its CRM record, batched and retried; idempotent."""
        ...

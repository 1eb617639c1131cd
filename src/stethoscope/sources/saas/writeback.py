"""Scores back to the CRM: which accounts changed since the last write, and batched writes.

``changed`` compares the store's current scores with what was last written to the CRM
(the caller keeps that: after a run it writes what ``changed`` returns and then records
it); ``write_batches`` sends them in the API's batch size. A batch that fails as a whole
after the connector's retries (429 and 5xx, with backoff) is reported failed for each of
its accounts and the other batches are still sent; writing the same values again changes
nothing in the CRM, so a failed write is simply retried at the next run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence

from stethoscope.errors import SourceError
from stethoscope.sources.connector import ScoreUpdate, ScoreWriter, WriteResult


def changed(
    current: Iterable[ScoreUpdate], written: Mapping[str, ScoreUpdate]
) -> list[ScoreUpdate]:
    """The updates whose score (to one decimal, as written), band or reason differ from
    what was last written for their account, or that were never written."""
    out = []
    for u in current:
        last = written.get(u.account_id)
        if (
            last is None
            or round(last.score, 1) != round(u.score, 1)
            or last.band != u.band
            or last.reason != u.reason
        ):
            out.append(u)
    return out


def write_back(
    writer: ScoreWriter, current: Iterable[ScoreUpdate], written: Mapping[str, ScoreUpdate]
) -> tuple[WriteResult, dict[str, ScoreUpdate]]:
    """Write the scores that changed since ``written`` (what was last written, per account);
    the result, and what is written now: ``written`` with the accounts the CRM took. The
    caller keeps the latter for the next run (after each run: the server's hook for it
    belongs to the sync's configuration, see docs/concepts/sources.md)."""
    todo = changed(current, written)
    result = writer.write_scores(todo) if todo else WriteResult(written=0)
    refused = {account for account, _ in result.failed}
    now = dict(written)
    now.update({u.account_id: u for u in todo if u.account_id not in refused})
    return result, now


def batches(updates: Sequence[ScoreUpdate], size: int) -> Iterator[Sequence[ScoreUpdate]]:
    """The updates in batches of ``size``, each account once (the last update wins)."""
    unique = list({u.account_id: u for u in updates}.values())
    for i in range(0, len(unique), size):
        yield unique[i : i + size]


def write_batches(
    parts: Iterable[Sequence[ScoreUpdate]],
    send: Callable[[Sequence[ScoreUpdate]], list[tuple[str, str]]],
) -> WriteResult:
    """Send every batch; ``send`` returns the (account, why) pairs the API refused."""
    written = 0
    failed: list[tuple[str, str]] = []
    for batch in parts:
        try:
            refused = send(batch)
        except SourceError as e:
            refused = [(u.account_id, str(e)) for u in batch]
        failed.extend(refused)
        written += len(batch) - len(refused)
    return WriteResult(written=written, failed=tuple(failed))

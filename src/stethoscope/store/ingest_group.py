"""Group commit of ingest requests: those that wait for the store's writer together are
written in one transaction (``Project.ingest``), each answered once it has committed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from stethoscope.store.database import Connection
    from stethoscope.store.ingest import Membership, Track, Written


@dataclass(eq=False)
class Waiting:
    """One request's calls, waiting to be written, then what became of them."""

    calls: Sequence[Track | Membership]
    received_at: dt.datetime
    done: bool = False
    written: Written | None = None
    error: BaseException | None = field(default=None, repr=False)

    def result(self) -> Written:
        if self.error is not None:
            raise self.error
        assert self.written is not None
        return self.written

    def write_group(self, con: Connection, group: list[Waiting]) -> None:
        """Write ``group`` (which holds this request) in one transaction, and mark every
        request of it done. Requests with memberships are written on their own, in their
        place, so the group means what the requests one after the other mean."""
        from stethoscope.store import ingest
        from stethoscope.store.embedded import transaction

        try:
            with transaction(con):
                for part in _parts(group):
                    got = ingest.write_many(con, [(w.calls, w.received_at) for w in part])
                    for w, written in zip(part, got, strict=True):
                        w.written = written
        except BaseException as e:
            if len(group) == 1 or not isinstance(e, Exception):
                for w in group:
                    w.written, w.error, w.done = None, e, True
                raise
            for w in group:  # one by one: a request's failure is its own
                w.written = None
                try:
                    with transaction(con):
                        w.written = ingest.write(con, w.calls, received_at=w.received_at)
                except Exception as own:
                    w.error = own
                w.done = True
            return
        for w in group:
            w.done = True


def _parts(group: list[Waiting]) -> list[list[Waiting]]:
    """Runs of requests without memberships, and each request with one alone."""
    from stethoscope.store.ingest import Membership

    parts: list[list[Waiting]] = []
    run: list[Waiting] = []
    for w in group:
        if any(isinstance(c, Membership) for c in w.calls):
            parts += [run, [w]] if run else [[w]]
            run = []
        else:
            run.append(w)
    return [*parts, run] if run else parts

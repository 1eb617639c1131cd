"""Read-outs of the stored scores and accounts, for the API's pages and the dashboard:
listings with their totals (stethoscope.readouts) and the book from above
(stethoscope.overview). Each reads without waiting for a write (``ProjectCore._reading``)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stethoscope.errors import DataError
from stethoscope.facade.core import ProjectCore
from stethoscope.facade.kept import Kept

if TYPE_CHECKING:
    from stethoscope.model.types import Model
    from stethoscope.readouts import Page
    from stethoscope.rows import AccountRow, BookRow, CurrentScore, HistoryRow, ModelVersionRow


class Readouts(ProjectCore):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # the book from above, by what was asked (stethoscope.facade.kept)
        self._overviews: Kept[dict[str, Any]] = Kept()

    # -- listings with their totals, for the API's pages -------------------------------

    def latest_as_of(self, *, model: Path | str | None = None) -> date | None:
        """The latest date scored under the model's current version, or None."""
        from stethoscope import readouts

        m = self.load_model(model)
        with self._reading() as con:
            return readouts.latest_date(con, m.version)

    def first_as_of(self, *, model: Path | str | None = None) -> date | None:
        """The first date scored under the model's current version, or None: trends (the
        7- and 30-day changes) exist from that date plus their days."""
        m = self.load_model(model)
        with self._reading() as con:
            row = con.execute(
                "SELECT min(as_of_from) FROM runs WHERE model_version = ? AND status = 'ok'",
                [m.version],
            ).fetchone()
        return row[0] if row else None

    def count_scores(
        self,
        *,
        as_of: date,
        score: str = "health",
        band: str | None = None,
        segment: str | None = None,
        owner: str | None = None,
        model: Path | str | None = None,
    ) -> int:
        """How many rows ``scores`` has as of a date with these filters, on every page."""
        from stethoscope import readouts

        m = self.load_model(model)
        self._check_score(m, score)
        with self._reading() as con:
            return readouts.book_total(
                con, m.version, score, as_of, band=band, segment=segment, owner=owner
            )

    def accounts(
        self,
        *,
        segment: str | None = None,
        owner: str | None = None,
        search: str | None = None,
        sort: str = "name",
        descending: bool = False,
        limit: int = 50,
        offset: int = 0,
    ) -> Page[AccountRow]:
        """Accounts as imported, filtered; ``search`` is text in the name or id."""
        from stethoscope import readouts

        with self._reading() as con:
            return readouts.accounts(
                con,
                segment=segment,
                owner=owner,
                search=search,
                sort=sort,
                descending=descending,
                limit=limit,
                offset=offset,
            )

    def account(self, account_id: str) -> AccountRow | None:
        from stethoscope import readouts

        with self._reading() as con:
            return readouts.account(con, account_id)

    def accounts_now(self, version: str) -> Iterator[tuple[AccountRow, list[CurrentScore]]]:
        """Every account with its current scores under the model ``version``, by id: what
        ``account`` and ``current_scores`` give one account at a time, in one read."""
        from stethoscope import readouts

        with self._reading() as con:
            yield from readouts.accounts_now(con, version)

    def current_scores(
        self, account_id: str, *, model: Path | str | None = None
    ) -> list[CurrentScore]:
        """An account's scores on the latest date it was scored under the current model."""
        from stethoscope import readouts

        m = self.load_model(model)
        with self._reading() as con:
            return readouts.current_scores(con, m.version, account_id)

    def history(
        self,
        account_id: str,
        *,
        start: date | None = None,
        end: date | None = None,
        score: str | None = None,
        model_version: str | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> Page[HistoryRow]:
        """An account's stored scores over a span of dates, under every model version
        (or ``model_version``)."""
        from stethoscope import readouts

        with self._reading() as con:
            return readouts.history(
                con,
                account_id,
                start=start,
                end=end,
                score_name=score,
                version=model_version,
                limit=limit,
                offset=offset,
            )

    def model_versions(self, *, limit: int = 50, offset: int = 0) -> Page[ModelVersionRow]:
        """The model versions that have scored, newest first."""
        from stethoscope import readouts

        with self._reading() as con:
            return readouts.model_versions(con, limit=limit, offset=offset)

    def stored_model(self, version: str) -> Model:
        """A stored model version, named in full or by its first characters (at least 6)."""
        from dataclasses import replace

        from stethoscope import readouts
        from stethoscope.model.loader import parse_model

        found = []
        if len(version) >= 6:
            with self._reading() as con:
                found = readouts.stored_model_source(con, version)
        if len(found) != 1:
            what = "no stored model version" if not found else "more than one model version"
            raise DataError(
                f"{what} starts with '{version}'",
                hint="list the stored versions with GET /api/models; give at least 6 characters",
            )
        full, text = found[0]
        # named as it was stored, even if this release would resolve the text differently
        return replace(parse_model(text, f"model version {full[:12]}"), version=full)

    # -- the book from above, for the dashboard (stethoscope.overview) ------------------

    def book_overview(
        self,
        *,
        as_of: date,
        score: str = "health",
        owner: str | None = None,
        renew_days: int = 90,
        history: Sequence[date] = (),
        drops_since: date | None = None,
        top: int = 10,
    ) -> dict[str, Any]:
        """The scored book as of a date in a few rows: per band (with renewals due within
        ``renew_days``), per band on each date of ``history``, per segment and
        owner, the ``top`` biggest drops since ``drops_since`` and the soonest renewals;
        only ``owner``'s accounts when given. It reads accounts and scores only: where
        ``sole_writer`` it is kept until the next write (80 to 180 ms of the Portfolio on
        the 100k book; stethoscope.facade.kept); treat it as read-only."""
        from stethoscope import overview as o

        m = self.load_model()
        self._check_score(m, score)
        until = as_of + timedelta(days=renew_days)
        v = m.version
        asked = (v, score, as_of, owner, until, tuple(history), drops_since, top)

        def read() -> dict[str, Any]:
            with self._reading() as con:
                groups = o.aggregates(con, v, score, as_of, renew_until=until, owner=owner)
                return {
                    "summary": groups["bands"],
                    "history": o.band_history(con, v, score, list(history), owner=owner)
                    if history
                    else [],
                    "segments": groups["segments"],
                    "owners": groups["owners"],
                    "drops": o.drops(con, v, score, as_of, drops_since, limit=top, owner=owner)
                    if drops_since
                    else [],
                    "renewals_due": o.renewals_due(
                        con, v, score, as_of, until, limit=top, owner=owner
                    ),
                }

        return self._overviews.get(asked, self.generation if self.sole_writer else None, read)

    def book_page(
        self,
        *,
        as_of: date,
        score: str = "health",
        band: str | None = None,
        segment: str | None = None,
        owner: str | None = None,
        search: str | None = None,
        sort: str = "score",
        descending: bool = False,
        limit: int = 50,
        offset: int = 0,
    ) -> Page[BookRow]:
        """One page of the scored book as of a date: filtered, ``search`` in the name or
        id (any case), sorted; the rows of ``scores``, and how many match."""
        from stethoscope import overview, readouts

        m = self.load_model()
        self._check_score(m, score)
        with self._reading() as con:
            rows, total = overview.book_page(
                con,
                m.version,
                score,
                as_of,
                band=band,
                segment=segment,
                owner=owner,
                search=search,
                sort=sort,
                descending=descending,
                limit=limit,
                offset=offset,
            )
        return readouts.Page(rows, total)

    def measure_coverage(self, *, as_of: date, score: str = "health") -> dict[str, Any]:
        """How many accounts scored on a date each measure of the model could grade, and
        the accounts by the share of their scorecard's weight that had data."""
        from stethoscope import overview

        m = self.load_model()
        self._check_score(m, score)
        with self._reading() as con:
            return overview.measure_coverage(con, m, score, as_of)

    def activity(
        self, account_id: str, *, start: date, end: date, limit: int = 30
    ) -> dict[str, Any]:
        """An account's usage per week, tickets, survey answers and conversations."""
        from stethoscope import overview

        with self._reading() as con:
            return overview.activity(con, account_id, start, end, limit=limit)

    def account_scores(self, account_id: str, *, start: date, end: date) -> list[dict[str, Any]]:
        """Every stored score of an account over a span of dates, under every model
        version (one read, however many versions and scores)."""
        from stethoscope import overview

        with self._reading() as con:
            return overview.account_rows(con, account_id, start, end)

    def account_audit(self, account_id: str, *, limit: int = 20) -> list[dict[str, Any]]:
        """The audit log's entries about an account, newest first."""
        from stethoscope import overview

        with self._reading() as con:
            return overview.account_audit(con, account_id, limit=limit)

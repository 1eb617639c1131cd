"""Reading a connector to the end, or to its error, as the sync does."""

from __future__ import annotations

from typing import Any

from stethoscope.errors import SourceError


def drain(conn: Any, stream: str, cursor: str | None) -> tuple[list[dict[str, Any]], str | None]:
    """Every row of a read and the cursor after it."""
    rows: list[dict[str, Any]] = []
    for page in conn.read(stream, cursor):
        rows.extend(page.rows.to_pylist())
        cursor = page.cursor
    return rows, cursor


def until_error(
    conn: Any, stream: str, cursor: str | None
) -> tuple[list[dict[str, Any]], str | None, SourceError]:
    """The rows of the pages read before the read failed, the last page's cursor, the error."""
    rows: list[dict[str, Any]] = []
    try:
        for page in conn.read(stream, cursor):
            rows.extend(page.rows.to_pylist())
            cursor = page.cursor
    except SourceError as e:
        return rows, cursor, e
    raise AssertionError("the read did not fail")


class ConnectorContract:
    """The behaviour every connector owes the sync, run against its stand-in.

    A test module subclasses it and gives the ``site`` fixture (module scope): the stand-in's
    state, its URL, and the connector class; and says which stream is read (``stream``, whose
    stand-in data spans several pages), its key, its cursor column, and how to change rows.
    """

    stream: str
    key: str
    cursor_column: str
    good: dict[str, str]
    bad: dict[str, str]
    options: dict[str, Any] = {"max_attempts": 2, "backoff": 0.01}  # noqa: RUF012

    def connector(self, site: Any, secrets: dict[str, str] | None = None) -> Any:
        _, url, cls = site
        return cls(url, secrets or self.good, self.options)

    def all_keys(self, state: Any) -> set[str]:
        raise NotImplementedError

    def change(self, state: Any) -> set[str]:
        """Change some rows and add some; the keys of both."""
        raise NotImplementedError

    def at_cursor(self, rows: list[dict[str, Any]], cursor: str) -> set[str]:
        """The keys of the rows a read from ``cursor`` may read again."""
        return {str(r[self.key]) for r in rows if r[self.cursor_column] == cursor}

    def test_check_and_bad_auth(self, site: Any) -> None:
        site[0].faults.reset()
        self.connector(site).check()
        import pytest

        with pytest.raises(SourceError, match="refused the credentials"):
            self.connector(site, self.bad).check()
        with pytest.raises(SourceError, match=f"reading {self.stream} failed: the API refused"):
            drain(self.connector(site, self.bad), self.stream, None)

    def test_full_read_then_only_changes(self, site: Any) -> None:
        state = site[0]
        state.faults.reset()
        rows, cursor = drain(self.connector(site), self.stream, None)
        keys = [str(r[self.key]) for r in rows]
        assert len(keys) == len(set(keys)), "a row was read twice"
        assert set(keys) == self.all_keys(state)
        assert state.faults.served >= 3, "the stream should span pages"
        assert cursor is not None
        boundary = self.at_cursor(rows, cursor)
        changed = self.change(state)
        again, cursor2 = drain(self.connector(site), self.stream, cursor)
        got = {str(r[self.key]) for r in again}
        assert changed <= got
        assert got - changed <= boundary, "an unchanged row was read again"
        assert cursor2 is not None
        assert cursor2 != cursor

    def test_429_waited_out(self, site: Any) -> None:
        state = site[0]
        state.faults.reset()
        state.faults.rate_limit, state.faults.retry_after = 1, 1
        rows, _ = drain(self.connector(site), self.stream, None)
        assert {str(r[self.key]) for r in rows} == self.all_keys(state)
        assert state.faults.waited_after_429() >= 1.0

    def test_500_mid_stream_then_resume(self, site: Any) -> None:
        state = site[0]
        state.faults.reset()
        state.faults.fail_at = 2  # the third page fails, for good
        before, cursor, error = until_error(self.connector(site), self.stream, None)
        assert "HTTP 500" in str(error)
        assert before, "the pages before the failure were handed over"
        state.faults.reset()
        after, _ = drain(self.connector(site), self.stream, cursor)
        first = {str(r[self.key]) for r in before}
        rest = {str(r[self.key]) for r in after}
        assert first | rest == self.all_keys(state)
        assert cursor is not None
        at_cursor = self.at_cursor(before, cursor)
        assert first & rest <= at_cursor, "a row before the cursor was read again"

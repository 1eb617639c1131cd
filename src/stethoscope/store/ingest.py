"""Product usage sent by tracking libraries (``service.ingest``): stored in ``events`` when
its account is known, kept in ``pending_events`` until it is.

An event's account is, in this order:

1. the account the call names itself: Segment's ``groupId``, else ``context.groupId``;
2. the account its user was last put in by a ``group`` or ``identify`` call
   (``user_accounts``), by userId, then by anonymousId;
3. the account of the contact whose id is the userId (``contacts``).

An event whose account is not in ``accounts`` yet, or that has none, waits in
``pending_events``; ``attach`` moves every waiting event whose account has appeared since.
Every message_id the ingest takes is kept in ``ingested_messages`` (its primary key), so a
re-sent call is known by one index lookup, however many events are stored, and skipped.
(Events imported from files are checked against ``events`` by the import; ``attach`` drops
a waiting event whose message_id an import stored meanwhile.) Callers run ``write`` and
``attach`` inside a transaction of their own.

The SQL is the same on DuckDB and Postgres but for two things: the staging of a request's
calls (a view on Arrow data on DuckDB, a temporary table filled by COPY on Postgres), and
the claiming of their message ids on DuckDB, which tries a plain INSERT first (``commit``).
On Postgres, where several processes may ingest at once, a transaction that writes takes a
lock held until it ends, so a message_id re-sent while the first request is still running
is seen.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from stethoscope.contract.schema import json_holds_nul
from stethoscope.errors import DataError, StoreError
from stethoscope.store.database import dialect

if TYPE_CHECKING:
    from stethoscope.store.database import Connection, Cursor, PostgresConnection

# the calls of a request while ``write`` runs: a view on an Arrow table (DuckDB) or a
# temporary table of the session, emptied at every commit (Postgres)
_STAGE = "_ingest_stage"
_STAGE_COLUMNS = (
    "pos",
    "account_id",
    "message_id",
    "user_id",
    "anonymous_id",
    "group_id",
    "event",
    "timestamp",
    "properties",
)
_STAGE_TABLE = (
    f"CREATE TEMPORARY TABLE IF NOT EXISTS {_STAGE} (pos BIGINT, account_id VARCHAR, "
    "message_id VARCHAR, "
    "user_id VARCHAR, anonymous_id VARCHAR, group_id VARCHAR, event VARCHAR, "
    '"timestamp" TIMESTAMP, properties VARCHAR) ON COMMIT DELETE ROWS'
)

_NOT_IN_EVENTS = "NOT EXISTS (SELECT 1 FROM events e WHERE e.message_id = {t}.message_id)"
_EVENT_COLUMNS = 'account_id, user_id, event, "timestamp", properties, message_id'

# the latest call (by its own timestamp) decides which account a user is in
_UPSERT_MEMBER = (
    'INSERT INTO user_accounts (kind, id, account_id, via, "timestamp", received_at) '
    "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (kind, id) DO UPDATE SET "
    'account_id = excluded.account_id, via = excluded.via, "timestamp" = excluded."timestamp", '
    'received_at = excluded.received_at WHERE excluded."timestamp" >= user_accounts."timestamp"'
)


@dataclass(frozen=True)
class Track:
    """A track call, mapped onto the events contract."""

    message_id: str
    event: str
    # when it happened, in UTC without a zone
    timestamp: dt.datetime
    user_id: str | None = None
    anonymous_id: str | None = None
    # the account the call names itself (groupId or context.groupId), if any
    group_id: str | None = None
    # a JSON object, as text
    properties: str | None = None


@dataclass(frozen=True)
class Membership:
    """A user put in an account by a group call, or by the traits of an identify call."""

    account_id: str
    via: Literal["group", "identify"]
    timestamp: dt.datetime
    user_id: str | None = None
    anonymous_id: str | None = None


@dataclass(frozen=True)
class Written:
    """What ``write`` did with the calls of one request."""

    # events stored in events, and kept in pending_events until their account is known
    stored: int
    pending: int
    # events whose message_id was already stored (or earlier in the request)
    skipped: int
    memberships: int
    # waiting events moved into events because of this request's memberships
    attached: int


def commit(
    con: Connection,
    calls: Sequence[Track | Membership],
    *,
    received_at: dt.datetime,
    accounts: AbstractSet[str] | None = None,
) -> Written:
    """``write`` in a transaction of its own, committed on return. On DuckDB the message
    ids are first claimed by a plain INSERT (4x faster than ON CONFLICT DO NOTHING for 500
    ids); when one of them was claimed before (a re-sent call, the rare case), that INSERT
    fails, the transaction is rolled back, and the calls are written again, claimed the
    slow way. ``accounts``: every id in ``accounts``, when the caller knows them exactly
    (then they are not looked up)."""
    from stethoscope.store.transaction import transaction

    if dialect(con) == "duckdb":
        try:
            with transaction(con) as c:
                return write(c, calls, received_at=received_at, first_try=True, accounts=accounts)
        except _Claimed:
            pass
    with transaction(con) as c:
        return write(c, calls, received_at=received_at, accounts=accounts)


class _Claimed(Exception):
    """A message id of the request was claimed before: write the request again."""


def write(
    store: Connection,
    calls: Sequence[Track | Membership],
    *,
    received_at: dt.datetime,
    first_try: bool = False,
    accounts: AbstractSet[str] | None = None,
) -> Written:
    """Store the calls of one request: memberships first, then the events. ``first_try``
    (DuckDB): claim the message ids with a plain INSERT, raising ``_Claimed`` (the
    transaction is then aborted) when one was claimed before."""
    from stethoscope.store.database import PostgresConnection, ddl

    _refuse_nul(calls)
    con = store
    _serialize(con)
    members = [
        (kind, who, m.account_id, m.via, m.timestamp, received_at)
        for m in calls
        if isinstance(m, Membership)
        for kind, who in (("user", m.user_id), ("anonymous", m.anonymous_id))
        if who is not None
    ]
    if members:
        con.executemany(_UPSERT_MEMBER, members)  # type: ignore[attr-defined]
    all_tracks = [t for t in calls if isinstance(t, Track)]
    if first_try:  # claimed below, from the stage
        tracks = list(_firsts(all_tracks).values())
    else:
        tracks = _claim(con, all_tracks, received_at)
    stored = pending = 0
    if tracks:
        placed = _place(con, tracks, accounts)
        if isinstance(con, PostgresConnection):
            _stage_postgres(con, tracks, placed)
        else:
            con.register(_STAGE, _stage(tracks, placed))  # type: ignore[attr-defined]
        if first_try:
            _claim_staged(con, received_at)
        # an INSERT of no rows still takes a millisecond or two
        if any(a is not None for a in placed):
            stored = _inserted(
                con.execute(
                    ddl(
                        con,
                        f"INSERT INTO events ({_EVENT_COLUMNS}) SELECT account_id, user_id, "
                        'event, "timestamp", CAST(properties AS JSON), message_id FROM '
                        f"{_STAGE} WHERE account_id IS NOT NULL",
                    )
                )
            )
        # the rest has no known account yet
        if any(a is None for a in placed):
            pending = _inserted(
                con.execute(
                    ddl(
                        con,
                        "INSERT INTO pending_events (message_id, user_id, anonymous_id, "
                        'group_id, event, "timestamp", properties, received_at) SELECT '
                        'message_id, user_id, anonymous_id, group_id, event, "timestamp", '
                        f"CAST(properties AS JSON), ? FROM {_STAGE} WHERE account_id IS NULL",
                    ),
                    [received_at],
                )
            )
        # not on failure: DuckDB then refuses every statement until the rollback, and
        # the next register replaces the view
        if not isinstance(con, PostgresConnection):
            con.unregister(_STAGE)  # type: ignore[attr-defined]
    attached = attach(con) if members else 0
    n_members = sum(isinstance(c, Membership) for c in calls)
    return Written(stored, pending, len(all_tracks) - stored - pending, n_members, attached)


def _refuse_nul(calls: Sequence[Track | Membership]) -> None:
    """Refuse calls holding U+0000, on every store: Postgres text and jsonb cannot hold
    it, DuckDB can, and a call must not be kept by one store and not by another. (The
    ingest endpoints refuse such a call first, naming its field.)"""
    for i, c in enumerate(calls):
        if isinstance(c, Track):
            texts: tuple[str | None, ...] = (
                c.message_id,
                c.event,
                c.user_id,
                c.anonymous_id,
                c.group_id,
            )
            in_json = c.properties is not None and json_holds_nul(c.properties)
        else:
            texts, in_json = (c.account_id, c.user_id, c.anonymous_id), False
        if in_json or any(t is not None and "\x00" in t for t in texts):
            raise DataError(
                f"call {i} holds the character U+0000 (NUL), which no store keeps",
                hint="remove it from the call",
            )


def _claim(con: Connection, tracks: list[Track], received_at: dt.datetime) -> list[Track]:
    """The calls whose message_id no earlier request (nor an earlier call of this one)
    brought: each message_id is inserted into ingested_messages, and those it already held
    are left out (a primary key lookup each, not a scan of the events)."""
    first = _firsts(tracks)
    if not first:
        return []
    ids = list(first)
    taken: set[str] = set()
    if dialect(con) == "duckdb":
        import pyarrow as pa

        # a parameter per id makes DuckDB bind and plan a long VALUES list: the ids go in as
        # Arrow data instead (about 2.5x faster for 500)
        con.register(_CLAIMED, pa.table({"message_id": pa.array(ids, pa.string())}))  # type: ignore[attr-defined]
        try:
            rows = con.execute(
                f"INSERT INTO ingested_messages (message_id, received_at) SELECT message_id, ? "
                f"FROM {_CLAIMED} ON CONFLICT DO NOTHING RETURNING message_id",
                [received_at],
            ).fetchall()
        finally:
            con.unregister(_CLAIMED)  # type: ignore[attr-defined]
        taken = {r[0] for r in rows}
        return [t for m, t in first.items() if m in taken]
    for i in range(0, len(ids), _CLAIM_CHUNK):
        chunk = ids[i : i + _CLAIM_CHUNK]
        values = ", ".join(["(?, ?)"] * len(chunk))
        rows = con.execute(
            f"INSERT INTO ingested_messages (message_id, received_at) VALUES {values} "
            "ON CONFLICT DO NOTHING RETURNING message_id",
            [v for m in chunk for v in (m, received_at)],
        ).fetchall()
        taken |= {r[0] for r in rows}
    return [t for m, t in first.items() if m in taken]


def _claim_staged(con: Connection, received_at: dt.datetime) -> None:
    """Claim the message ids of the stage (DuckDB) by a plain INSERT; ``_Claimed`` when
    one was claimed before."""
    import duckdb

    try:
        con.execute(
            f"INSERT INTO ingested_messages (message_id, received_at) SELECT message_id, ? "
            f"FROM {_STAGE}",
            [received_at],
        ).fetchall()
    except duckdb.ConstraintException:  # a duplicate key; DuckDB aborted the transaction
        raise _Claimed from None


def _firsts(tracks: list[Track]) -> dict[str, Track]:
    """The first call of each message_id, by message_id, in order."""
    first: dict[str, Track] = {}
    for t in tracks:
        first.setdefault(t.message_id, t)
    return first


# message ids per INSERT of _claim on Postgres (two parameters each)
_CLAIM_CHUNK = 500
_CLAIMED = "_ingest_claimed"


def _among(con: Connection, column: str) -> str:
    """``column`` is one of the values of a list parameter: DuckDB reads the list as a
    table (a list of 500 ids is then 10x faster than as 500 parameters or list_contains)."""
    if dialect(con) == "postgres":
        return f"{column} = ANY(?)"
    return f"{column} IN (SELECT unnest(?))"


def _place(
    con: Connection, tracks: list[Track], accounts: AbstractSet[str] | None = None
) -> list[str | None]:
    """Each call's account, in the order of the module's docstring, where that account is
    in ``accounts`` (else None: it waits). Looked up for the ids of this request only, and
    only as far as needed: a call that names its account reads no mapping and no contact;
    the accounts' ids themselves are not looked up when the caller gives them all."""
    out: list[str | None] = [t.group_id for t in tracks]
    users = {t.user_id for t, a in zip(tracks, out, strict=True) if a is None and t.user_id}
    anons = {
        t.anonymous_id for t, a in zip(tracks, out, strict=True) if a is None and t.anonymous_id
    }
    mapped: dict[tuple[str, str], str] = {}
    for kind, ids in (("user", users), ("anonymous", anons)):
        if ids:
            rows = con.execute(
                f"SELECT id, account_id FROM user_accounts WHERE kind = ? AND {_among(con, 'id')}",
                [kind, sorted(ids)],
            ).fetchall()
            mapped |= {(kind, r[0]): r[1] for r in rows}
    for i, t in enumerate(tracks):
        if out[i] is None:
            out[i] = mapped.get(("user", t.user_id or "")) or mapped.get(
                ("anonymous", t.anonymous_id or "")
            )
    contacts = sorted(
        {t.user_id for t, a in zip(tracks, out, strict=True) if a is None and t.user_id}
    )
    of_contact: dict[str, str] = {}
    if contacts:
        rows = con.execute(
            f"SELECT id, min(account_id) FROM contacts WHERE {_among(con, 'id')} GROUP BY id",
            [contacts],
        ).fetchall()
        of_contact |= {r[0]: r[1] for r in rows}
    for i, t in enumerate(tracks):
        if out[i] is None and t.user_id:
            out[i] = of_contact.get(t.user_id)
    named = sorted({a for a in out if a is not None})
    known: AbstractSet[str] = set()
    if accounts is not None:
        known = accounts
    elif named:
        rows = con.execute(f"SELECT id FROM accounts WHERE {_among(con, 'id')}", [named]).fetchall()
        known = {r[0] for r in rows}
    return [a if a in known else None for a in out]


def attach(con: Connection) -> int:
    """Move every waiting event whose account is known now into events; the number moved.
    A waiting event whose message_id reached events meanwhile (by an import) is dropped.
    The waiting events are placed as ``write`` places calls (``_place``: lookups for their
    own ids only), so a backlog that cannot be placed yet costs little to look at again."""
    waiting = con.execute(
        "SELECT message_id, user_id, anonymous_id, group_id FROM pending_events"
    ).fetchall()
    if not waiting:
        return 0  # the common case
    _serialize(con)
    calls = [Track(m, "", _NO_TIME, u, a, g) for m, u, a, g in waiting]
    placed = [
        (t.message_id, account)
        for t, account in zip(calls, _place(con, calls), strict=True)
        if account is not None
    ]
    moved = 0
    for i in range(0, len(placed), _CLAIM_CHUNK):
        chunk = placed[i : i + _CLAIM_CHUNK]
        values = ", ".join(["(?, ?)"] * len(chunk))
        moved += _inserted(
            con.execute(
                f"INSERT INTO events ({_EVENT_COLUMNS}) SELECT v.account_id, p.user_id, "
                'p.event, p."timestamp", p.properties, p.message_id FROM pending_events p '
                f"JOIN (VALUES {values}) AS v (message_id, account_id) "
                f"ON v.message_id = p.message_id WHERE {_NOT_IN_EVENTS.format(t='p')}",
                [x for pair in chunk for x in pair],
            )
        )
    if placed:
        con.execute(
            "DELETE FROM pending_events p "
            "WHERE EXISTS (SELECT 1 FROM events e WHERE e.message_id = p.message_id)"
        ).fetchall()
    return moved


# a placeholder time for waiting events being placed (placing reads no time)
_NO_TIME = dt.datetime(1970, 1, 1)


def _serialize(con: Connection) -> None:
    """On Postgres, wait for other processes' ingest transactions to end (see the module)."""
    from stethoscope.store.database import INGEST_LOCK, PostgresConnection

    if isinstance(con, PostgresConnection):
        # outside one, the lock and the stage would not outlive their own statement
        if not con.in_transaction:
            raise StoreError("the ingest writes inside a transaction: begin one first")
        con.execute("SELECT pg_advisory_xact_lock(?)", [INGEST_LOCK]).fetchall()


def _stage_postgres(
    con: PostgresConnection, tracks: list[Track], accounts: list[str | None]
) -> None:
    """The calls in this session's stage table, alone (it empties at commit, and a caller
    may write twice in one transaction)."""
    con.execute(_STAGE_TABLE).fetchall()
    con.execute(f"DELETE FROM {_STAGE}").fetchall()
    names = ", ".join(f'"{c}"' for c in _STAGE_COLUMNS)
    with con.raw.cursor() as cur, cur.copy(f"COPY {_STAGE} ({names}) FROM STDIN") as copy:
        for pos, (t, account) in enumerate(zip(tracks, accounts, strict=True)):
            row = (pos, account, t.message_id, t.user_id, t.anonymous_id, t.group_id, t.event)
            copy.write_row((*row, t.timestamp, t.properties))


def _stage(tracks: list[Track], accounts: list[str | None]) -> object:
    import pyarrow as pa

    text = pa.string()
    return pa.table(
        {
            "pos": pa.array(range(len(tracks)), pa.int64()),
            "account_id": pa.array(accounts, text),
            "message_id": pa.array([t.message_id for t in tracks], text),
            "user_id": pa.array([t.user_id for t in tracks], text),
            "anonymous_id": pa.array([t.anonymous_id for t in tracks], text),
            "group_id": pa.array([t.group_id for t in tracks], text),
            "event": pa.array([t.event for t in tracks], text),
            "timestamp": pa.array([t.timestamp for t in tracks], pa.timestamp("us")),
            "properties": pa.array([t.properties for t in tracks], text),
        }
    )


def _inserted(result: Cursor) -> int:
    row = result.fetchone()
    return int(row[0]) if row else 0

"""Forgetting: erase what the store holds about an account or a person (GDPR art. 17, CCPA).

``forget_account`` and ``forget_contact`` each work in one transaction and report the rows
deleted and updated per table. The audit log records the erasure under a pseudonymous
reference, never the id itself. docs/concepts/privacy.md says exactly what is erased, table
by table: keep the two in step.

The erasure runs on DuckDB and on Postgres alike; where their SQL differs (lists, JSON,
the catalog, row ids) ``_Sql`` holds each dialect's words.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from stethoscope.contract.schema import TABLES, derived_key, q
from stethoscope.contract.versions import VERSIONS
from stethoscope.store import audit, lake
from stethoscope.store.database import PostgresConnection, dialect
from stethoscope.store.transaction import transaction

if TYPE_CHECKING:
    from stethoscope.contract.schema import Table
    from stethoscope.store.database import Connection

ERASED = "[erased]"

# Keys of a JSON object that identify a person, compared lower case without "_" and "-":
# dropped, at any depth, from the person's own events (Segment sends traits, IP and user
# agent there). A bare "name" is not among them: in events it mostly names a thing.
IDENTIFYING_KEYS = frozenset(
    {
        "email",
        "emailaddress",
        "phone",
        "phonenumber",
        "mobile",
        "firstname",
        "lastname",
        "fullname",
        "username",
        "userid",
        "anonymousid",
        "contactid",
        "ip",
        "ipaddress",
        "address",
        "streetaddress",
        "traits",
        "useragent",
        "avatar",
    }
)

# Columns holding a contact id. The person's survey answers also lose their comment.
CONTACT_REFERENCES: tuple[tuple[str, str], ...] = (
    ("events", "user_id"),
    ("tickets", "contact_id"),
    ("surveys", "contact_id"),
    ("touchpoints", "contact_id"),
)
# Free text that may mention a person by name or email: mentions become ERASED.
FREE_TEXT: tuple[tuple[str, str], ...] = (
    ("surveys", "comment"),
    ("touchpoints", "note"),
    ("tasks", "title"),
    ("goals", "name"),
    ("csm_inputs", "reason"),
    ("csm_inputs", "revoke_reason"),
    ("tasks", "reason"),
    ("task_undo", "reason"),
)
# Tables holding rows of an account (by account_id), besides the source tables and the
# per-version detail tables: forget_account deletes the account's rows from each
# (source_written: what a CRM was last sent of the account's score, by the write-back).
RESULT_TABLES: tuple[str, ...] = (
    "score_history",
    "current_scores",
    "csm_inputs",
    "source_written",
)
# The alerts layer's rows of an account (store.alerts); the messages composed for its alerts
# and tasks (``deliveries``, which name no account) go with them, sent or not.
ALERT_TABLES: tuple[str, ...] = ("task_undo", "tasks", "alerts")
DELIVERIES = "deliveries"
DETAIL_PREFIX = "score_detail__"
# JSON columns, with the column naming the account a row belongs to.
JSON_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("accounts", "id", "attributes"),
    (VERSIONS, "id", "attributes"),
    ("events", "account_id", "properties"),
)
# The ingest's tables (store.ingest): which account each tracked user is in, and events that
# wait for their account to be known, placed as the ingest places them.
USER_ACCOUNTS, PENDING = "user_accounts", "pending_events"
_PENDING_ACCOUNT = (
    "coalesce(group_id, "
    "(SELECT m.account_id FROM user_accounts m WHERE m.kind = 'user' AND m.id = p.user_id), "
    "(SELECT m.account_id FROM user_accounts m WHERE m.kind = 'anonymous' "
    "AND m.id = p.anonymous_id), "
    "(SELECT min(c.account_id) FROM contacts c WHERE c.id = p.user_id))"
)
# Every column naming an account or a person that forget knows how to erase (besides the
# score_detail__* tables): tests/store/test_privacy.py fails on a column not in here.
KNOWN_COLUMNS: frozenset[tuple[str, str]] = frozenset(
    {(t, "account_id") for t in TABLES if t != "accounts"}
    | {("accounts", "id"), ("accounts", "parent_id")}
    | {(VERSIONS, "id"), (VERSIONS, "parent_id")}
    | {(t, "account_id") for t in (*RESULT_TABLES, *ALERT_TABLES)}
    | set(CONTACT_REFERENCES)
    | {(USER_ACCOUNTS, "id"), (USER_ACCOUNTS, "account_id")}
    | {(PENDING, "user_id"), (PENDING, "anonymous_id"), (PENDING, "group_id")}
)


@dataclass(frozen=True)
class Erasure:
    subject: str  # "account" or "contact"
    reference: str  # how the audit log names the subject (see ``reference``)
    deleted: dict[str, int]  # rows deleted, per table
    updated: dict[str, int]  # rows changed (a reference or a mention removed), per table

    @property
    def rows(self) -> int:
        return sum(self.deleted.values()) + sum(self.updated.values())


def reference(subject: str, subject_id: str) -> str:
    """The audit log's name for an erased subject: a hash of its id. Whoever knows the id
    can confirm that it was erased; the log alone does not tell whose data it was."""
    digest = hashlib.sha256(f"{subject}:{subject_id}".encode()).hexdigest()
    return f"{subject}:{digest[:16]}"


def forget_account(store: Connection, account_id: str, *, actor: str) -> Erasure:
    """Delete every row of the account: source data, scores, CSM inputs; unlink its
    contacts from other accounts' rows and its id from the audit log."""
    con = store
    ref = reference("account", account_id)
    w = _Work(con)
    sql = w.sql
    with transaction(con):
        contacts = [
            r[0]
            for r in con.execute(
                "SELECT id FROM contacts WHERE account_id = ?", [account_id]
            ).fetchall()
        ]
        # the ingest's events that would be placed in the account, and its users' places
        w.delete_where(
            PENDING,
            f"message_id IN (SELECT p.message_id FROM {PENDING} p WHERE {_PENDING_ACCOUNT} = ?)",
            [account_id],
        )
        w.delete(USER_ACCOUNTS, "account_id", account_id)
        for name in TABLES:
            w.delete(name, "id" if name == "accounts" else "account_id", account_id)
        # the account's earlier values (contract.versions) go with it
        w.delete(VERSIONS, "id", account_id)
        # children keep their rows, not the parent's id (detail tables copy parent_id)
        for table in ("accounts", VERSIONS, *_detail_tables(con)):
            if _has_column(con, table, "parent_id"):
                w.update(table, "parent_id = NULL", [], "parent_id = ?", [account_id])
        _unlink(w, contacts)
        # its people's events waiting to be placed in another account keep no trace of them
        w.update(
            PENDING,
            "user_id = NULL, anonymous_id = NULL",
            [],
            sql.among("user_id"),
            [contacts],
        )
        w.delete_where(
            DELIVERIES,
            "alert_id IN (SELECT id FROM alerts WHERE account_id = ?) "
            "OR task_id IN (SELECT id FROM tasks WHERE account_id = ?)",
            [account_id, account_id],
        )
        for table in (*RESULT_TABLES, *ALERT_TABLES, *_detail_tables(con)):
            w.delete(table, "account_id", account_id)
        # and the detail that runs keep in a lakehouse (Parquet files, rewritten without it)
        w.counted = lake.forget_account(con, account_id)
        # earlier entries keep what happened, no longer to which account
        w.update("audit_log", sql.set_account_id, [ref], sql.account_id_is, [account_id])
        _drop_scratch(con)
        erasure = w.erasure("account", ref)
        _record(con, actor, erasure)
    _checkpoint(con)
    return erasure


def forget_contact(store: Connection, contact_id: str, *, actor: str) -> Erasure:
    """Delete the contact; keep what it did (events, answers, tickets) without it; erase its
    email and name wherever they are mentioned in the accounts it belongs to."""
    con = store
    ref = reference("contact", contact_id)
    w = _Work(con)
    sql = w.sql
    with transaction(con):
        person = con.execute(
            "SELECT account_id, email, name FROM contacts WHERE id = ?", [contact_id]
        ).fetchall()
        accounts = {r[0] for r in person}
        for table, column in CONTACT_REFERENCES:
            rows = con.execute(
                f"SELECT DISTINCT account_id FROM {q(table)} WHERE {q(column)} = ?", [contact_id]
            ).fetchall()
            accounts |= {r[0] for r in rows}
        placed = con.execute(
            f"SELECT account_id FROM {USER_ACCOUNTS} WHERE kind = 'user' AND id = ?", [contact_id]
        ).fetchall()
        accounts |= {r[0] for r in placed}
        who = _Person(contact_id, [v for r in person for v in r[1:] if v])
        scope = sorted(accounts)
        _forget_tracked_user(w, who)
        for table, scope_column, column in JSON_COLUMNS:
            own = ("user_id = ?", [contact_id]) if table == "events" else None
            _scrub_json(w, who, table, column, (sql.among(q(scope_column)), [scope]), own)
        for table, column in FREE_TEXT:
            _redact_text(w, who, table, column, scope)
        # detail tables copy the accounts' attributes, and metrics that read them; their
        # copies of the other account columns are left as the accounts table has them
        for table in _detail_tables(con):
            for column, kind in _text_columns(con, table):
                if kind == "JSON":
                    _scrub_json(w, who, table, column, (sql.among("account_id"), [scope]))
                elif column not in (*TABLES["accounts"].names, "account_id", "run_id"):
                    _redact_text(w, who, table, column, scope)
        # messages to the person (a playbook's customer email), sent or waiting, go with them
        emails = [r[1].lower() for r in person if r[1]]
        if emails:
            w.delete_where(
                DELIVERIES, f"lower(recipient) IN ({', '.join('?' for _ in emails)})", emails
            )
        _unlink(w, [contact_id])
        w.delete("contacts", "id", contact_id)
        _drop_scratch(con)
        erasure = w.erasure("contact", ref)
        _record(con, actor, erasure)
    _checkpoint(con)
    return erasure


def _checkpoint(con: Connection) -> None:
    """Move the committed erasure from the write-ahead log into the database file, so the
    log no longer holds the erased rows. (Postgres reclaims the old row versions when it
    vacuums the tables, which autovacuum does on its own.)"""
    if isinstance(con, PostgresConnection):
        return
    import duckdb

    # the erasure is committed either way; DuckDB checkpoints on its own later
    with contextlib.suppress(duckdb.Error):
        con.execute("CHECKPOINT").fetchall()


def _record(con: Connection, actor: str, e: Erasure) -> None:
    audit.record(
        con,
        actor,
        "privacy.forget",
        e.reference,
        {"subject": e.subject, "deleted": e.deleted, "updated": e.updated},
    )


class _Sql:
    """The SQL of an erasure that differs between DuckDB and Postgres. A row is named by its
    ``rowid`` on DuckDB and its ``ctid`` (as text) on Postgres."""

    def __init__(self, con: Connection) -> None:
        self.postgres = dialect(con) == "postgres"
        self.row = "CAST(ctid AS VARCHAR)" if self.postgres else "rowid"
        self.json = "JSONB" if self.postgres else "JSON"
        # entries of the audit log naming an account, and that name replaced by a reference
        self.account_id_is = (
            "detail ->> 'account_id' = ?"
            if self.postgres
            else "json_extract_string(detail, '$.account_id') = ?"
        )
        self.set_account_id = (
            "detail = jsonb_set(detail, '{account_id}', to_jsonb(CAST(? AS VARCHAR)))"
            if self.postgres
            else "detail = json_merge_patch(detail, json_object('account_id', ?))"
        )

    def among(self, column: str) -> str:
        """``column`` (SQL) is one of the list given as a parameter."""
        if self.postgres:
            return f"{column} = ANY(CAST(? AS VARCHAR[]))"
        return f"list_contains(?, {column})"

    def contains(self, text: str) -> str:
        """``text`` (SQL) contains the string given as a parameter."""
        return f"strpos({text}, ?) > 0" if self.postgres else f"contains({text}, ?)"

    def derived_key(self, t: Table, values: dict[str, str] | None = None) -> str:
        """``schema.derived_key``, the same hash in Postgres's words."""
        if not self.postgres:
            return derived_key(t, values)
        parts = ", ".join(f"CAST({(values or {}).get(c, q(c))} AS VARCHAR)" for c in t.natural_key)
        return f"md5(CAST(to_json(ARRAY[{parts}]) AS VARCHAR))"


class _Work:
    """Deletes and updates of one erasure, counting distinct rows per table."""

    def __init__(self, con: Connection) -> None:
        self.con = con
        self.sql = _Sql(con)
        self.deleted: dict[str, int] = {}
        self.updated: dict[str, set[Any]] = {}
        # Postgres: a row's ctid changes when it is updated; its ctid now -> its first one
        self.first: dict[str, dict[str, str]] = {}
        self.counted: tuple[dict[str, int], dict[str, int]] = ({}, {})

    def delete(self, table: str, column: str, value: str) -> None:
        row = self.con.execute(f"DELETE FROM {q(table)} WHERE {q(column)} = ?", [value]).fetchone()
        if row and row[0]:
            self.deleted[table] = self.deleted.get(table, 0) + int(row[0])

    def delete_where(self, table: str, where: str, params: list[Any]) -> None:
        row = self.con.execute(f"DELETE FROM {q(table)} WHERE {where}", params).fetchone()
        if row and row[0]:
            self.deleted[table] = self.deleted.get(table, 0) + int(row[0])

    def update(
        self, table: str, sets: str, set_params: list[Any], where: str, params: list[Any]
    ) -> None:
        if self.sql.postgres:
            moved = self.con.execute(
                f"UPDATE {q(table)} SET {sets} FROM (SELECT ctid AS old FROM {q(table)} "
                f"WHERE {where}) _erasure WHERE {q(table)}.ctid = _erasure.old "
                f"RETURNING CAST(_erasure.old AS VARCHAR), CAST({q(table)}.ctid AS VARCHAR)",
                [*set_params, *params],
            ).fetchall()
            self.moved(table, [(r[0], r[1]) for r in moved])
            return
        rowids = self.con.execute(f"SELECT rowid FROM {q(table)} WHERE {where}", params).fetchall()
        if rowids:
            self.con.execute(
                f"UPDATE {q(table)} SET {sets} WHERE {where}", [*set_params, *params]
            ).fetchall()
            self.touched(table, [r[0] for r in rowids])

    def touched(self, table: str, rowids: list[Any]) -> None:
        self.updated.setdefault(table, set()).update(rowids)

    def moved(self, table: str, ctids: list[tuple[str, str]]) -> None:
        """Postgres rows updated, by (ctid before, ctid after): counted by their first ctid."""
        first = self.first.setdefault(table, {})
        for old, new in ctids:
            first[new] = first.pop(old, old)
        self.touched(table, [first[new] for _, new in ctids])

    def apply(
        self, table: str, column: str, changes: list[tuple[Any, str | None]], *, is_json: bool
    ) -> None:
        """Set ``column`` of the rows given by rowid (ctid); re-derive a key derived from it."""
        import pyarrow as pa

        if not changes:
            return
        t = TABLES.get(table)
        value = f"CAST(_erasure.v AS {self.sql.json})" if is_json else "_erasure.v"
        sets = [f"{q(column)} = {value}"]
        if t is not None and column in t.natural_key:
            sets.append(_rederived(self.sql, table, {column: value}))
        if isinstance(self.con, PostgresConnection):
            moved = self.con.execute(
                f"UPDATE {q(table)} SET {', '.join(sets)} FROM unnest(CAST(? AS VARCHAR[]), "
                f"CAST(? AS VARCHAR[])) AS _erasure (r, v) "
                f"WHERE {q(table)}.ctid = CAST(_erasure.r AS tid) "
                f"RETURNING _erasure.r, CAST({q(table)}.ctid AS VARCHAR)",
                [[r for r, _ in changes], [v for _, v in changes]],
            ).fetchall()
            self.moved(table, [(r[0], r[1]) for r in moved])
            return
        self.con.register(  # type: ignore[attr-defined]
            "_erasure",
            pa.table(
                {
                    "r": pa.array([r for r, _ in changes], pa.int64()),
                    "v": pa.array([v for _, v in changes], pa.string()),
                }
            ),
        )
        try:
            self.con.execute(
                f"UPDATE {q(table)} SET {', '.join(sets)} FROM _erasure "
                f"WHERE {q(table)}.rowid = _erasure.r"
            ).fetchall()
        finally:
            self.con.unregister("_erasure")  # type: ignore[attr-defined]
        self.touched(table, [r for r, _ in changes])

    def erasure(self, subject: str, ref: str) -> Erasure:
        updated = {t: len(rows) for t, rows in self.updated.items() if rows}
        deleted, changed = self.counted  # counted elsewhere (store.lake)
        return Erasure(subject, ref, self.deleted | deleted, updated | changed)


def _rederived(sql: _Sql, table: str, values: dict[str, str]) -> str:
    """SET clause keeping a derived key derived: a row whose id was derived from its natural
    key gets the id derived from the new values (ids given in the file stay)."""
    t = TABLES[table]
    return (
        f"id = CASE WHEN {q(table)}.id = {sql.derived_key(t)} "
        f"THEN {sql.derived_key(t, values)} ELSE {q(table)}.id END"
    )


def _unlink(w: _Work, contact_ids: list[str]) -> None:
    """Remove references to these contacts; the rows stay, anonymous."""
    if not contact_ids:
        return
    for table, column in CONTACT_REFERENCES:
        sets = [f"{q(column)} = NULL"]
        if table == "surveys":
            sets.append("comment = NULL")  # the person's own words
        if column in TABLES[table].natural_key:
            sets.append(_rederived(w.sql, table, {column: "NULL"}))
        w.update(table, ", ".join(sets), [], w.sql.among(q(column)), [contact_ids])


def _detail_tables(con: Connection) -> list[str]:
    if dialect(con) == "postgres":
        rows = con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = "
            "current_schema() AND table_type = 'BASE TABLE' AND starts_with(table_name, ?) "
            "ORDER BY table_name",
            [DETAIL_PREFIX],
        ).fetchall()
        return [r[0] for r in rows]
    rows = con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() "
        "AND schema_name = 'main' AND NOT temporary "
        "AND starts_with(table_name, ?) ORDER BY table_name",
        [DETAIL_PREFIX],
    ).fetchall()
    return [r[0] for r in rows]


def _text_columns(con: Connection, table: str) -> list[tuple[str, str]]:
    """(column, VARCHAR or JSON) of a table of the store."""
    if dialect(con) == "postgres":
        kinds = {"character varying": "VARCHAR", "text": "VARCHAR", "jsonb": "JSON", "json": "JSON"}
        rows = con.execute(
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema "
            "= current_schema() AND table_name = ? AND data_type IN "
            "('character varying', 'text', 'jsonb', 'json') ORDER BY ordinal_position",
            [table],
        ).fetchall()
        return [(r[0], kinds[r[1]]) for r in rows]
    rows = con.execute(
        "SELECT column_name, data_type FROM duckdb_columns() WHERE database_name = "
        "current_database() AND schema_name = 'main' AND table_name = ? "
        "AND data_type IN ('VARCHAR', 'JSON') ORDER BY column_index",
        [table],
    ).fetchall()
    return [(r[0], r[1]) for r in rows]


def _has_column(con: Connection, table: str, column: str) -> bool:
    return any(c == column for c, _ in _text_columns(con, table))


def _drop_scratch(con: Connection) -> None:
    """Temporary tables of this connection with account rows (explain's and diff's frames)."""
    if dialect(con) == "postgres":
        rows = con.execute(
            "SELECT DISTINCT c.relname FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid "
            "WHERE c.relnamespace = pg_my_temp_schema() AND c.relkind = 'r' "
            "AND a.attname = 'account_id' AND NOT a.attisdropped"
        ).fetchall()
        for (name,) in rows:
            con.execute(f"DROP TABLE IF EXISTS pg_temp.{q(name)}").fetchall()
        return
    rows = con.execute(
        "SELECT DISTINCT table_name FROM duckdb_columns() WHERE database_name = 'temp' "
        "AND column_name = 'account_id'"
    ).fetchall()
    for (name,) in rows:
        con.execute(f"DROP TABLE IF EXISTS temp.main.{q(name)}").fetchall()


class _Person:
    """What identifies a contact in data: its id (as a whole value), its email and name
    (wherever they occur, as whole words, in any case)."""

    def __init__(self, contact_id: str, words: list[str]) -> None:
        self.id = contact_id
        kept = sorted({w.strip() for w in words if w.strip()}, key=len, reverse=True)
        self.words = [w.lower() for w in kept]
        self.pattern = (
            re.compile("|".join(rf"(?<!\w){re.escape(w)}(?!\w)" for w in kept), re.I)
            if kept
            else None
        )

    def redact(self, text: str) -> str:
        return self.pattern.sub(ERASED, text) if self.pattern else text

    def scrub(self, value: Any, own: bool) -> Any:
        """``value`` without this person: strings that are its id dropped, mentions
        redacted, and in its own rows the identifying keys dropped."""
        if isinstance(value, str):
            return _DROP if value.strip() == self.id else self.redact(value)
        if isinstance(value, dict):
            out = {}
            for k, v in value.items():
                if own and _normal(k) in IDENTIFYING_KEYS:
                    continue
                s = self.scrub(v, own)
                if s is not _DROP:
                    out[k] = s
            return out
        if isinstance(value, list):
            return [s for v in value if (s := self.scrub(v, own)) is not _DROP]
        return value


_DROP = object()


def _normal(key: str) -> str:
    return key.lower().replace("_", "").replace("-", "")


def _scrub_json(
    w: _Work,
    who: _Person,
    table: str,
    column: str,
    scope: tuple[str, list[Any]],
    own: tuple[str, list[Any]] | None = None,
) -> None:
    """Scrub the person from a JSON column, in the rows of ``scope`` (SQL, parameters);
    in the rows of ``own``, the person's own, identifying keys go too."""
    own_sql, own_params = own or ("false", [])
    needles = [who.id.lower(), *who.words]
    found = " OR ".join(w.sql.contains(f"lower(CAST({q(column)} AS VARCHAR))") for _ in needles)
    rows = w.con.execute(
        f"SELECT {w.sql.row}, CAST({q(column)} AS VARCHAR), {own_sql} FROM {q(table)} "
        f"WHERE ({scope[0]}) AND {q(column)} IS NOT NULL AND (({own_sql}) OR {found})",
        [*own_params, *scope[1], *own_params, *needles],
    ).fetchall()
    changes: list[tuple[Any, str | None]] = []
    for rowid, text, is_own in rows:
        old = json.loads(text)
        new = who.scrub(old, bool(is_own))
        if new != old:
            changes.append((rowid, None if new is _DROP else json.dumps(new, ensure_ascii=False)))
    w.apply(table, column, changes, is_json=True)


def _forget_tracked_user(w: _Work, who: _Person) -> None:
    """The ingest's traces of a person: where it placed them and their anonymous ids, and
    their events still waiting for an account (kept anonymous when they name their account,
    deleted when nothing could place them any more)."""
    anonymous = [
        r[0]
        for r in w.con.execute(
            f"SELECT DISTINCT anonymous_id FROM {PENDING} "
            "WHERE user_id = ? AND anonymous_id IS NOT NULL",
            [who.id],
        ).fetchall()
    ]
    own = f"user_id = ? OR {w.sql.among('anonymous_id')}"
    params: list[Any] = [who.id, anonymous]
    w.delete_where(PENDING, f"({own}) AND group_id IS NULL", params)
    _scrub_json(w, who, PENDING, "properties", ("true", []), (own, params))
    w.update(PENDING, "user_id = NULL, anonymous_id = NULL", [], own, params)
    w.delete_where(
        USER_ACCOUNTS,
        f"(kind = 'user' AND id = ?) OR (kind = 'anonymous' AND {w.sql.among('id')})",
        params,
    )


def _redact_text(w: _Work, who: _Person, table: str, column: str, accounts: list[str]) -> None:
    if not accounts or not who.words:
        return
    found = " OR ".join(w.sql.contains(f"lower({q(column)})") for _ in who.words)
    rows = w.con.execute(
        f"SELECT {w.sql.row}, {q(column)} FROM {q(table)} "
        f"WHERE {w.sql.among('account_id')} AND ({found})",
        [accounts, *who.words],
    ).fetchall()
    changes: list[tuple[Any, str | None]] = []
    for rowid, text in rows:
        new = who.redact(text)
        if new != text:
            changes.append((rowid, new))
    w.apply(table, column, changes, is_json=False)

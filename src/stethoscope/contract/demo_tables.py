"""One chunk of the demo book as Arrow tables: the shared helpers, and the contract's tables.

``Book`` holds a chunk's arrays (accounts, health, calendar, outcomes) and the ids every
table shares; the accounts (as they started, and the rows of those that changed), the
subscription lines, invoices and deals, and the outcomes are written here, the behaviour
tables in ``demo``.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from stethoscope.contract import demo_vocab as v
from stethoscope.contract.demo_behaviour import DAY_US, Accounts, Calendar, Health, Rows
from stethoscope.contract.demo_contract import BILLING_EVENTS, OWNER, PLAN, SEGMENT
from stethoscope.contract.demo_outcomes import PRODUCTS, RUNNING, Outcomes, group_rank
from stethoscope.contract.schema import TABLES, arrow_schema


def arrow_table(name: str, columns: dict[str, pa.Array | np.ndarray]) -> pa.Table:
    schema = arrow_schema(TABLES[name])
    arrays = []
    for f in schema:
        col = columns.get(f.name)
        if col is None:  # an optional column the generator leaves empty
            assert f.nullable, f.name
            arrays.append(pa.nulls(next(len(c) for c in columns.values()), type=f.type))
            continue
        arrays.append(
            pa.array(col, type=f.type) if isinstance(col, np.ndarray) else col.cast(f.type)
        )
    return pa.Table.from_arrays(arrays, schema=schema)


def grid_dates(cal: Calendar, day: np.ndarray) -> np.ndarray:
    return np.datetime64(cal.sim0, "D") + day.astype(np.int64)


def grid_times(cal: Calendar, us: np.ndarray) -> np.ndarray:
    return (cal.epoch_us + us).astype("datetime64[us]")


class Book:
    """One chunk turned into tables: ids, contacts and the columns every table shares."""

    def __init__(
        self,
        rng: np.random.Generator,
        acc: Accounts,
        health: Health,
        cal: Calendar,
        out: Outcomes,
        *,
        caused: bool = False,
    ) -> None:
        self.rng, self.acc, self.health, self.cal, self.out = rng, acc, health, cal, out
        # churn decided at every term end (--causes random), not at anniversaries
        self.caused = caused
        self.ids = v.ids("acc_", acc.index + 1, 6)
        self.contacts = acc.holders + acc.execs
        self.offset = np.concatenate([[0], np.cumsum(self.contacts)[:-1]])

    def alive(self, a: np.ndarray, us: np.ndarray) -> np.ndarray:
        """Rows inside the book and before the account churned."""
        day = us // DAY_US
        return np.asarray((day >= self.cal.first) & (day < self.out.churn_day[a]))

    def contact(
        self, a: np.ndarray, role: np.ndarray, us: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """A contact of account ``a`` in ``role`` (champion 0, admin 1, user 2, executive 3).

        A champion who has left is replaced by the second champion, or else by an admin.
        """
        acc = self.acc
        ch, ad = acc.champions[a], acc.admins[a]
        gone = (role == 0) & (us // DAY_US >= self.health.lost[a])
        role = np.where(gone & (ch < 2), 1, role)
        skip = (gone & (ch >= 2)).astype(np.int64)
        base = np.choose(np.maximum(role, 0), [skip, ch, ch + ad, acc.holders[a]])
        size = np.choose(
            np.maximum(role, 0), [ch - skip, ad, acc.holders[a] - ch - ad, acc.execs[a]]
        )
        return base + (self.rng.random(len(a)) * size).astype(np.int64), role

    def contact_ids(
        self, a: np.ndarray, k: np.ndarray, valid: np.ndarray | None = None
    ) -> pa.Array:
        return v.join(v.pick(self.ids, a, valid), "-u", v.number_text(k, 4))

    def row_ids(self, a: np.ndarray, tag: str) -> pa.Array:
        """``acc_000001-t00003``: the account's id, a tag and the row's rank in the account."""
        return v.join(self.ids.take(pa.array(a)), tag, v.number_text(group_rank(a), 5))


def accounts_table(b: Book, changes: Rows | None = None) -> pa.Table:
    """Every account as it started; with ``changes``, the rows of accounts that changed.

    A change row is the whole row with the new owner, plan or segment and ``updated_at``
    when it took effect, to be upserted after the first rows.
    """
    acc, out = b.acc, b.out
    owner, plan, segment = acc.owner.copy(), acc.plan.copy(), acc.segment.copy()
    updated = acc.since * DAY_US
    if changes is not None:
        for kind, column in ((OWNER, owner), (PLAN, plan), (SEGMENT, segment)):
            k = changes["kind"] == kind
            column[changes["account"][k]] = changes["value"][k]
        updated = updated.copy()
        updated[changes["account"]] = changes["us"]
    words, endings = v.strings(v.COMPANY_WORDS), v.strings(v.COMPANY_ENDINGS)
    regulated = v.pick(v.strings(("false", "true")), acc.regulated.astype(np.int64))
    table = arrow_table(
        "accounts",
        {
            "id": b.ids,
            "name": v.join(v.pick(words, acc.word), " ", v.pick(endings, acc.ending)),
            "owner": v.pick(v.strings(v.CSMS), owner),
            "segment": v.pick(v.strings(v.SEGMENTS), segment),
            "industry": v.pick(v.strings(v.INDUSTRIES), acc.industry),
            "plan": v.pick(v.strings(v.PLANS), plan),
            "arr": np.round(out.arr, 2),
            "seats": out.seats,
            "customer_since": grid_dates(b.cal, acc.since),
            "renewal_date": pa.array(grid_dates(b.cal, out.renewal), mask=out.renewal < 0),
            "parent_id": v.pick(b.ids, np.maximum(acc.parent, 0), acc.parent >= 0),
            "attributes": v.join(
                '{"region": "',
                v.pick(v.strings(v.REGIONS), acc.region),
                '", "regulated": ',
                regulated,
                "}",
            ),
            "updated_at": grid_times(b.cal, updated),
        },
    )
    return table if changes is None else table.take(pa.array(changes["account"]))


def subscriptions_table(b: Book, changes: Rows) -> pa.Table:
    acc, cal, lines = b.acc, b.cal, b.out.lines
    a, product = lines["account"], lines["product"]
    products = v.strings(tuple(f"platform-{p}" for p in v.PLANS) + PRODUCTS)
    # the core line names the plan in force when it starts
    new_plan = changes["kind"] == PLAN
    plan_day = np.full(acc.n, RUNNING)
    plan_day[changes["account"][new_plan]] = changes["day"][new_plan]
    plan = acc.plan.copy()
    plan[changes["account"][new_plan]] = changes["value"][new_plan]
    core_plan = np.where(lines["start"] >= plan_day[a], plan[a], acc.plan[a])
    name = np.where(product == 0, core_plan, len(v.PLANS) - 1 + product)
    running = lines["end"] == RUNNING
    return arrow_table(
        "subscriptions",
        {
            "id": b.row_ids(a, "-sub"),
            "account_id": v.pick(b.ids, a),
            "product": v.pick(products, name),
            "mrr": np.round(lines["mrr"], 2),
            "quantity": lines["quantity"],
            "start_date": grid_dates(cal, lines["start"]),
            "end_date": pa.array(grid_dates(cal, np.where(running, 0, lines["end"])), mask=running),
            "term_months": acc.term[a],
        },
    )


def billing_table(b: Book, extra: np.random.Generator, rows: Rows) -> pa.Table:
    """Invoices and deals, sent by the billing system and the CRM: no user, a value."""
    a, value = rows["account"], rows["value"]
    text = pc.cast(pa.array(np.round(value, 2)), pa.string())
    return arrow_table(
        "events",
        {
            "account_id": v.pick(b.ids, a),
            "user_id": pa.nulls(len(a), pa.string()),
            "event": v.pick(v.strings(BILLING_EVENTS), rows["kind"]),
            "timestamp": grid_times(b.cal, rows["us"]),
            "properties": v.join('{"value": ', text, ', "currency": "USD"}'),
            "message_id": v.uuids(extra, np.ones(len(a), dtype=bool)),
        },
    )


def outcomes_table(b: Book) -> pa.Table:
    r = b.out.rows
    return arrow_table(
        "outcomes",
        {
            "id": b.row_ids(r["account"], "-o"),
            "account_id": v.pick(b.ids, r["account"]),
            "kind": v.pick(v.strings(("renewed", "churned", "expanded", "contracted")), r["kind"]),
            "date": grid_dates(b.cal, r["day"]),
            "arr_change": np.round(r["arr_change"], 2),
        },
    )

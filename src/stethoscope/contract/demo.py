"""The demo book: a realistic, deterministic SaaS customer book written to the contract.

``generate_book`` writes one Parquet file per source table. Accounts are generated in
chunks of ``CHUNK`` (a fixed size, so the book never depends on the machine), each chunk
from its own random stream ``default_rng([seed, chunk])``; only one chunk is ever held in
memory, and its events are written in batches. How accounts behave and why they churn is
in ``demo_behaviour``, ``demo_outcomes`` and ``demo_causes``, their contracts in
``demo_contract``; this module and ``demo_tables`` turn their arrays into tables.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from stethoscope.contract import demo_vocab as v
from stethoscope.contract.demo_behaviour import (
    DAY_US,
    Calendar,
    Rows,
    breadth,
    calendar,
    draw_accounts,
    draw_health,
    draw_surveys,
    draw_tickets,
    draw_touchpoints,
    engagement,
    event_counts,
    sigmoid,
    work_time,
)
from stethoscope.contract.demo_causes import CAUSES_FILE, Causes, draw_causes, rule, write_causes
from stethoscope.contract.demo_contract import (
    attribute_changes,
    billing_events,
    draw_contracts,
    draw_deals,
    term_starts,
)
from stethoscope.contract.demo_outcomes import decide, group_rank
from stethoscope.contract.demo_tables import (
    Book,
    accounts_table,
    arrow_table,
    billing_table,
    grid_dates,
    grid_times,
    outcomes_table,
    subscriptions_table,
)
from stethoscope.contract.schema import TABLES, arrow_schema

CHANGES_FILE = "accounts_changes.parquet"
CAUSE_MODES = ("random",)

CHUNK = 5_000
# events are written in batches of about this many rows
EVENT_BATCH = 1_000_000


@dataclass(frozen=True)
class BookInfo:
    paths: dict[str, Path]  # table name -> Parquet file, for every table in TABLES
    rows: dict[str, int]  # table name -> rows written
    start: date  # first day of generated activity
    end: date  # last day (inclusive)
    # accounts rows as they changed during the book, to upsert after ``paths["accounts"]``
    changes: Path
    # the drawn causes of churn (``causes="random"``), for tests only; None otherwise
    causes: Path | None = None


def generate_book(
    out_dir: Path,
    *,
    accounts: int = 2000,
    months: int = 12,
    seed: int = 0,
    end: date | None = None,
    activity: float = 1.0,
    causes: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> BookInfo:
    """Write a demo customer book of ``accounts`` accounts and ``months`` of activity.

    The same arguments give the same tables. ``activity`` multiplies the volume of product
    events; ``causes="random"`` draws the causes of churn from the seed (``demo_causes``)
    and writes them to ``causes.json`` beside the tables; ``progress`` is called with the
    number of accounts done after each chunk. Files appear only when the whole book is written.
    """
    if accounts < 1 or months < 1 or not activity > 0:
        raise ValueError(
            f"need accounts >= 1, months >= 1 and activity > 0; got "
            f"accounts={accounts}, months={months}, activity={activity}"
        )
    if causes is not None and causes not in CAUSE_MODES:
        raise ValueError(f"causes: expected one of {', '.join(CAUSE_MODES)}, got {causes!r}")
    drawn = draw_causes(seed) if causes else None
    end = end or datetime.now(UTC).date()
    start = _months_before(end, months)
    cal = calendar(start, end)
    # customer_since is spread over this many days before the end
    history = max(3 * 365, (end - start).days + 365)
    out_dir.mkdir(parents=True, exist_ok=True)
    files = {name: f"{name}.parquet" for name in TABLES} | {CHANGES: CHANGES_FILE}
    paths = {name: out_dir / f for name, f in files.items()}
    parts = {name: out_dir / f".{f}.part" for name, f in files.items()}
    rows = dict.fromkeys(files, 0)
    causes_path, causes_part = out_dir / CAUSES_FILE, out_dir / f".{CAUSES_FILE}.part"
    writers = {
        name: pq.ParquetWriter(
            parts[name], arrow_schema(TABLES[_table_of(name)]), compression="zstd"
        )
        for name in files
    }
    try:
        for chunk, first in enumerate(range(0, accounts, CHUNK)):
            n = min(CHUNK, accounts - first)
            rng = np.random.default_rng([seed % 2**64, chunk])
            # the contract, deals and attribute changes draw from a stream of their own, so
            # that they left the default book's behaviour and churn as they were
            extra = np.random.default_rng([seed % 2**64, chunk, 1])
            for name, table in _chunk(rng, extra, first, n, cal, history, activity, drawn):
                if table.num_rows:
                    writers[name].write_table(table)
                    rows[name] += table.num_rows
            if progress is not None:
                progress(first + n)
        for w in writers.values():
            w.close()
        if drawn:
            write_causes(drawn, causes_part)
            causes_part.replace(causes_path)
        else:  # a book of another run in the same folder must not leave its causes behind
            causes_path.unlink(missing_ok=True)
        for name in files:
            parts[name].replace(paths[name])
    except BaseException:
        for w in writers.values():
            w.close()
        for p in [*parts.values(), causes_part]:
            p.unlink(missing_ok=True)
        raise
    changes = paths.pop(CHANGES)
    del rows[CHANGES]
    return BookInfo(paths, rows, start, end, changes, causes_path if drawn else None)


# the name of the accounts changes among the files written
CHANGES = "accounts changes"


def _table_of(name: str) -> str:
    return "accounts" if name == CHANGES else name


def _months_before(day: date, months: int) -> date:
    m = day.year * 12 + day.month - 1 - months
    y, mo = divmod(m, 12)
    following = date(y + (mo + 1) // 12, (mo + 1) % 12 + 1, 1)
    return date(y, mo + 1, min(day.day, (following - date(y, mo + 1, 1)).days))


def _chunk(
    rng: np.random.Generator,
    extra: np.random.Generator,
    first: int,
    n: int,
    cal: Calendar,
    history: int,
    activity: float,
    causes: Causes | None,
) -> Iterator[tuple[str, pa.Table]]:
    acc = draw_accounts(rng, first, n, cal, history)
    draw_contracts(extra, acc, loose_seats=causes is not None)
    # per-user depth is a cause of its own in a random book: accounts differ in intensity
    intensity = np.exp(0.45 * extra.standard_normal(n)) if causes else None
    starts = term_starts(cal, acc)
    health = draw_health(rng, acc, cal)
    counts = event_counts(rng, acc, health, cal, activity, intensity)
    tickets = draw_tickets(rng, acc, health, cal)
    touches = draw_touchpoints(rng, acc, health, cal)
    surveys = draw_surveys(rng, acc, health, cal)
    deals = draw_deals(extra, acc, cal)
    churn = rule(causes, acc, health, cal, counts, surveys, tickets, deals) if causes else None
    out = decide(rng, acc, health, cal, counts, surveys, touches, tickets, starts, churn)
    counts[np.arange(cal.days)[None, :] >= out.churn_day[:, None]] = 0
    billing = billing_events(extra, acc, cal, out.lines, deals, out.churn_day)
    changes = attribute_changes(extra, acc, cal, starts, out.churn_day)
    book = Book(rng, acc, health, cal, out, caused=causes is not None)
    yield "accounts", accounts_table(book)
    yield CHANGES, accounts_table(book, changes)
    yield "contacts", _contacts(book)
    yield from (("events", t) for t in _events(book, counts))
    yield "events", billing_table(book, extra, billing)
    yield "subscriptions", subscriptions_table(book, changes)
    yield "tickets", _tickets(book, tickets)
    yield "surveys", _surveys(book, surveys)
    yield "touchpoints", _touchpoints(book, touches)
    yield "goals", _goals(book)
    yield "outcomes", outcomes_table(book)


def _contacts(b: Book) -> pa.Table:
    acc, rng = b.acc, b.rng
    a = np.repeat(np.arange(acc.n), b.contacts)
    k = np.arange(len(a)) - b.offset[a]
    role = np.select(
        [k < acc.champions[a], k < acc.champions[a] + acc.admins[a], k < acc.holders[a]],
        [0, 1, 2],
        3,
    )
    firsts, lasts = v.strings(v.FIRST_NAMES), v.strings(v.LAST_NAMES)
    fi = rng.integers(0, len(v.FIRST_NAMES), len(a))
    li = rng.integers(0, len(v.LAST_NAMES), len(a))
    lower = v.strings(tuple(w.lower() for w in v.FIRST_NAMES))
    lower_last = v.strings(tuple(w.lower() for w in v.LAST_NAMES))
    domain = v.join(
        v.pick(v.strings(tuple(w.lower() for w in v.COMPANY_WORDS)), acc.word),
        "-",
        v.pick(v.strings(tuple(w.lower() for w in v.COMPANY_ENDINGS)), acc.ending),
        "-",
        v.number_text(acc.index + 1),
        ".example",
    )
    created = acc.since[a] * DAY_US + rng.integers(0, 600_000_000, len(a))
    return arrow_table(
        "contacts",
        {
            "id": b.contact_ids(a, k),
            "account_id": v.pick(b.ids, a),
            "email": v.join(
                v.pick(lower, fi),
                ".",
                v.pick(lower_last, li),
                v.number_text(k),
                "@",
                v.pick(domain, a),
            ),
            "name": v.join(v.pick(firsts, fi), " ", v.pick(lasts, li)),
            "role": v.pick(v.strings(v.ROLES), role),
            "created_at": grid_times(b.cal, created),
        },
    )


def _setup_events(b: Book) -> Rows:
    """One-off onboarding events of accounts that joined inside the grid."""
    acc, rng, n = b.acc, b.rng, b.acc.n
    good = sigmoid(b.health.level)
    invites = rng.binomial(acc.holders - 1, 0.5 + 0.4 * good)
    has = [
        rng.random(n) < 0.97,
        (acc.segment > 0) & (rng.random(n) < sigmoid(0.5 + 1.5 * b.health.level)),
        rng.random(n) < sigmoid(1 + 1.5 * b.health.level),
    ]
    after = [
        rng.integers(0, 4, n),
        rng.integers(5, 40, n),
        1 + np.minimum(rng.exponential(8, n), 60).astype(np.int64),
    ]
    a = np.concatenate([np.flatnonzero(h) for h in has] + [np.repeat(np.arange(n), invites)])
    day = (
        np.concatenate(
            [x[h] for x, h in zip(after, has, strict=True)]
            + [np.minimum(rng.exponential(10, int(invites.sum())), 60).astype(np.int64)]
        )
        + acc.since[a]
    )
    event = v.SETUP_BASE + np.concatenate(
        [np.full(int(h.sum()), i) for i, h in enumerate(has)] + [np.full(int(invites.sum()), 3)]
    )
    keep = (day >= b.cal.first) & (day < b.cal.days)
    order = np.argsort(a[keep], kind="stable")
    return {"account": a[keep][order], "day": day[keep][order], "event": event[keep][order]}


def _events(b: Book, counts: np.ndarray) -> Iterator[pa.Table]:
    acc, cal = b.acc, b.cal
    setup = _setup_events(b)
    window = counts[:, cal.first :]
    per_account = window.sum(axis=1) + np.bincount(setup["account"], minlength=acc.n)
    cum = np.cumsum(per_account)
    lo = 0
    while lo < acc.n:
        done = int(cum[lo - 1]) if lo else 0
        hi = max(lo + 1, int(np.searchsorted(cum, done + EVENT_BATCH, side="right")))
        s0, s1 = np.searchsorted(setup["account"], [lo, hi])
        batch = _event_batch(b, window[lo:hi], lo, {k: x[s0:s1] for k, x in setup.items()})
        if batch.num_rows:
            yield batch
        lo = hi


def _event_batch(b: Book, window: np.ndarray, lo: int, setup: Rows) -> pa.Table:
    acc, cal, rng, h = b.acc, b.cal, b.rng, b.health
    ai, di = np.nonzero(window)
    a, d, c = ai + lo, di + cal.first, window[ai, di]
    hd = h.h[a, d].astype(np.float64)
    ten = (d - acc.since[a]).astype(np.float64)
    k = breadth(hd, ten)
    engaged = np.clip(np.round(acc.seats[a] * engagement(hd, ten)), 1, acc.holders[a])
    lost = (d >= h.lost[a]).astype(np.int64)
    compliance = np.where(acc.regulated[a], 0.06 * sigmoid(2.5 * hd), 0.002)
    cell = np.repeat(np.arange(len(a)), c)
    m = len(cell)
    # feature: Zipf over the features the account uses; regulated accounts add compliance
    zipf = np.cumsum(v.ZIPF)
    feature = np.searchsorted(zipf, rng.random(m) * zipf[k[cell] - 1], side="right")
    comp = rng.random(m) < compliance[cell]
    feature[comp] = v.COMPLIANCE_BASE + rng.integers(0, 3, int(comp.sum()))
    # user: champions and admins (the first contacts) are the most active; a lost champion
    # (contact 0) is silent
    skip = lost[cell]
    user = skip + (np.maximum(engaged[cell] - skip, 1) * rng.random(m) ** 1.6).astype(np.int64)
    ea = np.concatenate([a[cell], setup["account"]])
    eday = np.concatenate([d[cell], setup["day"]])
    feature = np.concatenate([feature, setup["event"]])
    setup_user = np.where(
        setup["event"] == v.SETUP_BASE + 1,
        acc.champions[setup["account"]],
        (rng.random(len(setup["event"])) < 0.5) * acc.champions[setup["account"]],
    )
    user = np.concatenate([user, setup_user])
    us = eday * DAY_US + work_time(rng, acc.region[ea])
    order = np.lexsort((us, ea))
    ea, us, feature, user = ea[order], us[order], feature[order], user[order]
    m = len(ea)
    count = v.PROPERTY_COUNT[feature]
    prop = v.PROPERTY_FIRST[feature] + (rng.random(m) * count).astype(np.int64)
    setup_done = feature == v.SETUP_BASE
    prop[setup_done] = v.PROPERTY_FIRST[feature[setup_done]] + acc.plan[ea[setup_done]]
    has_prop = (count > 0) & ((rng.random(m) < 0.6) | setup_done)
    return arrow_table(
        "events",
        {
            "account_id": v.pick(b.ids, ea),
            "user_id": b.contact_ids(ea, user),
            "event": v.pick(v.strings(v.EVENT_NAMES), feature),
            "timestamp": grid_times(cal, us),
            "properties": v.pick(v.strings(v.PROPERTY_TEXT), np.maximum(prop, 0), has_prop),
            "message_id": v.uuids(rng, rng.random(m) < 0.5),
        },
    )


def _tickets(b: Book, t: Rows) -> pa.Table:
    cal, out = b.cal, b.out
    keep = b.alive(t["account"], t["opened"])
    t = {k: x[keep] for k, x in t.items()}
    a, opened, closed = t["account"], t["opened"], t["closed"]
    # support closes what is open when a customer leaves
    churn_us = out.churn_day[a] * DAY_US
    forced = closed > churn_us
    closed = np.minimum(closed, churn_us)
    is_closed = closed < cal.days * DAY_US
    age = cal.days * DAY_US - opened
    draw = t["status_draw"]
    status = np.where(
        is_closed,
        np.where(forced | (draw >= 0.7), 5, 4),
        np.where(age < 2 * DAY_US, 0, np.searchsorted(np.array([0.6, 0.9]), draw) + 1),
    )
    contact, _ = b.contact(a, t["role"], opened)
    rated = is_closed & ~forced & t["has_csat"]
    return arrow_table(
        "tickets",
        {
            "id": b.row_ids(a, "-t"),
            "account_id": v.pick(b.ids, a),
            "contact_id": b.contact_ids(a, contact),
            "opened_at": grid_times(cal, opened),
            "closed_at": pa.array(grid_times(cal, closed), mask=~is_closed),
            "priority": v.pick(v.strings(("low", "normal", "high", "urgent")), t["priority"]),
            "status": v.pick(
                v.strings(("new", "open", "pending", "on-hold", "solved", "closed")), status
            ),
            "csat": pa.array(t["csat"], mask=~rated),
        },
    )


def _surveys(b: Book, s: Rows) -> pa.Table:
    keep = b.alive(s["account"], s["at"])
    s = {k: x[keep] for k, x in s.items()}
    a, sentiment = s["account"], s["sentiment"]
    contact, _ = b.contact(a, s["role"], s["at"])
    comment = v.COMMENT_FIRST[sentiment] + (s["comment_draw"] * v.COMMENT_COUNT[sentiment]).astype(
        np.int64
    )
    return arrow_table(
        "surveys",
        {
            "id": b.row_ids(a, "-s"),
            "account_id": v.pick(b.ids, a),
            "contact_id": b.contact_ids(a, contact),
            "kind": v.pick(v.strings(("nps", "csat")), s["kind"]),
            "score": s["score"],
            "responded_at": grid_times(b.cal, s["at"]),
            "comment": v.pick(v.strings(v.COMMENT_TEXT), comment, s["comment"]),
        },
    )


def _touchpoints(b: Book, t: Rows) -> pa.Table:
    keep = b.alive(t["account"], t["at"])
    t = {k: x[keep] for k, x in t.items()}
    a = t["account"]
    contact, persona = b.contact(a, t["persona"], t["at"])
    has = persona >= 0
    return arrow_table(
        "touchpoints",
        {
            "id": b.row_ids(a, "-p"),
            "account_id": v.pick(b.ids, a),
            "contact_id": b.contact_ids(a, contact, has),
            "kind": v.pick(v.strings(("call", "meeting", "email", "qbr", "note")), t["kind"]),
            "persona": v.pick(v.strings(v.ROLES), np.maximum(persona, 0), has),
            "occurred_at": grid_times(b.cal, t["at"]),
        },
    )


def _goals(b: Book) -> pa.Table:
    acc, cal, rng, out, n = b.acc, b.cal, b.rng, b.out, b.acc.n
    names = np.argsort(rng.random((n, len(v.GOALS))), axis=1)
    # goals agreed during onboarding, and a new one at some renewals
    initial = 1 + rng.binomial(2, 0.45, n)
    a0 = np.repeat(np.arange(n), initial)
    set0 = acc.since[a0] + rng.integers(7, 48, len(a0))
    renewed = out.rows["kind"] == 0
    # about 0.6 new goals a year at renewals, however often the account renews
    per_term = np.where(b.caused, acc.term[out.rows["account"]] / 12, 1.0)
    pick = renewed & (rng.random(len(renewed)) < 0.6 * per_term)
    a1 = out.rows["account"][pick]
    set1 = out.rows["day"][pick] + rng.integers(0, 30, len(a1))
    a = np.concatenate([a0, a1])
    set_day = np.concatenate([set0, set1])
    order = np.lexsort((set_day, a))
    a, set_day = a[order], set_day[order]
    keep = (set_day < cal.days) & (set_day < out.churn_day[a])
    a, set_day = a[keep], set_day[keep]
    level = np.where(
        set_day >= 0, b.health.h[a, np.clip(set_day, 0, cal.days - 1)], b.health.level[a]
    )
    done = set_day + 30 + rng.exponential(120 * np.exp(-0.9 * level)).astype(np.int64)
    achieved = (done < cal.days) & (done < out.churn_day[a])
    return arrow_table(
        "goals",
        {
            "id": b.row_ids(a, "-g"),
            "account_id": v.pick(b.ids, a),
            "name": v.pick(v.strings(v.GOALS), names[a, group_rank(a) % len(v.GOALS)]),
            "set_at": grid_dates(cal, set_day),
            "achieved_at": pa.array(grid_dates(cal, done), mask=~achieved),
        },
    )

"""The latent life of demo accounts: a health trajectory, and the behaviour it causes.

Each account has a daily latent health ``h`` (a level, a drift, slow noise; some accounts
decline in the months before a renewal, some lose their champion). Product usage, tickets,
touchpoints and surveys are drawn from ``h``; churn is then decided at each renewal from
that observable behaviour alone (see ``demo_outcomes``). Everything here is per chunk of
accounts, vectorised over accounts and days, on a day grid that starts ``BURN_IN`` days
before the book so that early renewals are decided on behaviour that really happened.

Rare things (tickets, touchpoints, CSAT answers) are drawn by thinning: candidate days at
an account's highest rate, each kept with probability rate(day) / highest rate.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from stethoscope.contract import demo_vocab as v

BURN_IN = 200
DAY_US = 86_400_000_000
# sort keys of (account, time): account << SHIFT plus microseconds from grid day 0
SHIFT = 48

Rows = dict[str, np.ndarray]


def sigmoid(x: np.ndarray) -> np.ndarray:
    return np.asarray(1.0 / (1.0 + np.exp(-x)))


@dataclass(frozen=True)
class Calendar:
    sim0: date  # grid day 0
    first: int  # grid index of the book's first day
    days: int  # grid length; days - 1 is the book's last day
    rhythm: np.ndarray  # expected relative activity per grid day (weekday x season)
    weekday: np.ndarray  # 1 on Monday-Friday, a fraction at weekends

    @property
    def epoch_us(self) -> int:
        return (self.sim0 - date(1970, 1, 1)).days * DAY_US


def calendar(start: date, end: date) -> Calendar:
    sim0 = start - timedelta(days=BURN_IN)
    days = (end - sim0).days + 1
    d = np.datetime64(sim0, "D") + np.arange(days)
    dow = (d.astype(np.int64) + 3) % 7  # 1970-01-01 was a Thursday; Monday is 0
    weekday = np.where(dow < 5, 1.0, 0.18)
    month = d.astype("datetime64[M]")
    mon = month.astype(np.int64) % 12 + 1
    dom = (d - month.astype("datetime64[D]")).astype(np.int64) + 1
    season = np.ones(days)
    season[mon == 8] = 0.7
    season[(mon == 12) & (dom >= 18)] = 0.45
    season[(mon == 1) & (dom == 1)] = 0.3
    season[(mon == 1) & (dom > 1)] = 1.05
    return Calendar(sim0, BURN_IN, days, weekday * season, weekday)


def months_later(cal: Calendar, day: np.ndarray, months: np.ndarray | int) -> np.ndarray:
    """Grid index of the same day of the month ``months`` later (clipped to month end)."""
    d = np.datetime64(cal.sim0, "D") + day
    m = d.astype("datetime64[M]")
    dom = (d - m.astype("datetime64[D]")).astype(np.int64)
    target = m + months
    length = ((target + 1).astype("datetime64[D]") - target.astype("datetime64[D]")).astype(
        np.int64
    )
    out = target.astype("datetime64[D]") + np.minimum(dom, length - 1)
    return np.asarray(out - np.datetime64(cal.sim0, "D")).astype(np.int64)


def work_time(rng: np.random.Generator, region: np.ndarray) -> np.ndarray:
    """Microseconds after UTC midnight: mostly the region's working day, some evenings."""
    n = len(region)
    hours = v.REGION_WORK_START[region] + 10.5 * (rng.random(n) + rng.random(n)) / 2
    off = rng.random(n) < 0.06
    hours[off] = 1.0 + 23.0 * rng.random(int(off.sum()))
    return np.asarray(np.minimum(hours * 3.6e9, DAY_US - 1), dtype=np.int64)


@dataclass
class Accounts:
    """One chunk of accounts; ``since`` is the grid index of customer_since (may be < 0)."""

    index: np.ndarray
    segment: np.ndarray
    seats: np.ndarray
    plan: np.ndarray
    price: np.ndarray
    industry: np.ndarray
    region: np.ndarray
    owner: np.ndarray
    since: np.ndarray
    champions: np.ndarray
    admins: np.ndarray
    holders: np.ndarray  # seat-holding contacts: champions, admins, users
    execs: np.ndarray
    parent: np.ndarray  # local index of the parent account, -1 for none
    word: np.ndarray
    ending: np.ndarray
    # the contract (demo_contract.draw_contracts): licensed seats, which may differ from the
    # people using them, and months per billing term
    licences: np.ndarray
    term: np.ndarray

    @property
    def n(self) -> int:
        return len(self.index)

    @property
    def regulated(self) -> np.ndarray:
        return np.asarray(self.industry == v.REGULATED)


def draw_accounts(
    rng: np.random.Generator, first: int, n: int, cal: Calendar, history_days: int
) -> Accounts:
    seg = rng.choice(3, size=n, p=[0.6, 0.3, 0.1])
    median = np.array([8.0, 38.0, 160.0])[seg]
    sigma = np.array([0.5, 0.4, 0.6])[seg]
    lo, hi = np.array([3, 20, 80])[seg], np.array([20, 80, 500])[seg]
    seats = np.clip(np.round(median * np.exp(sigma * rng.standard_normal(n))), lo, hi)
    plan_p = np.array([[0.85, 0.15, 0.0], [0.1, 0.8, 0.1], [0.0, 0.1, 0.9]])
    plan = (rng.random(n)[:, None] > np.cumsum(plan_p[seg], axis=1)[:, :2]).sum(axis=1)
    price = v.SEAT_PRICE[plan] * np.exp(0.12 * rng.standard_normal(n) - 0.05 * (seg == 2))
    industry = rng.choice(len(v.INDUSTRIES), size=n, p=v.INDUSTRY_SHARE)
    region = rng.choice(len(v.REGIONS), size=n, p=v.REGION_SHARE)
    owner = np.where(
        seg == 2,
        rng.integers(0, v.ENTERPRISE_CSMS, n),
        rng.integers(v.ENTERPRISE_CSMS, len(v.CSMS), n),
    )
    # ~12% still onboarding (joined in the last 120 days), the rest spread over the history
    onboarding = rng.random(n) < 0.12
    age = np.where(onboarding, rng.integers(0, 120, n), rng.integers(120, history_days, n))
    since = cal.days - 1 - age
    champions = 1 + (rng.random(n) < 0.5)
    admins = 1 + rng.binomial(2, np.array([0.15, 0.35, 0.6])[seg])
    holders = np.maximum(seats.astype(np.int64), champions + admins + 1)
    execs = 1 + (rng.random(n) < np.array([0.2, 0.4, 0.7])[seg])
    parent = np.full(n, -1)
    ent = np.flatnonzero(seg == 2)
    children = ent[rng.random(len(ent)) < 0.05]
    tops = np.setdiff1d(ent, children)
    if len(tops):
        parent[children] = tops[rng.integers(0, len(tops), len(children))]
    return Accounts(
        index=first + np.arange(n),
        segment=seg,
        seats=seats.astype(np.int64),
        plan=plan,
        price=price,
        industry=industry,
        region=region,
        owner=owner,
        since=since,
        champions=champions,
        admins=admins,
        holders=holders,
        execs=execs,
        parent=parent,
        word=rng.integers(0, len(v.COMPANY_WORDS), n),
        ending=industry * 4 + rng.integers(0, 4, n),
        licences=seats.astype(np.int64),
        term=np.full(n, 12, dtype=np.int64),
    )


@dataclass
class Health:
    h: np.ndarray  # [accounts, days] latent health, float32: about N(0.35, 1), < -1 is trouble
    lost: np.ndarray  # grid day the primary champion left (days if never)
    level: np.ndarray  # the account's starting level


def draw_health(rng: np.random.Generator, acc: Accounts, cal: Calendar) -> Health:
    n, days = acc.n, cal.days
    t = np.arange(days, dtype=np.float32)
    level = np.array([0.2, 0.45, 0.7])[acc.segment] + 0.9 * rng.standard_normal(n)
    drift = 0.35 * rng.standard_normal(n) / 365
    h = (level[:, None] + drift[:, None] * (t - cal.first)).astype(np.float32)
    # slow noise: an AR(1) process with a time constant of about two months
    phi, sd = 0.985, 0.4
    noise = (sd * np.sqrt(1 - phi**2) * rng.standard_normal((days, n))).astype(np.float32)
    noise[0] = sd * rng.standard_normal(n)
    for d in range(1, days):
        noise[d] += phi * noise[d - 1]
    h += noise.T
    del noise
    # a decline in the months before one renewal near the book (the renewal may come after it)
    declining = rng.random(n) < 0.25
    k = np.maximum(1, np.ceil((cal.first + 30 - acc.since) / 365.25)).astype(np.int64)
    k += rng.random(n) < 0.25
    target = months_later(cal, acc.since, 12 * k)
    onset = target - rng.integers(40, 220, n)
    ramp = rng.integers(30, 120, n)
    depth = rng.uniform(1.2, 2.8, n) * declining
    h -= (depth[:, None] * np.clip((t[None, :] - onset[:, None]) / ramp[:, None], 0, 1)).astype(
        np.float32
    )
    # passing trouble unrelated to any renewal: the noise a model has to see through
    dip = rng.random(n) < 0.12
    centre = rng.integers(0, days, n)
    width = rng.integers(20, 90, n)
    dip_depth = rng.uniform(0.8, 2.0, n) * dip
    h -= (
        dip_depth[:, None]
        * np.clip(1 - np.abs(t[None, :] - centre[:, None]) / width[:, None], 0, 1)
    ).astype(np.float32)
    # some accounts lose their champion: the champion goes silent and health drops
    loses = rng.random(n) < 0.15 * days / 365
    lost = np.where(loses, np.maximum(acc.since + 60, 0) + rng.integers(0, days, n), days)
    lost = np.minimum(lost, days)
    h -= (0.7 * (t[None, :] >= lost[:, None])).astype(np.float32)
    return Health(h, lost, level)


def tenure(acc: Accounts, a: np.ndarray, day: np.ndarray) -> np.ndarray:
    return np.asarray(day - acc.since[a], dtype=np.float64)


def engagement(h: np.ndarray, ten: np.ndarray) -> np.ndarray:
    """Share of seats in use: driven by health, ramping up over the first two months."""
    ramp = np.clip(0.25 + 0.75 * ten / 60, 0, 1) * (ten >= 0)
    return np.clip(0.08 + 0.9 * sigmoid(0.4 + 1.3 * h), 0, 1) * ramp


def breadth(h: np.ndarray, ten: np.ndarray) -> np.ndarray:
    """How many features (from the most popular down) an account uses."""
    adoption = sigmoid(-2.0 + 1.1 * h + 2.0 * np.minimum(ten, 540) / 365)
    return np.asarray(3 + np.floor(adoption * (len(v.FEATURES) - 3)), dtype=np.int64)


def event_counts(
    rng: np.random.Generator,
    acc: Accounts,
    health: Health,
    cal: Calendar,
    activity: float,
    intensity: np.ndarray | None = None,
) -> np.ndarray:
    """Product events per account and grid day (before churn is decided).

    ``intensity`` multiplies each account's events per active user (``--causes random``).
    """
    t = np.arange(cal.days)
    ten = (t[None, :] - acc.since[:, None]).astype(np.float32)
    util = engagement(health.h, ten)
    users = acc.seats[:, None] * util
    lam = (0.5 * activity) * users**0.85 * cal.rhythm[None, :]
    if intensity is not None:
        lam *= intensity[:, None]
    return np.asarray(rng.poisson(lam), dtype=np.int32)


def _candidates(
    rng: np.random.Generator, peak: np.ndarray, days: int
) -> tuple[np.ndarray, np.ndarray]:
    """Candidate (account, day) pairs at rate ``peak`` per account and day, sorted."""
    count = rng.poisson(peak * days)
    a = np.repeat(np.arange(len(peak)), count)
    d = rng.integers(0, days, len(a))
    order = np.lexsort((d, a))
    return a[order], d[order]


def _sorted(rows: Rows, acc_key: str, time_key: str) -> Rows:
    order = np.lexsort((rows[time_key], rows[acc_key]))
    return {k: x[order] for k, x in rows.items()}


def draw_tickets(rng: np.random.Generator, acc: Accounts, health: Health, cal: Calendar) -> Rows:
    """Support tickets, more of them, more urgent and slower to close when health is low.

    Times are microseconds from grid day 0; ``closed`` may lie after the book (still open).
    """
    h = health.h
    base = 0.0035 * acc.holders**0.65
    peak = base * np.exp(-0.7 * h.min(axis=1)) * 2.5
    a, d = _candidates(rng, peak, cal.days)
    hd = h[a, d].astype(np.float64)
    ten = tenure(acc, a, d)
    rate = base[a] * np.exp(-0.7 * hd) * (1 + 1.5 * np.exp(-np.maximum(ten, 0) / 45))
    rate *= np.where(cal.weekday[d] < 1, 0.25, 1.0) * (ten >= 0)
    keep = rng.random(len(a)) < rate / peak[a]
    a, d, hd = a[keep], d[keep], hd[keep]
    m = len(a)
    # priority: worse when health is low (low, normal, high, urgent)
    z = rng.standard_normal(m) - 0.45 * hd
    priority = np.searchsorted(np.array([-0.4, 0.9, 1.9]), z)
    hours = np.exp(
        np.log(18) + np.array([0.4, 0.0, -0.5, -1.0])[priority] - 0.3 * hd + rng.standard_normal(m)
    )
    stuck = rng.random(m) < sigmoid(-3.0 - 1.5 * hd)
    hours[stuck] = 24 * rng.uniform(20, 150, int(stuck.sum()))
    opened = d * DAY_US + work_time(rng, acc.region[a])
    closed = opened + (hours * 3.6e9).astype(np.int64)
    csat = np.clip(np.round(4.3 + 0.9 * hd - 0.6 * stuck + 0.9 * rng.standard_normal(m)), 1, 5)
    role = np.searchsorted(np.array([0.25, 0.75]), rng.random(m))  # champion, admin, user
    return _sorted(
        {
            "account": a,
            "opened": opened,
            "closed": closed,
            "priority": priority,
            "csat": csat,
            "has_csat": rng.random(m) < 0.35,
            "role": role,
            "status_draw": rng.random(m),
        },
        "account",
        "opened",
    )


# touchpoint kinds in the contract's order: call, meeting, email, qbr, note
_TOUCH_RATE = np.array(
    [  # per day, by segment (smb, mid-market, enterprise)
        [1 / 90, 1 / 30, 1 / 21],
        [1 / 180, 1 / 45, 1 / 30],
        [1 / 40, 1 / 14, 1 / 7],
        [0.0, 0.0, 0.0],  # QBRs are scheduled, not random
        [1 / 60, 1 / 30, 1 / 20],
    ]
)
_EXEC_SHARE = np.array([0.15, 0.35, 0.1, 0.7, 0.0])
_QBR_EVERY = np.array([0, 182, 91])


def draw_touchpoints(
    rng: np.random.Generator, acc: Accounts, health: Health, cal: Calendar
) -> Rows:
    h = health.h
    peak_by_kind = _TOUCH_RATE[:, acc.segment]  # [kinds, accounts]
    peak = peak_by_kind.sum(axis=0)
    a, d = _candidates(rng, peak, cal.days)
    u = rng.random(len(a)) * peak[a]
    kind = (u[:, None] > np.cumsum(peak_by_kind[:, a].T, axis=1)).sum(axis=1)
    # QBRs every quarter (enterprise) or half-year (mid-market) on the account's own phase
    every = _QBR_EVERY[acc.segment]
    has = np.flatnonzero(every > 0)
    times = -(-cal.days // 91) + 1
    qa = np.repeat(has, times)
    qd = (
        rng.integers(0, 91, len(has)).repeat(times)
        + np.tile(np.arange(times), len(has)) * every[qa]
    )
    inside = qd < cal.days
    a = np.concatenate([a, qa[inside]])
    d = np.concatenate([d, qd[inside]])
    kind = np.concatenate([kind, np.full(int(inside.sum()), 3)])
    hd = h[a, d].astype(np.float64)
    ten = tenure(acc, a, d)
    warm = sigmoid(2 * hd)
    # unhealthy customers skip calls, meetings and QBRs; emails keep coming
    happens = np.where(kind == 2, 1.2 - 0.4 * warm, np.where(kind == 4, 1.0, 0.3 + 0.7 * warm))
    happens *= np.where(cal.weekday[d] < 1, 0.15, 1.0) * (ten >= 0)
    keep = rng.random(len(a)) < happens / np.where(kind == 2, 1.2, 1.0)
    a, d, kind, hd = a[keep], d[keep], kind[keep], hd[keep]
    m = len(a)
    exec_p = _EXEC_SHARE[kind] * sigmoid(3 * (hd + 0.3)) * np.where(acc.segment[a] == 0, 0.5, 1)
    u = rng.random(m)
    # persona: executive, else champion / admin / user; notes have none (-1)
    persona = np.where(u < exec_p, 3, np.searchsorted(np.array([0.55, 0.85]), rng.random(m)))
    persona[kind == 4] = -1
    return _sorted(
        {
            "account": a,
            "at": d * DAY_US + work_time(rng, acc.region[a]),
            "kind": kind,
            "persona": persona,
        },
        "account",
        "at",
    )


def draw_surveys(rng: np.random.Generator, acc: Accounts, health: Health, cal: Calendar) -> Rows:
    """NPS waves every ~6 months to a few contacts, and occasional CSAT answers."""
    h, n = health.h, acc.n
    waves = cal.days // 182 + 2
    phase = rng.integers(0, 182, n)
    wa = np.repeat(np.arange(n), waves)
    wd = phase.repeat(waves) + np.tile(np.arange(waves), n) * 182
    ok = (wd < cal.days) & (wd - acc.since[wa] >= 45)
    wa, wd = wa[ok], wd[ok]
    answers = 1 + rng.binomial(np.array([2, 3, 4])[acc.segment[wa]], 0.35)
    a = np.repeat(wa, answers)
    d = np.repeat(wd, answers) + np.minimum(rng.exponential(3.0, len(a)), 14).astype(np.int64)
    # respondent: champion, executive or user (codes as in ROLES)
    role = np.array([0, 3, 2])[np.searchsorted(np.array([0.35, 0.55]), rng.random(len(a)))]
    kind = np.zeros(len(a), dtype=np.int64)
    # CSAT answers: a few a year, more in larger accounts
    peak = 0.004 * acc.holders**0.3
    ca, cd = _candidates(rng, peak, cal.days)
    cok = cd >= acc.since[ca]
    ca, cd = ca[cok], cd[cok]
    a = np.concatenate([a, ca])
    d = np.concatenate([d, cd])
    role = np.concatenate([role, np.full(len(ca), 2)])
    kind = np.concatenate([kind, np.ones(len(ca), dtype=np.int64)])
    inside = d < cal.days
    a, d, role, kind = a[inside], d[inside], role[inside], kind[inside]
    m = len(a)
    hd = h[a, d].astype(np.float64)
    noise = rng.standard_normal(m)
    nps = np.clip(np.round(7.6 + 1.9 * hd - 0.3 * (role == 3) + 1.5 * noise), 0, 10)
    csat = np.clip(np.round(3.9 + 0.8 * hd + 0.8 * noise), 1, 5)
    score = np.where(kind == 0, nps, csat)
    sentiment = np.where(
        kind == 0,
        np.searchsorted(np.array([6.5, 8.5]), score),
        np.searchsorted(np.array([2.5, 3.5]), score),
    )
    return _sorted(
        {
            "account": a,
            "at": d * DAY_US + work_time(rng, acc.region[a]),
            "kind": kind,
            "score": score,
            "role": role,
            "sentiment": sentiment,
            "comment": rng.random(m) < np.where(kind == 0, 0.2, 0.1),
            "comment_draw": rng.random(m),
        },
        "account",
        "at",
    )

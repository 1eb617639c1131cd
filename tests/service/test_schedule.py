"""Scheduled runs (docs/concepts/scheduling.md) on a real project and a small demo book,
with a clock the test moves instead of sleeping."""

from __future__ import annotations

import asyncio
import datetime as dt
import re
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from stethoscope.cron import check_cron
from stethoscope.errors import ConfigError, EngineError, RunInProgressError
from stethoscope.model.presets import preset_text
from stethoscope.project import Project
from stethoscope.runner import RunSummary
from stethoscope.service.app import create_app
from stethoscope.service.schedule import Scheduler, SystemClock
from stethoscope.settings import Settings, load_settings
from stethoscope.store.lease import lease_path
from tests.conftest import run_cli
from tests.serving import Serving

END = dt.date(2025, 6, 30)
DAY = dt.timedelta(days=1)


def utc(day: dt.date, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=dt.UTC)


class FakeClock:
    """Time that moves only when the scheduler waits: a wait ends at once, at its end.

    ``on_wait(clock)`` runs after each wait (what happens meanwhile). After ``waits``
    waits (None: no limit) the clock parks: the next wait blocks until the scheduler is
    stopped, and ``parked`` is set, so a test knows the scheduler has done its work.
    """

    def __init__(
        self,
        now: dt.datetime,
        *,
        waits: int | None = None,
        on_wait: Callable[[FakeClock], None] | None = None,
    ) -> None:
        self.t = now
        self.waits = waits
        self.on_wait = on_wait
        self.waited: list[dt.datetime] = []
        self.parked = threading.Event()

    def now(self) -> dt.datetime:
        return self.t

    def sleep_until(self, when: dt.datetime, stop: threading.Event) -> bool:
        if self.waits is not None and len(self.waited) >= self.waits:
            self.parked.set()
            stop.wait()
            return False
        self.waited.append(when)
        self.t = max(self.t, when)
        if self.on_wait:
            self.on_wait(self)
        return not stop.is_set()


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("book")
    with Project.open(folder) as p:
        p.load_demo(accounts=40, months=3, end=END)
    (folder / "model.yaml").write_text(preset_text("four-signals"))
    return folder


@pytest.fixture
def demo(book: Path, tmp_path: Path) -> Iterator[Project]:
    """A project of its own holding the demo book, never scored."""
    shutil.copytree(book, tmp_path / "demo")
    with Project.open(tmp_path / "demo") as p:
        yield p


def scheduler(
    project: Project,
    clock: FakeClock,
    *,
    timezone: str = "UTC",
    retries: int = 3,
    retry_delay: float = 300.0,
    max_catch_up: int = 90,
) -> tuple[Scheduler, list[str]]:
    """A nightly scheduler on ``clock``, and the list of what it says."""
    said: list[str] = []
    sched = Scheduler(
        project,
        "0 2 * * *",
        timezone=timezone,
        retries=retries,
        retry_delay=retry_delay,
        max_catch_up=max_catch_up,
        clock=clock,
        say=said.append,
    )
    return sched, said


def days_of(r: RunSummary | None) -> tuple[str, str, int]:
    assert r is not None
    return r.as_of_from, r.as_of_to, r.dates


def hide_table(project: Project, table: str) -> None:
    """Take a source table away, as a botched manual load would: a run then fails."""
    project.store.con.execute(f"ALTER TABLE {table} RENAME TO {table}_away")


def restore_table(project: Project, table: str) -> None:
    project.store.con.execute(f"ALTER TABLE {table}_away RENAME TO {table}")


def test_missed_days_are_backfilled_on_start(demo: Project) -> None:
    demo.run(as_of=END - 5 * DAY)
    sched, said = scheduler(demo, FakeClock(utc(END + DAY, 9)))
    r = sched.catch_up()
    # the days after the last scored one, up to the day just ended, as one run
    assert days_of(r) == (str(END - 4 * DAY), str(END), 5)
    newest, first = demo.runs()
    assert (newest.trigger, newest.status, newest.as_of_from) == (
        "schedule",
        "ok",
        str(END - 4 * DAY),
    )
    assert (first.trigger, first.as_of_to) == ("cli", str(END - 5 * DAY))
    for n in range(5):
        assert demo.scores(as_of=END - n * DAY), n
    assert re.match(r"^schedule: run \S+ scored \d+ accounts", said[-1])
    # nothing missing now: no run
    assert sched.catch_up() is None
    assert said[-1].endswith(f"schedule: scores are up to date (as of {END})")
    assert len(demo.runs()) == 2


def test_a_project_never_scored_starts_with_the_day_just_ended(demo: Project) -> None:
    sched, _ = scheduler(demo, FakeClock(utc(END + DAY, 9)))
    assert days_of(sched.catch_up()) == (str(END), str(END), 1)


def test_a_catch_up_is_capped_and_says_what_it_left_out(demo: Project) -> None:
    demo.run(as_of=END - 30 * DAY)
    sched, said = scheduler(demo, FakeClock(utc(END + DAY, 9)), max_catch_up=7)
    assert days_of(sched.catch_up()) == (str(END - 6 * DAY), str(END), 7)
    assert said[0] == (
        "schedule: 30 days not scored since 2025-05-31; catching up "
        "on the last 7 only (a catch-up is capped at 7 days): run `stethoscope run --from "
        "2025-06-01 --to 2025-06-23` for the rest"
    )


def test_a_tick_scores_the_day_just_ended_in_the_schedules_zone(demo: Project) -> None:
    clock = FakeClock(utc(END, 12))
    auckland, _ = scheduler(demo, clock, timezone="Pacific/Auckland")
    at = auckland.next_tick()
    # 02:00 on 1 July in Auckland is 14:00 on 30 June in UTC
    assert at == dt.datetime(2025, 7, 1, 2, tzinfo=ZoneInfo("Pacific/Auckland"))
    assert at == utc(END, 14)
    assert auckland.as_of(at) == END
    # the same instant, read in UTC, is still 30 June: its day just ended is 29 June
    assert scheduler(demo, clock)[0].as_of(at) == END - DAY
    assert scheduler(demo, clock)[0].next_tick() == utc(END + DAY, 2)
    assert days_of(auckland.tick(at)) == (str(END), str(END), 1)
    assert demo.runs()[0].trigger == "schedule"
    # a tick scores its day even when scored already (data may have come in since) ...
    assert days_of(auckland.tick(at)) == (str(END), str(END), 1)
    # ... and every day missed before it: three nights later, 1 to 3 July
    later = dt.datetime(2025, 7, 4, 2, tzinfo=ZoneInfo("Pacific/Auckland"))
    assert days_of(auckland.tick(later)) == ("2025-07-01", "2025-07-03", 3)
    assert [r.status for r in demo.runs()] == ["ok", "ok", "ok"]


def test_a_failed_run_is_recorded_with_its_error_and_retried(demo: Project) -> None:
    hide_table(demo, "events")

    def meanwhile(clock: FakeClock) -> None:
        if len(clock.waited) == 2:  # fixed while the second retry waits
            restore_table(demo, "events")

    start = utc(END + DAY, 2)
    clock = FakeClock(start, on_wait=meanwhile)
    sched, said = scheduler(demo, clock, retries=3)
    assert days_of(sched.tick(start)) == (str(END), str(END), 1)
    assert clock.waited == [start + dt.timedelta(seconds=300), start + dt.timedelta(seconds=600)]
    runs = demo.runs()
    # each try is a row, newest first
    assert [(r.status, r.trigger, r.as_of_to) for r in runs] == [
        ("ok", "schedule", str(END)),
        ("failed", "schedule", str(END)),
        ("failed", "schedule", str(END)),
    ]
    for r in runs[1:]:
        assert r.error is not None
        assert "events" in r.error, r.error
        assert r.finished_at is not None
    assert "run as of 2025-06-30 failed (try 1 of 4): the run failed" in said[0]
    assert "events" in said[0]
    assert "(try 2 of 4)" in said[1]
    assert re.search(r"schedule: run \S+ scored", said[2])


def test_a_run_that_keeps_failing_is_given_up_and_made_up_the_next_night(
    demo: Project,
) -> None:
    demo.run(as_of=END - DAY)
    hide_table(demo, "events")
    start = utc(END + DAY, 2)
    clock = FakeClock(start)
    sched, said = scheduler(demo, clock, retries=1, retry_delay=60.0)
    assert sched.tick(start) is None
    assert [r.status for r in demo.runs()] == ["failed", "failed", "ok"]
    assert clock.waited == [start + dt.timedelta(seconds=60)]
    assert said[-1].endswith("schedule: gave up on the run as of 2025-06-30 after 2 tries")
    # the next night scores its day and the one that failed
    restore_table(demo, "events")
    assert days_of(sched.tick(start + DAY)) == (str(END), str(END + DAY), 2)


def test_overlapping_runs_are_refused(demo: Project) -> None:
    inside, release = threading.Event(), threading.Event()

    def hold(phase: str, done: int, total: int) -> None:
        inside.set()
        assert release.wait(60)

    first: dict[str, RunSummary] = {}
    holder = threading.Thread(target=lambda: first.update(r=demo.run(as_of=END, progress=hold)))
    holder.start()
    try:
        assert inside.wait(60)
        with pytest.raises(
            RunInProgressError,
            match=r"^a run is already in progress \(run id (\S+), triggered by cli, started ",
        ) as refused:
            demo.run(as_of=END - DAY, trigger="api")
        # a scheduled run that comes meanwhile waits for it, then runs: no failed try
        start = utc(END + DAY, 2)
        sched, said = scheduler(demo, FakeClock(start))
        threading.Timer(0.5, release.set).start()
        assert days_of(sched.tick(start)) == (str(END), str(END), 1)
    finally:
        release.set()
        holder.join(60)
    run_id = re.search(r"run id (\S+),", str(refused.value))
    assert run_id
    assert run_id.group(1) == first["r"].run_id
    assert len(said) == 1
    assert re.search(r"schedule: run \S+ scored", said[0])
    # the refused run left no row; the two that ran did
    assert [(r.trigger, r.status) for r in demo.runs()] == [("schedule", "ok"), ("cli", "ok")]


def test_the_thread_catches_up_ticks_and_stops(demo: Project) -> None:
    # started at 23:00 on 30 June: catch up 29 June, then tick at 02:00 on 1 July for 30 June
    clock = FakeClock(utc(END, 23), waits=1)
    sched, said = scheduler(demo, clock)
    sched.start()
    try:
        assert clock.parked.wait(60), said
    finally:
        sched.stop()
    assert clock.waited == [utc(END + DAY, 2)]
    assert [(r.as_of_from, r.as_of_to, r.trigger) for r in demo.runs()] == [
        (str(END), str(END), "schedule"),
        (str(END - DAY), str(END - DAY), "schedule"),
    ]
    assert "stethoscope-schedule" not in [t.name for t in threading.enumerate()]


def test_stop_ends_the_wait_between_tries_at_once(demo: Project) -> None:
    hide_table(demo, "events")
    clock = FakeClock(utc(END + DAY, 9), waits=0)
    sched, said = scheduler(demo, clock, retry_delay=86400.0)
    sched.start()
    assert clock.parked.wait(60), said
    sched.stop()
    assert [r.status for r in demo.runs()] == ["failed"]
    assert len(said) == 1
    assert "(try 1 of 4)" in said[0]


def test_the_system_clock_waits_for_the_wall_clock_or_the_stop() -> None:
    clock, stop = SystemClock(), threading.Event()
    started = time.monotonic()
    assert clock.sleep_until(clock.now() + dt.timedelta(seconds=0.2), stop)
    assert time.monotonic() - started >= 0.2
    stop.set()
    started = time.monotonic()
    assert not clock.sleep_until(clock.now() + dt.timedelta(hours=1), stop)
    assert time.monotonic() - started < 1


def client(project: Project, token: str) -> Callable[..., httpx.Response]:
    """GET on the service over ``project``, called in this process, with ``token``."""
    app = create_app(project, token)

    def get(path: str, **kwargs: Any) -> httpx.Response:
        async def call() -> httpx.Response:
            async with httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app),
                base_url="http://stethoscope.test",
                headers={"Authorization": f"Bearer {token}"},
            ) as c:
                return await c.get(path, **kwargs)

        return asyncio.run(call())

    return get


def test_the_runs_endpoints_list_page_and_filter(demo: Project) -> None:
    demo.run(as_of=END - 2 * DAY)
    hide_table(demo, "events")
    with pytest.raises(EngineError, match=r"^the run failed"):
        demo.run(as_of=END - DAY)
    restore_table(demo, "events")
    start = utc(END + DAY, 2)
    scheduler(demo, FakeClock(start))[0].tick(start)

    get = client(demo, "s3cret")
    body = get("/api/runs").json()
    assert [(r["trigger"], r["status"], r["as_of_to"]) for r in body["runs"]] == [
        ("schedule", "ok", str(END)),
        ("cli", "failed", str(END - DAY)),
        ("cli", "ok", str(END - 2 * DAY)),
    ]
    assert (body["limit"], body["offset"], body["next_offset"]) == (50, 0, None)
    ids = [r["id"] for r in body["runs"]]
    pages = [get("/api/runs", params={"limit": 2, "offset": o}).json() for o in (0, 2)]
    assert [[r["id"] for r in p["runs"]] for p in pages] == [ids[:2], ids[2:]]
    assert [p["next_offset"] for p in pages] == [2, None]
    failed = get("/api/runs", params={"status": "failed"}).json()["runs"]
    assert [r["id"] for r in failed] == [ids[1]]
    assert "events" in failed[0]["error"]
    assert get(f"/api/runs/{ids[0]}").json() == body["runs"][0]

    r = get("/api/runs/nope")
    assert r.status_code == 404
    assert (r.json()["ok"], r.json()["error"]) == (False, "no run 'nope'")
    r = get("/api/runs", params={"status": "done"})
    assert r.status_code == 400
    assert r.json()["errors"][0]["loc"] == ["query", "status"]
    assert get("/api/runs", params={"limit": 0}).status_code == 400
    assert get("/api/runs", headers={"Authorization": "Bearer nope"}).status_code == 401


def test_runs_of_an_older_store_get_a_trigger_on_upgrade(tmp_path: Path) -> None:
    import duckdb

    from stethoscope.store import migrations

    con = duckdb.connect(str(tmp_path / "old.duckdb"))
    con.execute(
        "CREATE TABLE stethoscope_migrations "
        "(version INTEGER PRIMARY KEY, name VARCHAR, applied_at TIMESTAMP DEFAULT now())"
    )
    for version, name, step in migrations.MIGRATIONS[:2]:  # a store made before triggers
        step(con)
        con.execute(
            "INSERT INTO stethoscope_migrations (version, name) VALUES (?, ?)", [version, name]
        )
    con.execute(
        "INSERT INTO runs VALUES "
        "('r1', 'v', '2025-06-30', '2025-06-30', now(), now(), 'ok', 3, NULL)"
    )
    assert 3 in migrations.migrate(con)
    assert con.execute("SELECT id, trigger FROM runs").fetchall() == [("r1", "cli")]
    con.close()


@pytest.mark.parametrize(
    ("setting", "value", "message"),
    [
        (
            "schedule",
            "0 2 * *",
            r"^schedule: .*expected a cron expression of 5 fields .*got '0 2 \* \*'$",
        ),
        ("schedule", "0 2 * * * 5", r"^schedule: .*5 fields .*got '0 2 \* \* \* 5'$"),
        ("schedule", "61 2 * * *", r"^schedule: .*got '61 2 \* \* \*': .*out of range$"),
        ("schedule", "0 0 30 2 *", r"^schedule: .*got '0 0 30 2 \*': it never fires$"),
        (
            "schedule_timezone",
            "Mars/Olympus",
            r"^schedule_timezone: .*unknown time zone 'Mars/Olympus'",
        ),
        ("schedule_retries", -1, r"^schedule_retries: .*greater than or equal to 0"),
    ],
)
def test_a_bad_schedule_setting_is_refused_on_load(
    tmp_path: Path, setting: str, value: object, message: str
) -> None:
    text = f'"{value}"' if isinstance(value, str) else str(value)
    (tmp_path / "stethoscope.toml").write_text(f"{setting} = {text}\n")
    with pytest.raises(ConfigError, match=r"^invalid settings for project ") as e:
        load_settings(tmp_path)
    assert len(e.value.problems) == 1
    assert e.value.problems[0].where == "stethoscope.toml"
    assert re.match(message, e.value.problems[0].message), e.value.problems[0].message


def test_the_default_schedule_is_well_formed_though_not_checked_on_every_open(
    tmp_path: Path,
) -> None:
    default = Settings.model_fields["schedule"].default
    assert check_cron(default) == default == load_settings(tmp_path).schedule


def test_an_empty_schedule_turns_scheduled_runs_off(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "stethoscope.toml").write_text('schedule = "@daily"\nschedule_retries = 0\n')
    with Project.open(tmp_path) as p:
        sched = Scheduler.from_settings(p)
        assert sched is not None
        assert (sched.expression, sched.zone.key, sched.retries) == ("@daily", "UTC", 0)
    monkeypatch.setenv("STETHOSCOPE_SCHEDULE", "")
    with Project.open(tmp_path) as p:
        assert Scheduler.from_settings(p) is None
    assert load_settings(Path(tmp_path)).schedule == ""


def test_serve_says_its_next_run_and_runs_can_be_listed_through_it(
    book: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "served"
    shutil.copytree(book, folder)
    with Serving(folder) as server:
        lease = server.lease
        deadline = time.monotonic() + 60
        # on start it catches up: the book was never scored, so the day just ended (the
        # listing does not wait for the run: it shows it running until it has finished)
        auth = {"Authorization": f"Bearer {lease.token}"}
        while not (
            (runs := httpx.get(f"{lease.url}/api/runs", headers=auth, timeout=60).json()["runs"])
            and runs[0]["status"] != "running"
        ):
            assert time.monotonic() < deadline, "no scheduled run"
            time.sleep(0.05)
        r = run_cli("runs", cwd=folder)
        assert r.returncode == 0, r.stderr
        assert runs[0]["id"] in r.stdout
        assert " schedule " in r.stdout
    assert server.returncode == 0, server.stderr
    yesterday = dt.datetime.now(dt.UTC).date() - DAY
    assert (runs[0]["as_of_to"], runs[0]["status"], runs[0]["trigger"]) == (
        str(yesterday),
        "ok",
        "schedule",
    )
    tick = dt.datetime.combine(yesterday + 2 * DAY, dt.time(2), dt.UTC)
    if dt.datetime.now(dt.UTC) < tick - DAY:  # started before 02:00: the next run is tonight
        tick -= DAY
    # the server's log, on stderr
    assert (
        f"INFO stethoscope.service.server: Next scheduled run: {tick:%Y-%m-%d} 02:00 UTC, "
        f"scoring as of {(tick - DAY).date()} (schedule '0 2 * * *' in UTC)\n"
    ) in server.stderr, server.stderr
    assert re.search(
        rf"INFO stethoscope.service.schedule: schedule: run {runs[0]['id']} scored \d+ accounts "
        rf"as of {yesterday} \(1 day\)",
        server.stderr,
    ), server.stderr
    assert not lease_path(folder / "stethoscope.duckdb").exists()

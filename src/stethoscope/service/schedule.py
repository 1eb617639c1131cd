"""Scheduled runs: while `stethoscope serve` runs, it scores the book on a cron schedule.

A tick of ``schedule`` (a cron expression read in ``schedule_timezone``) scores as of the
day that has just ended in that zone: a tick at 02:00 on 3 June scores as of 2 June, the
latest day whose data is complete (a score as of D uses data up to the end of D). A tick
also scores every day missed since the last day a successful run scored under the current
model version, so a night that failed is made up the next; on start the server does the
same catch-up at once. A catch-up covers at most ``MAX_CATCH_UP`` days, the most recent,
and says what it left out.

A run that fails is recorded as failed by the runner and tried again ``schedule_retries``
times, ``schedule_retry_delay`` seconds apart: each try is its own row in ``runs``, with
trigger ``schedule``. Runs never overlap: the facade refuses a run while another is in
progress. A scheduled run that comes meanwhile first reads what was scored, which waits for
the store like any request, so it runs once the other has finished; refused all the same
(another run came first), it counts that as a failed try.

Time comes from a ``Clock``, so tests drive the schedule without sleeping.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol
from zoneinfo import ZoneInfo

from croniter import croniter

from stethoscope.errors import StethoscopeError

if TYPE_CHECKING:
    from stethoscope.project import Project
    from stethoscope.runner import RunSummary
    from stethoscope.settings import Settings

log = logging.getLogger(__name__)

# The most days one catch-up scores: a server that was down for a year should not hold the
# store for the whole backfill on start (`stethoscope run --from` does the rest on purpose).
MAX_CATCH_UP = 90


class Clock(Protocol):
    def now(self) -> dt.datetime:
        """The current time, timezone-aware."""
        ...

    def sleep_until(self, when: dt.datetime, stop: threading.Event) -> bool:
        """Wait until ``when``; False, at once, when ``stop`` is set first."""
        ...


class SystemClock:
    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC)

    def sleep_until(self, when: dt.datetime, stop: threading.Event) -> bool:
        # in steps, checking the wall clock: a suspended machine or a clock set forward
        # must not delay a tick by a whole night
        while (left := (when - self.now()).total_seconds()) > 0:
            if stop.wait(min(left, 60.0)):
                return False
        return not stop.is_set()


@dataclass(frozen=True)
class NextRun:
    """When the schedule scores next, and as of which day (what a page says of an account
    not scored yet)."""

    at: dt.datetime
    as_of: dt.date
    schedule: str
    timezone: str


def next_run(settings: Settings, *, clock: Clock | None = None) -> NextRun | None:
    """The next scheduled run under ``settings``, or None when scheduled runs are off."""
    if not settings.schedule:
        return None
    zone = ZoneInfo(settings.schedule_timezone)
    now = (clock or SystemClock()).now().astimezone(zone)
    at: dt.datetime = croniter(settings.schedule, now).get_next(dt.datetime)
    # the same day the scheduler scores at that tick (Scheduler.as_of)
    return NextRun(at, at.date() - dt.timedelta(days=1), settings.schedule, zone.key)


class Ticking:
    """A loop in a background thread, from ``start`` until ``stop``, that waits for a
    stop without missing it (``Clock.sleep_until``); what a tick does is the subclass's."""

    name = "stethoscope-ticks"
    what = "the work in progress"
    _stop: threading.Event
    _thread: threading.Thread | None

    def _loop(self) -> None:
        raise NotImplementedError

    def say(self, message: str) -> None:
        raise NotImplementedError

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name=self.name, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop, waiting for the tick in progress to finish (a run or a sync is one
        transaction)."""
        self._stop.set()
        thread, self._thread = self._thread, None
        if thread is not None:
            thread.join(timeout=1.0)
            if thread.is_alive():
                self.say(f"stopping once {self.what} has finished")
                thread.join()


class Scheduler(Ticking):
    """Scores ``project`` at each tick of ``expression``, in a thread of its own."""

    name = "stethoscope-schedule"
    what = "the run in progress"

    def __init__(
        self,
        project: Project,
        expression: str,
        *,
        timezone: str = "UTC",
        retries: int = 3,
        retry_delay: float = 300.0,
        max_catch_up: int = MAX_CATCH_UP,
        clock: Clock | None = None,
        say: Callable[[str], None] = log.info,
    ) -> None:
        self.project = project
        self.expression = expression
        self.zone = ZoneInfo(timezone)
        self.retries = retries
        self.retry_delay = retry_delay
        self.max_catch_up = max_catch_up
        self.clock = clock or SystemClock()
        self._say = say
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @classmethod
    def from_settings(
        cls, project: Project, *, clock: Clock | None = None, say: Callable[[str], None] = log.info
    ) -> Scheduler | None:
        """The project's scheduler, or None when its ``schedule`` is empty (turned off)."""
        s = project.settings
        if not s.schedule:
            return None
        return cls(
            project,
            s.schedule,
            timezone=s.schedule_timezone,
            retries=s.schedule_retries,
            retry_delay=s.schedule_retry_delay,
            clock=clock,
            say=say,
        )

    # -- when, and which day -----------------------------------------------------------

    def next_tick(self, after: dt.datetime | None = None) -> dt.datetime:
        """The first tick strictly after ``after`` (default: now), in the schedule's zone."""
        start = (after or self.clock.now()).astimezone(self.zone)
        tick: dt.datetime = croniter(self.expression, start).get_next(dt.datetime)
        return tick

    def as_of(self, at: dt.datetime) -> dt.date:
        """The day a run at ``at`` scores: the day just ended in the schedule's zone."""
        return at.astimezone(self.zone).date() - dt.timedelta(days=1)

    # -- running -----------------------------------------------------------------------

    def catch_up(self) -> RunSummary | None:
        """Score the days missed since the last scored day, up to the day just ended;
        nothing when they are all scored."""
        return self._score(self.as_of(self.clock.now()), always=False)

    def tick(self, at: dt.datetime) -> RunSummary | None:
        """Score as of the day before ``at``, and any missed day before it."""
        return self._score(self.as_of(at), always=True)

    def _score(self, day: dt.date, *, always: bool) -> RunSummary | None:
        tries = 1 + self.retries
        for attempt in range(1, tries + 1):
            try:
                span = self._span(day, always=always)
                if span is None:
                    self.say(f"scores are up to date (as of {day})")
                    return None
                if attempt == 1:
                    self.sync_sources()
                r = self.project.run(start=span[0], end=span[1], trigger="schedule")
            # every failure is worth another try: the model may be fixed, or the run that
            # held the store may have finished, by then
            except Exception as e:
                problem = str(e) if isinstance(e, StethoscopeError) else f"{type(e).__name__}: {e}"
                self.say(f"run as of {day} failed (try {attempt} of {tries}): {problem}")
                if attempt == tries:
                    self.say(f"gave up on the run as of {day} after {tries} tries")
                    return None
                wake = self.clock.now() + dt.timedelta(seconds=self.retry_delay)
                if not self.clock.sleep_until(wake, self._stop):
                    return None
                continue
            what = r.as_of_from if r.dates == 1 else f"{r.as_of_from} to {r.as_of_to}"
            self.say(
                f"run {r.run_id} scored {r.accounts:,} accounts as of {what} "
                f"({r.dates} {'day' if r.dates == 1 else 'days'}) in {r.seconds:.1f} s"
            )
            return r
        return None

    def sync_sources(self) -> None:
        """Sync the SaaS sources that have no schedule of their own, before a run: each on
        its own, a failure said and recorded (the run scores with the rows stored)."""
        from stethoscope.sources.config import SAAS_KINDS

        for name, spec in self.project.settings.sources.items():
            if spec.kind not in SAAS_KINDS or spec.schedule:
                continue
            sync_source(self.project, name, self.say)

    def _span(self, day: dt.date, *, always: bool) -> tuple[dt.date, dt.date] | None:
        """The days to score up to ``day``: those after the last scored day (only ``day``
        when nothing was scored yet), at most ``max_catch_up`` of them."""
        last = self.project.last_scored(day)
        if last is None or last >= day:
            return (day, day) if always or last is None else None
        first = last + dt.timedelta(days=1)
        missed = (day - first).days + 1
        if missed > self.max_catch_up:
            skipped_to = day - dt.timedelta(days=self.max_catch_up)
            self.say(
                f"{missed} days not scored since {last}; catching up on the last "
                f"{self.max_catch_up} only (a catch-up is capped at {self.max_catch_up} "
                f"days): run `stethoscope run --from {first} --to {skipped_to}` for the rest"
            )
            first = skipped_to + dt.timedelta(days=1)
        return first, day

    # -- the thread --------------------------------------------------------------------

    def _loop(self) -> None:
        self.catch_up()
        at = self.clock.now()
        while not self._stop.is_set():
            # after the previous tick, not after now: a clock running late must not repeat it
            at = self.next_tick(max(at, self.clock.now()))
            if not self.clock.sleep_until(at, self._stop):
                return
            self.tick(at)

    def say(self, message: str) -> None:
        """What the schedule did, to the server's log (``say``: where else, for a test)."""
        self._say(f"schedule: {message}")

    def describe_next(self) -> str:
        """The next tick and the day it scores, for a person."""
        at = self.next_tick()
        return (
            f"{at:%Y-%m-%d %H:%M %Z}, scoring as of {self.as_of(at)} "
            f"(schedule '{self.expression}' in {self.zone.key})"
        )


def sync_source(project: Project, name: str, say: Callable[[str], None]) -> bool:
    """Sync one source for the schedule; whether it worked (a failure is said, and recorded
    in the store's history by the sync)."""
    try:
        summary = project.sync_source(name, trigger="schedule")
    except Exception as e:  # a source that fails must not stop the others, or the run
        problem = str(e).splitlines()[0] if isinstance(e, StethoscopeError) else repr(e)
        say(f"sync of source {name} failed: {problem}")
        return False
    say(f"synced source {name}: {summary.rows_written:,} rows in {summary.seconds:.1f} s")
    return True

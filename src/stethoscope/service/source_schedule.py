"""Sources synced on schedules of their own: while `stethoscope serve` runs, each SaaS source
with a ``schedule`` is synced at every tick of it (read in ``schedule_timezone``), in one
thread for them all. Sources without one are synced before each scheduled scoring run
(service.schedule). A sync that fails is recorded in the store and tried at the next tick:
its cursors are where the last good sync left them, so nothing is lost meanwhile."""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from croniter import croniter

from stethoscope.service.schedule import Clock, SystemClock, Ticking, sync_source

if TYPE_CHECKING:
    from stethoscope.project import Project

log = logging.getLogger(__name__)


class SourceScheduler(Ticking):
    name = "stethoscope-sources"
    what = "the sync in progress"

    def __init__(
        self,
        project: Project,
        schedules: dict[str, str],
        *,
        timezone: str = "UTC",
        clock: Clock | None = None,
        say: Callable[[str], None] = log.info,
    ) -> None:
        self.project = project
        self.schedules = schedules
        self.zone = ZoneInfo(timezone)
        self.clock = clock or SystemClock()
        self._say = say
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @classmethod
    def from_settings(
        cls, project: Project, *, clock: Clock | None = None, say: Callable[[str], None] = log.info
    ) -> SourceScheduler | None:
        """The scheduler of the sources that have a schedule; None when none has."""
        from stethoscope.sources.config import SAAS_KINDS

        s = project.settings
        schedules = {
            name: spec.schedule
            for name, spec in s.sources.items()
            if spec.kind in SAAS_KINDS and spec.schedule
        }
        if not schedules:
            return None
        return cls(project, schedules, timezone=s.schedule_timezone, clock=clock, say=say)

    def next_ticks(self, after: dt.datetime) -> tuple[dt.datetime, list[str]]:
        """The first tick after ``after`` of any source, and the sources due then."""
        start = after.astimezone(self.zone)
        ticks: dict[str, dt.datetime] = {
            name: croniter(expression, start).get_next(dt.datetime)
            for name, expression in self.schedules.items()
        }
        first = min(ticks.values())
        return first, [name for name, at in ticks.items() if at == first]

    def _loop(self) -> None:
        at = self.clock.now()
        while not self._stop.is_set():
            at, due = self.next_ticks(max(at, self.clock.now()))
            if not self.clock.sleep_until(at, self._stop):
                return
            for name in due:
                if self._stop.is_set():
                    return
                sync_source(self.project, name, self.say)

    def say(self, message: str) -> None:
        self._say(f"sources: {message}")

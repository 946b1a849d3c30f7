"""The scheduler inside ``qms serve``: every minute, the due jobs (qms/jobs.py).

It lives with the app (started and stopped by its lifespan) and runs the jobs in a thread,
never on the event loop. Every worker of every host has one; the lease of
:func:`qms.core.jobs.run_jobs` lets one of them at a time do the work. ``QMS_SCHEDULER=false``
turns it off for those who run ``qms run-jobs`` from a timer instead.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time

from sqlalchemy import Engine

from qms.core import joblock
from qms.core.config import Settings
from qms.core.jobs import Outcome, run_jobs

log = logging.getLogger(__name__)
WORKED = re.compile(r"[1-9]")
REPEAT_AFTER_S = 3600


class Scheduler:
    def __init__(self, engine: Engine, settings: Settings) -> None:
        self.engine = engine
        self.settings = settings
        self.interval = settings.scheduler_interval_seconds
        self.holder = joblock.holder_name()
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._logged: dict[str, tuple[str, float]] = {}

    def run_once(self) -> None:
        """One round of due jobs; whatever fails is logged, never raised. A job's line is
        logged when it holds a number other than 0 (something was done, or waits) and it is
        not the line this process logged for that job within the hour (mail waiting for an
        SMTP server): a quiet minute logs nothing."""
        try:
            for outcome in run_jobs(self.engine, self.settings, holder=self.holder):
                if outcome.failed:
                    log.error("due job %s", outcome)
                elif outcome.job != "lock" and WORKED.search(outcome.line) and self._news(outcome):
                    log.info("due job %s: %s", outcome.job, outcome.line)
        except Exception:
            log.exception("the due jobs could not run; trying again in %s s", self.interval)

    def _news(self, outcome: Outcome) -> bool:
        now = time.monotonic()
        line, at = self._logged.get(outcome.job, ("", 0.0))
        if line == outcome.line and now - at < REPEAT_AFTER_S:
            return False
        self._logged[outcome.job] = (outcome.line, now)
        return True

    async def _loop(self) -> None:
        while not self._stop.is_set():
            await asyncio.to_thread(self.run_once)
            try:
                await asyncio.wait_for(self._stop.wait(), timeout=self.interval)
            except TimeoutError:
                continue

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._loop(), name="qms-scheduler")

    async def stop(self) -> None:
        """Ask the loop to end and wait for the round in progress to finish."""
        self._stop.set()
        if self._task is not None:
            await self._task
            self._task = None

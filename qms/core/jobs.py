"""Work that is due, run every minute by the scheduler of ``qms serve`` (qms/scheduler.py) or
by ``qms run-jobs`` from a timer: both call :func:`run_due_jobs`, which holds the ``due-jobs``
lease (qms/joblock.py) so that one process at a time, on any host, runs them.

A job is a plain function ``(engine, settings, today) -> str`` (the line it reports), each in
transactions of its own. A daily job runs once per agency day: the day it last ran to the end
is kept in the database, so neither a second process nor a restart repeats it. A capability
adds its jobs with :func:`register`, from its door.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Engine

from qms.core import joblock
from qms.core.clock import local_today
from qms.core.config import Settings

log = logging.getLogger(__name__)

LOCK = "due-jobs"


#: When a job runs in the round: versions come into force before the day's notices speak of
#: them, and the mail goes last, with everything the other jobs queued.
CHANGES, NOTICES, SENDING = 0, 1, 2


@dataclass(frozen=True)
class Job:
    name: str
    run: Callable[[Engine, Settings, date], str]
    daily: bool = False
    stage: int = NOTICES


#: The jobs of every capability, in the order they run: each capability's door registers its own.
JOBS: list[Job] = []
_registered: set[str] = set()


def register(job: Job) -> None:
    """Add ``job`` to the round, after the jobs of earlier stages, once per process: the doors
    may open again (each app a test makes) without changing the round."""
    if job.name not in _registered:
        _registered.add(job.name)
        JOBS[:] = sorted([*JOBS, job], key=lambda known: known.stage)


@dataclass(frozen=True)
class Outcome:
    job: str
    line: str
    failed: bool = False

    def __str__(self) -> str:
        return f"{self.job} failed: {self.line}" if self.failed else self.line


def run_jobs(engine: Engine, settings: Settings, *, holder: str | None = None,
             jobs: list[Job] | None = None) -> Iterator[Outcome]:
    """Each due job once, under the lease; nothing when another process holds it.

    A job that fails is logged and reported, and the others still run: a daily job that
    failed is tried again at the next run.
    """
    holder = holder or joblock.holder_name()
    if not joblock.try_acquire(engine, LOCK, holder):
        yield Outcome("lock", "another process is running the due jobs; nothing done here")
        return
    try:
        for job in JOBS if jobs is None else jobs:
            today = local_today(settings.zone)
            if job.daily and joblock.last_run_day(engine, job.name) == today:
                continue
            if not joblock.try_acquire(engine, LOCK, holder):  # renewed before each job
                yield Outcome("lock", "the lease on the due jobs was lost; stopping")
                return
            try:
                line = job.run(engine, settings, today)
                if job.daily:
                    joblock.remember_run_day(engine, job.name, today)
            except Exception as error:
                log.exception("the due job %r failed", job.name)
                yield Outcome(job.name, f"{type(error).__name__}: {error}", failed=True)
                continue
            yield Outcome(job.name, line)
    finally:
        joblock.release(engine, LOCK, holder)


def run_due_jobs(engine: Engine, settings: Settings) -> Iterator[str]:
    """The lines ``qms run-jobs`` prints."""
    for outcome in run_jobs(engine, settings):
        yield str(outcome)

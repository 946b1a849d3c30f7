"""Work that is due, run every minute by the scheduler of ``qms serve`` (qms/scheduler.py) or
by ``qms run-jobs`` from a timer: both call :func:`run_due_jobs`, which holds the ``due-jobs``
lease (qms/joblock.py) so that one process at a time, on any host, runs them.

A job is a plain function ``(engine, settings, today) -> str`` (the line it reports), each in
transactions of its own. A daily job runs once per agency day: the day it last ran to the end
is kept in the database, so neither a second process nor a restart repeats it. To add a job,
add it to :data:`JOBS`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Engine

from qms.accounts.auth import purge_expired
from qms.core import joblock
from qms.core.clock import local_today
from qms.core.config import Settings
from qms.core.db import transaction, utcnow
from qms.distribution.mail import send_due_mail
from qms.distribution.notifications import agency_name, queue_digests
from qms.distribution.reminders import queue_reminders
from qms.documents.effective import make_due_effective
from qms.library.review_reminders import queue_review_reminders

log = logging.getLogger(__name__)

LOCK = "due-jobs"
#: The daily digests leave from this hour of the agency's day (16:00: what came in that day).
DIGEST_HOUR = 16


def versions_coming_into_force(engine: Engine, settings: Settings, today: date) -> str:
    with transaction(engine) as session:
        made_effective = make_due_effective(session, today)
    return f"versions made effective: {len(made_effective)}" + (
        f" ({', '.join(made_effective)})" if made_effective else "")


def expired_sessions(engine: Engine, settings: Settings, today: date) -> str:
    with transaction(engine) as session:
        return f"expired sessions removed: {purge_expired(session, settings)}"


def review_notices(engine: Engine, settings: Settings, today: date) -> str:
    with transaction(engine) as session:
        return queue_review_reminders(session, today)


def acknowledgement_reminders(engine: Engine, settings: Settings, today: date) -> str:
    with transaction(engine) as session:
        return str(queue_reminders(session, settings, today))


def send_daily_digests(engine: Engine, settings: Settings, at: datetime | None = None) -> str:
    """The daily digest of everyone who chose it, queued before the outbox is sent; from
    ``DIGEST_HOUR`` local time, once a day (a second run that day finds the day's key taken,
    so the job is not marked daily: before the hour it must run again)."""
    now = (at or utcnow()).astimezone(settings.zone)
    if now.hour < DIGEST_HOUR:
        return f"daily notification digests: not before {DIGEST_HOUR}:00"
    with transaction(engine) as session:
        return str(queue_digests(session, now.date()))


def daily_digests(engine: Engine, settings: Settings, today: date) -> str:
    return send_daily_digests(engine, settings)


def outgoing_mail(engine: Engine, settings: Settings, today: date) -> str:
    with transaction(engine, write=False) as session:
        sender = agency_name(session)
    return str(send_due_mail(engine, settings, sender_name=sender))


@dataclass(frozen=True)
class Job:
    name: str
    run: Callable[[Engine, Settings, date], str]
    daily: bool = False


#: In this order: versions come into force before the day's notices speak of them, and the
#: mail goes last, with everything the other jobs queued.
JOBS: list[Job] = [
    Job("effective", versions_coming_into_force),
    Job("sessions", expired_sessions),
    Job("review-notices", review_notices, daily=True),
    Job("acknowledgement-reminders", acknowledgement_reminders, daily=True),
    Job("digests", daily_digests),
    Job("mail", outgoing_mail),
]


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

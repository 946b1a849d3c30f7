"""Work that is due: run by `qms run-jobs`, from cron or a systemd timer, on any host."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from sqlalchemy import Engine

from qms.accounts.auth import purge_expired
from qms.clock import local_today
from qms.config import Settings
from qms.db import transaction, utcnow
from qms.distribution import jobs as distribution_jobs
from qms.distribution.notifications import queue_digests
from qms.documents.effective import make_due_effective
from qms.library.review_reminders import queue_review_reminders

#: The daily digests leave from this hour of the agency's day (16:00: what came in that day).
DIGEST_HOUR = 16


def run_due_jobs(engine: Engine, settings: Settings) -> Iterator[str]:
    """Each job runs in its own transaction and is safe to run concurrently."""
    with transaction(engine) as session:
        made_effective = make_due_effective(session, local_today(settings.zone))
    yield f"versions made effective: {len(made_effective)}" + (
        f" ({', '.join(made_effective)})" if made_effective else ""
    )
    with transaction(engine) as session:
        removed = purge_expired(session, settings)
    yield f"expired sessions removed: {removed}"
    with transaction(engine) as session:
        yield queue_review_reminders(session, local_today(settings.zone))
    yield send_daily_digests(engine, settings)
    yield from distribution_jobs.run(engine, settings)


def send_daily_digests(engine: Engine, settings: Settings, at: datetime | None = None) -> str:
    """The daily digest of everyone who chose it, queued before the outbox is sent; from
    ``DIGEST_HOUR`` local time, once a day (a second run that day finds the day's key taken)."""
    now = (at or utcnow()).astimezone(settings.zone)
    if now.hour < DIGEST_HOUR:
        return f"daily notification digests: not before {DIGEST_HOUR}:00"
    with transaction(engine) as session:
        return str(queue_digests(session, now.date()))

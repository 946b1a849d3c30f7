"""The distribution jobs of ``qms run-jobs``: reminders, then the e-mail outbox."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import Engine

from qms.clock import local_today
from qms.config import Settings
from qms.db import transaction
from qms.distribution.mail import send_due_mail
from qms.distribution.reminders import agency_name, queue_reminders


def run(engine: Engine, settings: Settings) -> Iterator[str]:
    """Each step in its own transaction; safe to run from several hosts at once."""
    with transaction(engine) as session:
        reminded = queue_reminders(session, settings, local_today(settings.zone))
        agency = agency_name(session)
    yield str(reminded)
    yield str(send_due_mail(engine, settings, sender_name=agency))

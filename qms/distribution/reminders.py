"""Reminders to acknowledge: one daily digest per person, in the app and by e-mail.

A task calls for a reminder once when its due date is near (``REMIND_BEFORE_DAYS``), on
the first day it is overdue, then every ``OVERDUE_EVERY_DAYS``. A person with at least one
such task gets one digest that day listing all their tasks that are due soon or
overdue. The digest's key (person, day, kind) is unique in the notifications and in the
outbox, so running the job twice, or on two hosts at once, never sends it twice: a second
host waits on the first one's key, then finds it taken.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, select, update
from sqlmodel import Session, col

from qms.accounts.models import User
from qms.audit import service as audit
from qms.core import i18n
from qms.core.config import Settings
from qms.core.db import transaction, utcnow
from qms.core.web import templates
from qms.distribution.choices import TaskState
from qms.distribution.models import Acknowledgement
from qms.distribution.targets import end_of_day
from qms.documents.choices import Status
from qms.documents.models import Document, Version
from qms.notify import notifications
from qms.notify.mail import insert_ignoring_duplicates, queue_mail
from qms.notify.models import Notification

REMIND_BEFORE_DAYS = 2
OVERDUE_EVERY_DAYS = 7
KIND = "ack-reminder"


@dataclass(frozen=True)
class DigestItem:
    code: str
    title: str
    revision: int
    due: date
    overdue: bool
    url: str

    @property
    def rev(self) -> str:
        return f"{self.revision:02d}"

    @property
    def due_text(self) -> str:
        return long_date(self.due)


def long_date(day: date) -> str:
    """"ngày 05 tháng 02 năm 2026" in Vietnamese (zero before days under 10 and months under 3)."""
    if i18n.current_language() == "vi":
        return f"ngày {day.day:02d} tháng {day.month:02d} năm {day.year}" if day.month < 3 else (
            f"ngày {day.day:02d} tháng {day.month} năm {day.year}")
    return day.strftime("%d %B %Y")


def calls_for_reminder(due: date, last_reminded_on: date | None, today: date) -> bool:
    if due >= today:
        return last_reminded_on is None and (due - today).days <= REMIND_BEFORE_DAYS
    return (last_reminded_on is None or last_reminded_on <= due
            or (today - last_reminded_on).days >= OVERDUE_EVERY_DAYS)


@dataclass
class ReminderRun:
    people: int = 0
    mails: int = 0

    def __str__(self) -> str:
        return f"acknowledgement reminders: {self.people} people reminded, {self.mails} e-mails queued"


def queue_reminders(session: Session, settings: Settings, today: date) -> ReminderRun:
    zone: ZoneInfo = settings.zone
    horizon = end_of_day(today + timedelta(days=REMIND_BEFORE_DAYS), zone)
    query = (
        select(Acknowledgement, col(Document.code), col(Document.title), col(Version.revision))
        .join(Version, col(Version.id) == Acknowledgement.version_id)
        .join(Document, col(Document.id) == Version.document_id)
        .join(User, col(User.id) == Acknowledgement.user_id)
        .where(col(Acknowledgement.status) == TaskState.PENDING, col(Acknowledgement.due_at) <= horizon,
               col(Version.status) == Status.EFFECTIVE, col(User.active))
        .order_by(col(Acknowledgement.user_id), col(Acknowledgement.due_at), col(Document.code))
    )
    by_person: dict[int, list[tuple[Acknowledgement, DigestItem]]] = {}
    base = settings.base_url.rstrip("/")
    for task, code, title, revision in session.execute(query).all():
        due = task.due_at.astimezone(zone).date()
        item = DigestItem(code, title, revision, due, due < today,
                          f"{base}/documents/{code}/versions/{revision}")
        by_person.setdefault(task.user_id, []).append((task, item))
    run = ReminderRun()
    agency = notifications.agency_name(session)
    users = {user.id: user for user in session.execute(
        select(User).where(col(User.id).in_(list(by_person)))).scalars()} if by_person else {}
    for user_id, entries in by_person.items():
        if not any(calls_for_reminder(item.due, task.last_reminded_on, today) for task, item in entries):
            continue
        user = users[user_id]
        items = sorted((item for _task, item in entries), key=lambda i: (not i.overdue, i.due, i.code))
        key = f"{KIND}:{user_id}:{today.isoformat()}"
        overdue = sum(item.overdue for item in items)
        created = insert_ignoring_duplicates(session, Notification, {
            "user_id": user_id, "link": "/reading", "created_at": utcnow(),
            "kind": notifications.ACKNOWLEDGEMENT_OVERDUE if overdue else notifications.REMINDER,
            "params": json.dumps({"count": len(items), "overdue": overdue}), "dedup_key": key,
        })
        if not created:
            continue  # reminded today already, here or by another host
        run.people += 1
        # The audit chain's lock before touching the tasks: the lifecycle takes it before
        # closing them, so the two never wait on each other.
        audit.record(session, actor=None, actor_username="system", action="reminder.notify",
                     object_type="user", object_id=user.username,
                     details={"documents": [f"{i.code}/{i.revision}" for i in items], "overdue": overdue,
                              "email": bool(user.email), "key": key})
        if user.email:
            with i18n.in_language(settings.default_language):
                subject, body = render_digest(agency, user.full_name, items)
            run.mails += queue_mail(session, dedup_key=key, user_id=user_id, to_address=user.email,
                                    subject=subject, body=body)
        session.execute(update(Acknowledgement).where(
            col(Acknowledgement.id).in_([task.id for task, _item in entries])
        ).values(last_reminded_on=today, reminders_sent=Acknowledgement.reminders_sent + 1))
    return run


def render_digest(agency: str, full_name: str, items: list[DigestItem]) -> tuple[str, str]:
    """Subject and plain-text body of a digest, in the current language."""
    overdue = [item for item in items if item.overdue]
    soon = [item for item in items if not item.overdue]
    if overdue:
        subject = i18n.gettext("[%(agency)s] %(n)s documents to acknowledge, %(overdue)s overdue",
                               agency=agency, n=len(items), overdue=len(overdue))
    else:
        subject = i18n.gettext("[%(agency)s] %(n)s documents to read and acknowledge", agency=agency,
                               n=len(items))
    body = templates.env.get_template("emails/reading_reminder.txt").render(
        agency=agency, full_name=full_name, overdue=overdue, soon=soon)
    return subject, body


def acknowledgement_reminders(engine: Engine, settings: Settings, today: date) -> str:
    with transaction(engine) as session:
        return str(queue_reminders(session, settings, today))

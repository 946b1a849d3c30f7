"""The e-mail outbox: queued in the transaction of what caused it, sent by ``qms run-jobs``.

Sending claims a batch of due rows in a short transaction (``FOR UPDATE SKIP LOCKED`` on
PostgreSQL; the write lock of ``BEGIN IMMEDIATE`` on SQLite), marks them ``sending`` with
a lease, sends outside any transaction, then records each outcome. Several hosts can run
it at once: a row is claimed by one of them only. A failure is retried with exponential
back-off; after the last attempt the row is ``failed`` with its error.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.header import Header
from email.message import EmailMessage
from email.policy import Policy
from email.utils import format_datetime, formataddr, make_msgid

from sqlalchemy import Engine, func, literal_column, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col

from qms.audit import service as audit
from qms.core.config import Settings
from qms.core.db import transaction, utcnow
from qms.notify.models import MailOutbox

MAX_ATTEMPTS = 6
FIRST_RETRY = timedelta(minutes=5)
LEASE = timedelta(minutes=10)
BATCH = 50
MAX_BATCHES = 40
SMTP_TIMEOUT_S = 20


def insert_ignoring_duplicates(session: Session, model: type, values: dict[str, object]) -> bool:
    """INSERT … ON CONFLICT (dedup_key) DO NOTHING; True when a row was written."""
    dialect = session.get_bind().dialect.name
    builder = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = builder(model).values(**values).on_conflict_do_nothing(index_elements=["dedup_key"])
    # RETURNING tells for sure: psycopg's rowcount is not reliable for a skipped conflict.
    return session.execute(statement.returning(literal_column("1"))).first() is not None


def queue_mail(session: Session, *, dedup_key: str, user_id: int | None, to_address: str, subject: str,
               body: str, html: str | None = None) -> bool:
    """Queue one message (plain text, with an HTML alternative when given) unless one with the
    same key was ever queued."""
    return insert_ignoring_duplicates(session, MailOutbox, {
        "dedup_key": dedup_key, "user_id": user_id, "to_address": to_address, "subject": subject[:300],
        "body": body, "html": html, "status": "queued", "attempts": 0, "next_attempt_at": utcnow(),
        "created_at": utcnow(), "last_error": "",
    })


def queue_mails(session: Session, messages: list[dict[str, object]]) -> int:
    """Queue many messages (``dedup_key``, ``user_id``, ``to_address``, ``subject``, ``body``,
    ``html``) in one statement; those whose key was ever queued are left out."""
    if not messages:
        return 0
    now = utcnow()
    rows = [{**message, "subject": str(message["subject"])[:300], "status": "queued", "attempts": 0,
             "next_attempt_at": now, "created_at": now, "last_error": ""} for message in messages]
    builder = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = builder(MailOutbox).values(rows).on_conflict_do_nothing(index_elements=["dedup_key"])
    return len(session.execute(statement.returning(literal_column("1"))).all())


def backoff(attempts: int) -> timedelta:
    """5 min after the first failure, then 10, 20, 40, 80."""
    return FIRST_RETRY * (2 ** max(0, attempts - 1))


@dataclass(frozen=True)
class Outgoing:
    id: int
    dedup_key: str
    user_id: int | None
    to_address: str
    subject: str
    body: str
    attempts: int
    html: str | None = None


@dataclass
class MailRun:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    waiting: int = 0
    not_configured: bool = False

    def __str__(self) -> str:
        if self.not_configured:
            return (f"mail not sent: QMS_SMTP_HOST is not set ({self.waiting} message(s) wait in the "
                    "outbox)")
        return f"mail sent: {self.sent}, to retry later: {self.retrying}, failed for good: {self.failed}"


def _claim(session: Session, now: datetime) -> list[Outgoing]:
    due = ((col(MailOutbox.status) == "queued") | (col(MailOutbox.status) == "sending")) & (
        col(MailOutbox.next_attempt_at) <= now)
    query = select(MailOutbox).where(due).order_by(col(MailOutbox.next_attempt_at),
                                                   col(MailOutbox.id)).limit(BATCH)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    rows = session.execute(query).scalars().all()
    claimed = []
    for row in rows:
        row.status = "sending"
        row.attempts += 1
        row.next_attempt_at = now + LEASE
        claimed.append(Outgoing(row.id or 0, row.dedup_key, row.user_id, row.to_address, row.subject,
                                row.body, row.attempts, row.html))
    session.flush()
    return claimed


class EncodedSubject(str):
    """A subject encoded once as RFC 2047 words that each keep their own spaces.

    The standard library's folding of a long non-ASCII header drops the space where it splits
    two encoded words (Vietnamese subjects arrived as "xácnhận"); the message stores this value
    as it is and the generator writes :meth:`fold` instead of refolding the text."""

    name = "Subject"

    def fold(self, *, policy: Policy) -> str:
        encoded = Header(str(self), "utf-8", header_name=self.name).encode(linesep=policy.linesep)
        return f"{self.name}: {encoded}{policy.linesep}"


def _message(settings: Settings, item: Outgoing, sender_name: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = formataddr((sender_name, str(settings.smtp_from)))
    message["To"] = item.to_address
    message["Subject"] = EncodedSubject(item.subject)
    message["Date"] = format_datetime(utcnow())
    message["Message-ID"] = make_msgid(domain=str(settings.smtp_from).rpartition("@")[2] or None)
    message.set_content(item.body, charset="utf-8")
    if item.html:
        message.add_alternative(item.html, subtype="html", charset="utf-8")
    return message


Transport = Callable[[list[tuple[Outgoing, EmailMessage]]], dict[int, str | None]]


def smtp_transport(settings: Settings) -> Transport:
    """Send over one SMTP connection; returns ``{outbox id: error or None}``."""

    def send(batch: list[tuple[Outgoing, EmailMessage]]) -> dict[int, str | None]:
        results: dict[int, str | None] = {}
        try:
            with smtplib.SMTP(settings.smtp_host or "", settings.smtp_port, timeout=SMTP_TIMEOUT_S) as smtp:
                if settings.smtp_starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if settings.smtp_user:
                    smtp.login(settings.smtp_user, settings.smtp_password or "")
                for item, message in batch:
                    try:
                        smtp.send_message(message)
                        results[item.id] = None
                    except (smtplib.SMTPException, OSError) as exc:
                        results[item.id] = f"{type(exc).__name__}: {exc}"[:500]
        except (smtplib.SMTPException, OSError) as exc:
            for item, _unsent in batch:
                results.setdefault(item.id, f"{type(exc).__name__}: {exc}"[:500])
        return results

    return send


def _record(session: Session, item: Outgoing, error: str | None, now: datetime, run: MailRun) -> None:
    row = session.get(MailOutbox, item.id)
    if row is None or row.status != "sending":
        return
    kind = item.dedup_key.split(":", 1)[0]
    if error is None:
        row.status, row.sent_at, row.last_error = "sent", now, ""
        run.sent += 1
        audit.record(session, actor=None, actor_username="system", action="reminder.sent",
                     object_type="mail", object_id=item.id,
                     details={"to": item.to_address, "kind": kind, "key": item.dedup_key, "channel": "email"})
    elif item.attempts >= MAX_ATTEMPTS:
        row.status, row.last_error = "failed", error
        run.failed += 1
        audit.record(session, actor=None, actor_username="system", action="mail.failed",
                     object_type="mail", object_id=item.id,
                     details={"to": item.to_address, "kind": kind, "attempts": item.attempts, "error": error})
    else:
        row.status, row.last_error = "queued", error
        row.next_attempt_at = now + backoff(item.attempts)
        run.retrying += 1
    session.add(row)
    session.flush()


def waiting_count(session: Session) -> int:
    return session.execute(select(func.count()).select_from(MailOutbox).where(
        col(MailOutbox.status).in_(("queued", "sending")))).scalar_one()


def send_due_mail(engine: Engine, settings: Settings, *, transport: Transport | None = None,
                  now: Callable[[], datetime] = utcnow, sender_name: str = "") -> MailRun:
    run = MailRun()
    if not settings.smtp_host and transport is None:
        with transaction(engine, write=False) as session:
            run.waiting = waiting_count(session)
        run.not_configured = True
        return run
    send = transport or smtp_transport(settings)
    for _batch in range(MAX_BATCHES):
        with transaction(engine) as session:
            claimed = _claim(session, now())
        if not claimed:
            break
        results = send([(item, _message(settings, item, sender_name)) for item in claimed])
        with transaction(engine) as session:
            for item in claimed:
                _record(session, item, results.get(item.id, "not attempted"), now(), run)
    return run

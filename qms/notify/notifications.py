"""Notifications: the bell in the header, the notifications page, the "your turn" items of the
home page, and e-mail (one message each, or one daily digest, as each person chose).

Every notification carries a key per kind, object, round and person (``dedup_key``, a
unique index): inserting it again does nothing, whichever request, job or host tries, so
nobody is told the same thing twice. A notification whose task is done is marked read by
the step that did it (:func:`complete`)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Engine, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col

from qms.accounts.auth import Principal
from qms.accounts.choices import NotificationMail
from qms.accounts.models import AgencyProfile, User
from qms.core import i18n
from qms.core.config import Settings, current
from qms.core.db import rowcount, transaction, utcnow
from qms.core.i18n import _
from qms.core.pagination import Page, clamp
from qms.core.web import templates
from qms.notify.mail import queue_mail, queue_mails, send_due_mail
from qms.notify.models import Notification

DISTRIBUTED = "distributed"
SUPERSEDED = "superseded"
REMINDER = "reminder"
COPY_RECALL = "copy_recall"
REVIEW_REQUESTED = "review_requested"
APPROVAL_REQUESTED = "approval_requested"
RETURNED = "returned"
APPROVED = "approved"
DELEGATED = "delegated"
ACKNOWLEDGEMENT_OVERDUE = "acknowledgement_overdue"

#: Kinds that ask the reader to do something: the "your turn" items of the home page. What to
#: read and acknowledge is left out: the reading list under it shows those tasks as they are
#: now (a document restricted since leaves it), where a notification keeps its day's words.
TASK_KINDS = (REVIEW_REQUESTED, APPROVAL_REQUESTED, RETURNED, COPY_RECALL, "change_request", "review_due")


def revision_text(revision: int) -> str:
    return f"{revision:02d}"


#: Texts of notification kinds that other capabilities send (kind → text(kind, params)).
_other_messages: dict[str, Callable[[str, dict[str, Any]], str]] = {}


def register_message(kind: str, text: Callable[[str, dict[str, Any]], str]) -> None:
    """Let another capability send notifications of ``kind`` with its own wording."""
    _other_messages[kind] = text


def message(kind: str, params: dict[str, Any]) -> str:
    """The text of a notification in the reader's language."""
    if kind in _other_messages:
        return _other_messages[kind](kind, params)
    if kind == DISTRIBUTED:
        return _("New to read: %(code)s %(title)s, revision %(rev)s, by %(due)s.",
                 code=params.get("code", ""), title=params.get("title", ""),
                 rev=revision_text(int(params.get("revision", 0))), due=params.get("due", ""))
    if kind == SUPERSEDED:
        return _("%(code)s revision %(old)s is no longer in force: read revision %(rev)s instead.",
                 code=params.get("code", ""), old=revision_text(int(params.get("old", 0))),
                 rev=revision_text(int(params.get("revision", 0))))
    if kind == REVIEW_REQUESTED:
        return _("%(name)s asks you to review %(code)s %(title)s, revision %(rev)s.",
                 name=params.get("by", ""), code=params.get("code", ""), title=params.get("title", ""),
                 rev=revision_text(int(params.get("revision", 0))))
    if kind == APPROVAL_REQUESTED:
        if params.get("for"):
            return _("%(code)s %(title)s, revision %(rev)s, awaits approval by %(name)s; you may sign "
                     "on their behalf.", code=params.get("code", ""), title=params.get("title", ""),
                     rev=revision_text(int(params.get("revision", 0))), name=params.get("for", ""))
        return _("%(code)s %(title)s, revision %(rev)s, awaits your approval.", code=params.get("code", ""),
                 title=params.get("title", ""), rev=revision_text(int(params.get("revision", 0))))
    if kind == RETURNED:
        return _("%(name)s sent %(code)s revision %(rev)s back: “%(comment)s”", name=params.get("by", ""),
                 code=params.get("code", ""), rev=revision_text(int(params.get("revision", 0))),
                 comment=params.get("comment", ""))
    if kind == APPROVED:
        return _("%(code)s %(title)s, revision %(rev)s, was approved, in force from %(date)s.",
                 code=params.get("code", ""), title=params.get("title", ""),
                 rev=revision_text(int(params.get("revision", 0))), date=params.get("effective", ""))
    if kind == DELEGATED:
        return _("%(name)s delegated approval to you from %(start)s to %(end)s.", name=params.get("by", ""),
                 start=params.get("starts_on", ""), end=params.get("ends_on", ""))
    if kind == ACKNOWLEDGEMENT_OVERDUE:
        return _("Overdue: %(n)s documents wait for your acknowledgement, %(overdue)s of them past their "
                 "date.", n=params.get("count", 0), overdue=params.get("overdue", 0))
    if kind == REMINDER:
        return _("Reminder: %(n)s documents wait for your acknowledgement, %(overdue)s of them overdue.",
                 n=params.get("count", 0), overdue=params.get("overdue", 0))
    if kind == COPY_RECALL:
        return _("Controlled copy no. %(number)s of %(code)s revision %(rev)s must be returned.",
                 number=params.get("number", ""), code=params.get("code", ""),
                 rev=revision_text(int(params.get("revision", 0))))
    return kind


def notify_many(session: Session, user_ids: Iterable[int], kind: str, params: dict[str, Any],
                link: str = "") -> int:
    """One notification per user, inserted in one statement."""
    now = utcnow()
    encoded = json.dumps(params, ensure_ascii=False, sort_keys=True)
    rows = [{"user_id": user_id, "kind": kind, "params": encoded, "link": link, "created_at": now}
            for user_id in user_ids]
    if rows:
        session.execute(insert(Notification), rows)
    return len(rows)


def unread_count(session: Session, actor: Principal) -> int:
    return session.execute(
        select(func.count()).select_from(Notification)
        .where(col(Notification.user_id) == actor.id, col(Notification.read_at).is_(None))
    ).scalar_one()


@dataclass(frozen=True)
class NotificationRow:
    id: int
    kind: str
    text: str
    link: str
    created_at: datetime
    read: bool


def list_notifications(session: Session, actor: Principal, *, limit: int | None = None,
                       offset: int | None = None, unread: bool = False) -> Page[NotificationRow]:
    limit, offset = clamp(limit, offset)
    query = select(Notification).where(col(Notification.user_id) == actor.id)
    if unread:
        query = query.where(col(Notification.read_at).is_(None))
    total = session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    rows: Sequence[Notification] = session.execute(
        query.order_by(col(Notification.created_at).desc(), col(Notification.id).desc()).limit(limit)
        .offset(offset)
    ).scalars().all()
    items = [NotificationRow(n.id or 0, n.kind, message(n.kind, json.loads(n.params or "{}")), n.link,
                             n.created_at, n.read_at is not None) for n in rows]
    return Page(items, total, limit, offset)


def mark_read(session: Session, actor: Principal, *, link: str | None = None,
              ids: Sequence[int] | None = None) -> int:
    """Mark the actor's notifications read (only those pointing at ``link``, or with these
    ``ids``, when given); others' notifications are never touched."""
    query = update(Notification).where(col(Notification.user_id) == actor.id,
                                       col(Notification.read_at).is_(None))
    if link is not None:
        query = query.where(col(Notification.link) == link)
    if ids is not None:
        query = query.where(col(Notification.id).in_(list(ids)))
    return rowcount(session.execute(query.values(read_at=utcnow(), digest_pending=False)))


@dataclass(frozen=True)
class TurnItem:
    kind: str
    text: str
    link: str
    created_at: datetime


def your_turn(session: Session, actor: Principal, limit: int = 8) -> list[TurnItem]:
    """The unread notifications that ask the reader to act, newest first, in one statement."""
    rows = session.execute(
        select(col(Notification.kind), col(Notification.params), col(Notification.link),
               col(Notification.created_at))
        .where(col(Notification.user_id) == actor.id, col(Notification.read_at).is_(None),
               col(Notification.kind).in_(TASK_KINDS))
        .order_by(col(Notification.created_at).desc(), col(Notification.id).desc()).limit(limit)
    ).all()
    return [TurnItem(kind, message(kind, json.loads(params or "{}")), link, created_at)
            for kind, params, link, created_at in rows]


@dataclass(frozen=True)
class Recipient:
    id: int
    full_name: str
    email: str | None
    mail: str


def send(session: Session, user_ids: Iterable[int], kind: str, params: dict[str, Any], link: str,
         key: str) -> list[int]:
    """Tell each person once: a notification keyed ``{key}:{user id}``, and an e-mail to those
    with an address who chose immediate mail (the others' waits for their daily digest).
    Returns who was told now; a key already used tells nobody again."""
    ids = list(dict.fromkeys(user_ids))
    if not ids:
        return []
    found = session.execute(
        select(col(User.id), col(User.full_name), col(User.email), col(User.notification_mail))
        .where(col(User.id).in_(ids), col(User.active))
    )
    people = {row.id: Recipient(row.id, row.full_name, row.email, row.notification_mail) for row in found}
    if not people:
        return []
    now = utcnow()
    encoded = json.dumps(params, ensure_ascii=False, sort_keys=True)
    rows = [{"user_id": person.id, "kind": kind, "params": encoded, "link": link, "created_at": now,
             "dedup_key": f"{key}:{person.id}"[:120],
             "digest_pending": bool(person.email) and person.mail == NotificationMail.DAILY}
            for person in people.values()]
    builder = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    told = list(session.execute(builder(Notification).values(rows)
                                .on_conflict_do_nothing(index_elements=["dedup_key"])
                                .returning(col(Notification.user_id))).scalars())
    mailed = [people[user_id] for user_id in told
              if people[user_id].email and people[user_id].mail != NotificationMail.DAILY]
    if mailed:
        settings = current()
        agency = agency_name(session)
        mails = []
        with i18n.in_language(settings.default_language):
            text = message(kind, params)
            for person in mailed:
                subject, body, html = render_mail(agency, person.full_name, [(text, absolute(link))])
                mails.append({"dedup_key": f"{key}:{person.id}"[:120], "user_id": person.id,
                              "to_address": person.email, "subject": subject, "body": body, "html": html})
        queue_mails(session, mails)
    return told


def complete(session: Session, key: str, user_id: int | None = None) -> int:
    """Mark read what asked for a task now done: the notifications keyed ``{key}:…`` (only
    ``user_id``'s when given)."""
    match = (col(Notification.dedup_key) == f"{key}:{user_id}" if user_id is not None
             else col(Notification.dedup_key).startswith(f"{key}:", autoescape=True))
    return rowcount(session.execute(update(Notification).where(match, col(Notification.read_at).is_(None))
                                    .values(read_at=utcnow(), digest_pending=False)))


def absolute(link: str) -> str:
    return current().base_url.rstrip("/") + link if link.startswith("/") else link


def agency_name(session: Session) -> str:
    profile = session.execute(select(AgencyProfile).limit(1)).scalar_one_or_none()
    return (profile.short_name or profile.name) if profile else "qms"


def render_mail(agency: str, full_name: str, items: list[tuple[str, str]],
                day: date | None = None) -> tuple[str, str, str]:
    """Subject, text and HTML of one notification, or of a daily digest when ``day`` is given."""
    if day is None:
        subject = f"[{agency}] {items[0][0].rstrip('.')}"
    else:
        subject = _("[%(agency)s] Your notifications of %(date)s (%(n)s)", agency=agency,
                    date=day.strftime("%d/%m/%Y"), n=len(items))
    context = {"agency": agency, "full_name": full_name, "items": items, "digest": day is not None}
    return (" ".join(subject.split())[:300],
            templates.env.get_template("emails/notification.txt").render(context),
            templates.env.get_template("emails/notification.html").render(context))


@dataclass
class DigestRun:
    people: int = 0

    def __str__(self) -> str:
        return f"daily notification digests queued: {self.people}"


def queue_digests(session: Session, today: date) -> DigestRun:
    """One e-mail a day to each person who chose the digest, listing what they were told and
    have not read since; the key (person, day) keeps it to one, whichever host runs it."""
    pending = session.execute(
        select(Notification, col(User.full_name), col(User.email))
        .join(User, col(User.id) == Notification.user_id)
        .where(col(Notification.digest_pending), col(Notification.read_at).is_(None), col(User.active),
               col(User.email).is_not(None))
        .order_by(col(Notification.user_id), col(Notification.created_at), col(Notification.id))
    ).all()
    by_person: dict[int, list[tuple[Notification, str, str]]] = {}
    for note, full_name, address in pending:
        by_person.setdefault(note.user_id, []).append((note, full_name, address))
    run = DigestRun()
    if not by_person:
        return run
    settings = current()
    agency = agency_name(session)
    for user_id, entries in by_person.items():
        _note, full_name, address = entries[0]
        with i18n.in_language(settings.default_language):
            items = [(message(note.kind, json.loads(note.params or "{}")), absolute(note.link))
                     for note, _name, _address in entries]
            subject, body, html = render_mail(agency, full_name, items, day=today)
        if not queue_mail(session, dedup_key=f"digest:{user_id}:{today.isoformat()}", user_id=user_id,
                          to_address=address, subject=subject, body=body, html=html):
            continue  # today's digest went already; these wait for tomorrow's
        session.execute(update(Notification).where(col(Notification.id).in_([n.id for n, _a, _b in entries]))
                        .values(digest_pending=False))
        run.people += 1
    return run


#: The daily digests leave from this hour of the agency's day (16:00: what came in that day).
DIGEST_HOUR = 16


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

"""In-app notifications: the bell in the header and the notifications page."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlmodel import Session

from qms.accounts.auth import Principal
from qms.db import utcnow
from qms.distribution.models import Notification
from qms.i18n import _
from qms.pagination import Page, clamp

DISTRIBUTED = "distributed"
SUPERSEDED = "superseded"
REMINDER = "reminder"
COPY_RECALL = "copy_recall"


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
        .where(Notification.user_id == actor.id, Notification.read_at.is_(None))
    ).scalar_one()


@dataclass(frozen=True)
class NotificationRow:
    id: int
    text: str
    link: str
    created_at: datetime
    read: bool


def list_notifications(session: Session, actor: Principal, *, limit: int | None = None,
                       offset: int | None = None) -> Page[NotificationRow]:
    limit, offset = clamp(limit, offset)
    query = select(Notification).where(Notification.user_id == actor.id)
    total = session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    rows: Sequence[Notification] = session.execute(
        query.order_by(Notification.created_at.desc(), Notification.id.desc()).limit(limit).offset(offset)
    ).scalars().all()
    items = [NotificationRow(n.id or 0, message(n.kind, json.loads(n.params or "{}")), n.link,
                             n.created_at, n.read_at is not None) for n in rows]
    return Page(items, total, limit, offset)


def mark_read(session: Session, actor: Principal, *, link: str | None = None) -> int:
    """Mark the actor's notifications read (only those pointing at ``link`` when given)."""
    query = update(Notification).where(Notification.user_id == actor.id, Notification.read_at.is_(None))
    if link is not None:
        query = query.where(Notification.link == link)
    return session.execute(query.values(read_at=utcnow())).rowcount or 0

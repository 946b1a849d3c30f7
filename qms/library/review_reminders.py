"""``qms run-jobs``: remind the quality officers of periodic reviews due within 30 days.

One in-app notification and one e-mail a day per quality officer, listing every document
due or overdue, never twice the same day (the notification and the mail carry a key per
person and day; inserting the same key again does nothing, even from another host).
The drafter of each due document's version in force, who will draft its next revision, is
told too (unless a quality officer, who has the list), once per due date, in the bell and
by e-mail or their digest.
"""

from __future__ import annotations

import json
from datetime import date, timedelta

from sqlalchemy import Engine, or_, select
from sqlmodel import Session, col

from qms.accounts.models import User, UserRole
from qms.core.config import Settings
from qms.core.db import transaction, utcnow
from qms.documents.models import Document, Version
from qms.documents.policy import can_manage_documents
from qms.library.notify import REVIEW_DUE
from qms.notify import notifications
from qms.notify.mail import insert_ignoring_duplicates, queue_mail
from qms.notify.models import Notification

NOTICE_DAYS = 30


def queue_review_reminders(session: Session, today: date) -> str:
    horizon = today + timedelta(days=NOTICE_DAYS)
    rows = session.execute(
        select(col(Document.code), col(Document.title), col(Document.next_review_on), col(Version.drafter_id))
        .join(Version, col(Version.id) == Document.effective_version_id)
        .where(or_(col(Document.next_review_on) <= horizon, col(Document.needs_review)))
        .order_by(col(Document.next_review_on), col(Document.code))
    ).all()
    if not rows:
        return "periodic reviews due within 30 days: none"
    due = [(code, title, day) for code, title, day, _drafter in rows]
    overdue = sum(1 for _code, _title, day in due if day is not None and day < today)
    officers = session.execute(
        select(col(User.id), col(User.email)).join(UserRole, col(UserRole.user_id) == User.id)
        .where(col(UserRole.role).in_(can_manage_documents.roles), col(User.active))
    ).all()
    for code, title, day, drafter_id in rows:
        if drafter_id is not None and drafter_id not in {user_id for user_id, _email in officers}:
            when = day.strftime("%d/%m/%Y") if day else ""
            notifications.send(session, [drafter_id], REVIEW_DUE,
                               {"code": code, "title": title, "date": when}, f"/documents/{code}",
                               key=f"{REVIEW_DUE}:{code}:{day or 'flagged'}")
    lines = "\n".join(f"- {code} {title}: " + (day.strftime("%d/%m/%Y") if day else "cần xem xét lại")
                      for code, title, day in due)
    sent = 0
    for user_id, email in officers:
        key = f"{REVIEW_DUE}:{user_id}:{today.isoformat()}"
        sent += insert_ignoring_duplicates(session, Notification, {
            "user_id": user_id, "kind": REVIEW_DUE, "link": "/reviews", "created_at": utcnow(),
            "params": json.dumps({"count": len(due), "overdue": overdue}), "dedup_key": key,
        })
        if email:
            queue_mail(session, dedup_key=key, user_id=user_id, to_address=email,
                       subject=f"Tài liệu đến hạn xem xét định kỳ ({len(due)})",
                       body=("Các tài liệu sau đến hạn xem xét định kỳ trong 30 ngày tới "
                             f"hoặc đã quá hạn ({overdue} quá hạn):\n\n{lines}\n"))
    return f"periodic reviews due within 30 days: {len(due)}; quality officers reminded: {sent}"


def review_notices(engine: Engine, settings: Settings, today: date) -> str:
    with transaction(engine) as session:
        return queue_review_reminders(session, today)

"""The reading list ("Tài liệu cần đọc"): a person's open acknowledgement tasks, of documents
they may still read (a document restricted since it was distributed leaves the list of
readers outside its units, title and all)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from qms.accounts.auth import Principal
from qms.core.db import utcnow
from qms.distribution.choices import TaskState
from qms.distribution.models import Acknowledgement
from qms.distribution.schemas import ReadingItem
from qms.documents.access import visibility_clause
from qms.documents.choices import Status
from qms.documents.lifecycle import ENDED_STATES
from qms.documents.models import Document, Version


def reading_list(session: Session, actor: Principal, now: datetime | None = None) -> list[ReadingItem]:
    """Open tasks on versions in force, overdue first, then the newest; one statement."""
    now = now or utcnow()
    earlier = aliased(Version)
    previous = (
        select(func.max(earlier.revision))
        .where(col(earlier.document_id) == Version.document_id, col(earlier.revision) < Version.revision,
               col(earlier.status).in_([status.value for status in ENDED_STATES]))
        .correlate(Version).scalar_subquery()
    )
    overdue = col(Acknowledgement.due_at) < now
    rows = session.execute(
        select(col(Document.code), col(Document.title), col(Version.revision), col(Version.change_summary),
               col(Version.effective_date), col(Acknowledgement.due_at), previous.label("previous"))
        .join(Version, col(Version.id) == Acknowledgement.version_id)
        .join(Document, col(Document.id) == Version.document_id)
        .where(col(Acknowledgement.user_id) == actor.id, col(Acknowledgement.status) == TaskState.PENDING,
               col(Version.status) == Status.EFFECTIVE, visibility_clause(actor))
        .order_by(overdue.desc(), col(Acknowledgement.assigned_at).desc(), Document.code)
    ).all()
    return [ReadingItem(code=row.code, title=row.title, revision=row.revision, due_at=row.due_at,
                        overdue=row.due_at < now, change_summary=row.change_summary,
                        previous_revision=row.previous, effective_date=row.effective_date)
            for row in rows]


def open_count(session: Session, actor: Principal) -> int:
    return session.execute(
        select(func.count()).select_from(Acknowledgement)
        .join(Version, col(Version.id) == Acknowledgement.version_id)
        .join(Document, col(Document.id) == Version.document_id)
        .where(col(Acknowledgement.user_id) == actor.id, col(Acknowledgement.status) == TaskState.PENDING,
               col(Version.status) == Status.EFFECTIVE, visibility_clause(actor))
    ).scalar_one()

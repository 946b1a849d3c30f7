"""Controlled paper copies: the recall list and recording each copy returned or destroyed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Row, Select, func, select
from sqlmodel import Session, col

from qms.accounts.auth import Principal
from qms.accounts.models import User
from qms.audit import service as audit
from qms.core.errors import Conflict, NotFound, ValidationFailed
from qms.core.i18n import _
from qms.core.pagination import Page, clamp
from qms.distribution.choices import CopyState
from qms.distribution.models import PaperCopy
from qms.distribution.policy import can_distribute, can_follow_distribution
from qms.distribution.schemas import RecallRecord
from qms.distribution.service import load_followed_version
from qms.documents.models import Document, Version, version_ref


@dataclass(frozen=True)
class CopyRow:
    code: str
    title: str
    revision: int
    version_status: str
    number: int
    holder: str
    holder_name: str
    holder_unit: str
    status: str
    issued_at: datetime
    recall_requested_at: datetime | None
    recalled_on: date | None
    recall_note: str

    @property
    def label(self) -> str:
        return f"{self.number:02d}"


def _rows(query: Sequence[Row[*tuple[Any, ...]]]) -> list[CopyRow]:
    return [CopyRow(*row) for row in query]


def _select() -> Select[*tuple[Any, ...]]:
    return (
        select(col(Document.code), col(Document.title), col(Version.revision), col(Version.status),
               col(PaperCopy.number), col(User.username), col(PaperCopy.holder_name),
               col(PaperCopy.holder_unit), col(PaperCopy.status), col(PaperCopy.issued_at),
               col(PaperCopy.recall_requested_at), col(PaperCopy.recalled_on), col(PaperCopy.recall_note))
        .select_from(PaperCopy)
        .join(Version, col(Version.id) == PaperCopy.version_id)
        .join(Document, col(Document.id) == Version.document_id)
        .join(User, col(User.id) == PaperCopy.holder_id)
    )


def copies_of(session: Session, version: Version) -> list[CopyRow]:
    return _rows(session.execute(_select().where(col(PaperCopy.version_id) == version.id)
                                 .order_by(col(PaperCopy.number))).all())


def recall_list(session: Session, actor: Principal, *, limit: int | None = None,
                offset: int | None = None) -> Page[CopyRow]:
    """Copies of versions no longer in force that have not come back yet, oldest first."""
    can_follow_distribution.require(actor)
    limit, offset = clamp(limit, offset)
    query = _select().where(col(PaperCopy.status) == CopyState.TO_RECALL)
    total = session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    rows = session.execute(query.order_by(col(PaperCopy.recall_requested_at), col(Document.code),
                                          col(PaperCopy.number))
                           .limit(limit).offset(offset)).all()
    return Page(_rows(rows), total, limit, offset)


def to_recall_count(session: Session) -> int:
    return session.execute(
        select(func.count()).select_from(PaperCopy).where(col(PaperCopy.status) == CopyState.TO_RECALL)
    ).scalar_one()


def record_recall(session: Session, actor: Principal, code: str, revision: int, number: int,
                  data: RecallRecord, today: date) -> PaperCopy:
    """The quality officer records a copy as returned or destroyed, with the date."""
    can_distribute.require(actor)
    document, version = load_followed_version(session, actor, code, revision)
    copy = session.execute(
        select(PaperCopy).where(col(PaperCopy.version_id) == version.id, col(PaperCopy.number) == number)
        .with_for_update()
    ).scalar_one_or_none()
    if copy is None:
        raise NotFound(_("Controlled copy no. %(number)s of %(code)s revision %(rev)s does not exist.",
                         number=f"{number:02d}", code=document.code, rev=f"{revision:02d}"))
    if copy.status in (CopyState.RETURNED, CopyState.DESTROYED):
        raise Conflict(_("Controlled copy no. %(number)s was already recorded as recalled.",
                         number=f"{number:02d}"))
    if copy.status != CopyState.TO_RECALL:
        raise Conflict(_("Controlled copy no. %(number)s belongs to a version in force; it is recalled "
                         "when the version ends.", number=f"{number:02d}"))
    if data.on > today:
        raise ValidationFailed("on", _("The date cannot be in the future."))
    if data.on < copy.issued_at.date():
        raise ValidationFailed("on", _("The date cannot be before the copy was issued."))
    copy.status = data.outcome
    copy.recalled_on = data.on
    copy.recalled_by_id = actor.id
    copy.recall_note = data.note.strip()
    session.add(copy)
    session.flush()
    audit.record(session, actor=actor, action="paper_copy.recall", object_type="version",
                 object_id=version_ref(document, version),
                 details={"copy": f"{number:02d}", "outcome": data.outcome, "on": data.on.isoformat(),
                          "holder": copy.holder_name, "note": copy.recall_note})
    return copy

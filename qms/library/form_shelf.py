"""The forms in force and the files people fill in, for the home page: forms of the reader's
own unit first. Three queries, whatever the number of forms."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, func, select
from sqlmodel import Session

from qms.accounts.auth import Principal
from qms.documents import access
from qms.documents.models import Document, Version
from qms.library.attachments import attachments_of
from qms.library.models import Attachment

SHELF_SIZE = 8


@dataclass(frozen=True)
class ShelfForm:
    code: str
    title: str
    revision: int
    files: list[Attachment]


@dataclass(frozen=True)
class FormShelf:
    forms: list[ShelfForm]
    total: int


def form_shelf(session: Session, actor: Principal, limit: int = SHELF_SIZE) -> FormShelf:
    in_force = (Document.kind == "form", Document.effective_version_id.is_not(None),
                access.visibility_clause(actor))
    total = session.execute(select(func.count()).select_from(Document).where(*in_force)).scalar_one()
    own_unit_first = case((Document.owner_unit_id == actor.unit_id, 0), else_=1)
    rows = session.execute(
        select(Document.code, Document.title, Version.id, Version.revision)
        .join(Version, Version.id == Document.effective_version_id)
        .where(*in_force)
        .order_by(own_unit_first, Document.code)
        .limit(limit)
    ).all()
    files = attachments_of(session, [version_id for _code, _title, version_id, _rev in rows])
    return FormShelf([ShelfForm(code, title, revision, files[version_id])
                      for code, title, version_id, revision in rows], total)

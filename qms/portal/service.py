"""What the public may see: effective versions of documents marked public, nothing else."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlmodel import Session, col

from qms.accounts.models import Unit
from qms.core.clock import local_today
from qms.core.config import Settings
from qms.core.errors import NotFound
from qms.core.i18n import _
from qms.core.pagination import Page, clamp
from qms.documents import search_index
from qms.documents.choices import Confidentiality
from qms.documents.models import Document, Version
from qms.documents.service import DocumentRow
from qms.files.storage import get_storage
from qms.records.document_record import Variant
from qms.records.service import render_version, signed_record_of


def _public() -> ColumnElement[bool]:
    public = col(Document.confidentiality) == Confidentiality.PUBLIC
    return public & col(Document.effective_version_id).is_not(None)


def public_documents(session: Session, *, q: str | None = None, sort: str | None = None,
                     limit: int | None = None, offset: int | None = None) -> Page[DocumentRow]:
    """Public documents in force; with a query, the most relevant first unless ``sort`` is
    "code" or "date" (the newest in force first)."""
    limit, offset = clamp(limit, offset)
    query = (
        select(Document, col(Unit.code), col(Unit.name), col(Version.revision), col(Version.status),
               col(Version.revision), col(Version.effective_date))
        .join(Unit, col(Unit.id) == Document.owner_unit_id)
        .join(Version, col(Version.id) == Document.effective_version_id)
        .where(_public())
    )
    found = search_index.ranked(session, q) if q else None
    if found is not None:
        query = query.join(found.rows, found.rows.c.id == Document.id)
    total = session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    if sort == "date":
        ordering: tuple[ColumnElement[Any], ...] = (col(Version.effective_date).desc(),)
    elif sort == "code" or found is None:
        ordering = ()
    else:
        ordering = search_index.relevance_order(found)
    rows = session.execute(query.order_by(*ordering, Document.code).limit(limit).offset(offset)).all()
    return Page([DocumentRow(*row) for row in rows], total, limit, offset)


def public_document(session: Session, code: str) -> tuple[Document, Version]:
    """The effective version of a public document; anything else is "not found"."""
    row = session.execute(
        select(Document, Version).join(Version, col(Version.id) == Document.effective_version_id)
        .where(col(Document.code) == code.upper(), _public())
    ).first()
    if row is None:
        raise NotFound(_("There is no public document %(code)s.", code=code))
    return row[0], row[1]


def public_pdf(session: Session, settings: Settings, code: str) -> tuple[bytes, str]:
    """The agency's signed original when it has one, else an uncontrolled print of today."""
    document, version = public_document(session, code)
    row = signed_record_of(session, version)
    storage = get_storage(settings)
    name = f"{document.code}_lan-{version.revision:02d}.pdf"
    if row is not None and storage.exists(row.sha256):
        return storage.get(row.sha256), name
    variant = Variant(printed_on=local_today(settings.zone))
    return render_version(session, document, version, settings, "pdf", variant), name

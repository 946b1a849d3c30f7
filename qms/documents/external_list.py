"""The list of external documents: number, issuer, issue date and status."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlmodel import Session, col

from qms.accounts.auth import Principal
from qms.core.pagination import Page, clamp, parse_sort
from qms.documents import access
from qms.documents.choices import Kind
from qms.documents.models import Document, ExternalDetails

SORTS = ("code", "number", "issued_on", "status", "title")


@dataclass(frozen=True)
class ExternalRow:
    code: str
    title: str
    number: str
    issuer: str
    issued_on: date | None
    status: str | None
    replaced_by: str
    in_library: bool


def list_external(session: Session, actor: Principal, *, status: str | None = None, sort: str | None = None,
                  limit: int | None = None, offset: int | None = None) -> Page[ExternalRow]:
    limit, offset = clamp(limit, offset)
    query = (
        select(col(Document.code), col(Document.title), col(ExternalDetails.number),
               col(ExternalDetails.issuer),
               col(ExternalDetails.issued_on), col(ExternalDetails.status), col(ExternalDetails.replaced_by),
               col(Document.effective_version_id).is_not(None))
        .outerjoin(ExternalDetails, col(ExternalDetails.document_id) == Document.id)
        .where(col(Document.kind) == Kind.EXTERNAL, access.visibility_clause(actor))
    )
    if status:
        query = query.where(col(ExternalDetails.status) == status)
    total = session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    key, descending = parse_sort(sort, SORTS, "code")
    column = {"code": col(Document.code), "number": col(ExternalDetails.number),
              "issued_on": col(ExternalDetails.issued_on), "status": col(ExternalDetails.status),
              "title": col(Document.title)}[key]
    ordered = column.desc().nulls_last() if descending else column.asc().nulls_last()
    rows = session.execute(query.order_by(ordered, Document.code).limit(limit).offset(offset)).all()
    return Page([ExternalRow(code, title, number or "", issuer or "", issued_on, ext_status, replaced or "",
                             bool(effective))
                 for code, title, number, issuer, issued_on, ext_status, replaced, effective in rows],
                total, limit, offset)

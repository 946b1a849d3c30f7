"""The records register (danh mục hồ sơ): the records each procedure produces, who keeps
them, for how long, on what medium and how they are disposed of; the records list of a
year drawn from it, and its approval by the head of agency with an electronic signature
(Decree 30/2020/NĐ-CP, Art. 28)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass

from sqlalchemy import delete, select
from sqlmodel import Session, col

from qms.accounts.auth import Principal
from qms.accounts.models import Unit
from qms.accounts.units import get_unit
from qms.audit import service as audit
from qms.core.db import pk, utcnow
from qms.core.errors import Conflict, NotFound, ValidationFailed
from qms.core.i18n import _
from qms.documents.choices import Kind
from qms.documents.models import Document
from qms.documents.policy import can_manage_documents
from qms.documents.service import load_document
from qms.documents.signing import reauthenticate
from qms.record_keeping import retention
from qms.record_keeping.models import RecordEntry, RecordsListApproval
from qms.record_keeping.policy import can_approve_records_list
from qms.record_keeping.schemas import RecordEntryIn, RecordsApprovalIn

MAX_ENTRIES = 100
NO_RECORDS_KINDS = (Kind.EXTERNAL, Kind.FORM)


@dataclass(frozen=True)
class RecordsListRow:
    """A line of the records list, as the records-list report prints it."""

    document_code: str
    document_title: str
    name: str
    keeping_unit_code: str
    keeping_unit_name: str
    permanent: bool
    retention_years: int | None
    category: str
    basis: str
    medium: str
    disposal: str

    @property
    def retention(self) -> str:
        return retention.label(self.permanent, self.retention_years)


@dataclass(frozen=True)
class RecordsList:
    year: int
    rows: list[RecordsListRow]
    content_hash: str
    approval: RecordsListApproval | None

    @property
    def approved_as_is(self) -> bool:
        return self.approval is not None and self.approval.content_hash == self.content_hash


def _row(entry: RecordEntry, code: str, title: str, unit_code: str, unit_name: str,
         categories: dict[str, retention.Category]) -> RecordsListRow:
    category = categories.get(entry.category) if entry.category else None
    return RecordsListRow(code, title, entry.name, unit_code, unit_name, entry.permanent,
                          entry.retention_years, entry.category, category.basis if category else "",
                          entry.medium, entry.disposal)


def entries_of(session: Session, document: Document) -> list[RecordsListRow]:
    rows = session.execute(
        select(RecordEntry, col(Unit.code), col(Unit.name))
        .join(Unit, col(Unit.id) == RecordEntry.keeping_unit_id)
        .where(col(RecordEntry.document_id) == document.id)
        .order_by(col(RecordEntry.position), col(RecordEntry.id))
    ).all()
    categories = retention.categories(session)
    return [_row(entry, document.code, document.title, code, name, categories) for entry, code, name in rows]


def replace_entries(session: Session, actor: Principal, code: str,
                    entries: Sequence[RecordEntryIn]) -> list[RecordsListRow]:
    """Set the records a document produces (the whole list, in order)."""
    can_manage_documents.require(actor)
    document = load_document(session, actor, code, lock=True)
    write_entries(session, document, entries, actor=actor)
    return entries_of(session, document)


def write_entries(session: Session, document: Document, entries: Sequence[RecordEntryIn], *,
                  actor: Principal | None, actor_username: str | None = None) -> None:
    """Replace the register of ``document``, audited; the caller has checked who may."""
    if document.kind in NO_RECORDS_KINDS:
        raise ValidationFailed("entries", _("Forms and external documents do not list records."))
    if len(entries) > MAX_ENTRIES:
        raise ValidationFailed("entries", _("At most %(n)s records per document.", n=MAX_ENTRIES))
    rows: list[RecordEntry] = []
    known = retention.categories(session)
    for index, entry in enumerate(entries):
        try:
            unit = get_unit(session, entry.keeping_unit)
        except NotFound:
            raise ValidationFailed(f"entries.{index}.keeping_unit",
                                   _("Unit %(code)s does not exist.", code=entry.keeping_unit)) from None
        kept = retention.resolve(known, entry.retention, f"entries.{index}.retention")
        rows.append(RecordEntry(document_id=pk(document), position=index + 1, name=entry.name,
                                keeping_unit_id=pk(unit), permanent=kept.permanent,
                                retention_years=kept.years,
                                category=kept.category, medium=entry.medium, disposal=entry.disposal))
    session.execute(delete(RecordEntry).where(col(RecordEntry.document_id) == document.id))
    session.add_all(rows)
    document.updated_at = utcnow()
    session.add(document)
    session.flush()
    audit.record(session, actor=actor, actor_username=actor_username, action="records_register.update",
                 object_type="document", object_id=document.code,
                 details={"entries": [entry.model_dump() for entry in entries]})


def records_list_rows(session: Session) -> list[RecordsListRow]:
    """Every record of the documents in force, by keeping unit, then document, in order
    (one query): what the records-list report prints."""
    rows = session.execute(
        select(RecordEntry, col(Document.code), col(Document.title), col(Unit.code), col(Unit.name))
        .join(Document, col(Document.id) == RecordEntry.document_id)
        .join(Unit, col(Unit.id) == RecordEntry.keeping_unit_id)
        .where(col(Document.effective_version_id).is_not(None))
        .order_by(col(Unit.code), col(Document.code), col(RecordEntry.position), col(RecordEntry.id))
    ).all()
    categories = retention.categories(session)
    return [_row(entry, code, title, unit_code, unit_name, categories)
            for entry, code, title, unit_code, unit_name in rows]


def rows_hash(rows: Sequence[RecordsListRow]) -> str:
    """The SHA-256 an approval of the records list signs."""
    encoded = json.dumps([asdict(row) for row in rows], ensure_ascii=False, sort_keys=True,
                         separators=(",", ":"))
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


def latest_approval(session: Session, year: int) -> RecordsListApproval | None:
    return session.execute(
        select(RecordsListApproval).where(col(RecordsListApproval.year) == year)
        .order_by(col(RecordsListApproval.approved_at).desc(), col(RecordsListApproval.id).desc()).limit(1)
    ).scalar_one_or_none()


def records_list(session: Session, year: int) -> RecordsList:
    """The records list of ``year``: the current rows, and the last approval of that year."""
    rows = records_list_rows(session)
    return RecordsList(year, rows, rows_hash(rows), latest_approval(session, year))


def approved_rows(approval: RecordsListApproval) -> list[RecordsListRow]:
    """The rows exactly as the head of agency signed them."""
    return [RecordsListRow(**row) for row in json.loads(approval.rows)]


def approve_records_list(session: Session, actor: Principal, data: RecordsApprovalIn) -> RecordsListApproval:
    """The head of agency signs the records list of a year with their password."""
    can_approve_records_list.require(actor)
    current = records_list(session, data.year)
    if not current.rows:
        raise Conflict(_("The records list is empty: no document in force lists its records yet."))
    if current.approved_as_is:
        raise Conflict(_("The records list of %(year)s was already approved as it is.", year=data.year))
    reauthenticate(session, actor, data.password)
    approval = RecordsListApproval(
        year=data.year, content_hash=current.content_hash,
        rows=json.dumps([asdict(row) for row in current.rows], ensure_ascii=False),
        approved_by_id=actor.id, signer_name=actor.full_name, signer_title=actor.title,
        comment=data.comment.strip(),
    )
    session.add(approval)
    session.flush()
    audit.record(session, actor=actor, action="records_list.approve", object_type="records_list",
                 object_id=data.year, details={"content_hash": current.content_hash,
                                               "rows": len(current.rows), "comment": approval.comment})
    return approval

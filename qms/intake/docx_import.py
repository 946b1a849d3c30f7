"""Importing an existing Word procedure as a draft (``POST /api/v1/import/docx``).

Everything is checked before anything is written: a file that is not a readable DOCX,
has macros, is a ZIP bomb, or has none of the standard sections is refused with 422 and
the reason, and creates nothing. The code given with the file (the API's ``code``, the
import page's code field) wins over the one on the cover; with neither, the 422 names the
``code`` field, so that the caller can type it and send the file again. A new code creates the document
with a draft whose revision is the one on the cover, and the earlier lines of its
change-history table; a code already in the register gets a new draft revision.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlmodel import Session, col

from qms.accounts.auth import Principal
from qms.audit import service as audit
from qms.core.config import Settings
from qms.core.db import pk
from qms.core.errors import ValidationFailed
from qms.core.forms import parse
from qms.core.i18n import _
from qms.documents.choices import Kind
from qms.documents.content import etag_of
from qms.documents.drafts import create_version, update_version
from qms.documents.models import Document, RevisionHistory, Version
from qms.documents.policy import can_manage_documents
from qms.documents.schemas import CODE_PATTERN, DocumentCreate, Sections, VersionUpdate
from qms.documents.service import create_document
from qms.files.storage import sha256_of
from qms.files.uploads import DOCX, UnsupportedFile, check_size, detect, display_name
from qms.intake.docx_reader import ParsedProcedure, Unplaced, UnreadableDocx, read_docx


@dataclass(frozen=True)
class Imported:
    code: str
    revision: int
    title: str
    unmapped: list[Unplaced]


def read_upload(settings: Settings, filename: str, data: bytes) -> ParsedProcedure:
    """The procedure in an uploaded file, or ValidationFailed("file", reason)."""
    check_size(data, settings.max_upload_mb * 1024 * 1024)
    try:
        kind = detect(data, allow_macros=False)
        display_name(filename or "procedure.docx", kind)
    except UnsupportedFile as exc:
        raise ValidationFailed("file", exc.detail) from None
    if kind != DOCX:
        raise ValidationFailed("file", _("Only Word documents (DOCX) can be imported; this file is %(kind)s.",
                                         kind=kind.label))
    try:
        parsed = read_docx(data)
    except UnreadableDocx:
        raise ValidationFailed("file", _("The file could not be read as a Word document.")) from None
    if not any(parsed.sections.values()) and not parsed.steps:
        raise ValidationFailed("file", _("No standard section (Mục đích, Phạm vi, Tài liệu viện dẫn, …) was "
                                         "found in the document; nothing was imported."))
    return parsed


def _code(parsed: ParsedProcedure, given: str | None) -> str:
    code = (given or parsed.code or "").strip().upper()
    if not code:
        raise ValidationFailed("code", _("The cover shows no code (Mã số, Mã hiệu or Ký hiệu); type the "
                                         "code of the document."))
    if not CODE_PATTERN.match(code):
        raise ValidationFailed("code", _("Use capital letters, digits, '.', '_' and '-' (e.g. QT-01 or "
                                         "BM-QT01-01)."))
    return code


def import_docx(session: Session, actor: Principal, settings: Settings, filename: str, data: bytes, *,
                code: str | None = None, owner_unit: str | None = None) -> Imported:
    can_manage_documents.require(actor)
    parsed = read_upload(settings, filename, data)
    code = _code(parsed, code)
    title = parsed.title or _("Procedure %(code)s", code=code)
    existing = session.execute(select(Document).where(col(Document.code) == code)).scalar_one_or_none()
    if existing is None:
        document = create_document(session, actor, parse(DocumentCreate, {
            "code": code, "title": title[:300], "kind": Kind.PROCEDURE,
            "owner_unit": owner_unit or actor.unit_code,
        }))
        version = session.get(Version, document.latest_version_id)
        assert version is not None
        if parsed.revision and parsed.revision > 1:
            version.revision = parsed.revision
            session.add(version)
            session.flush()
        _history(session, document, version, parsed)
    else:
        document = existing
        version = create_version(session, actor, code)
        if parsed.revision and parsed.revision != version.revision:
            parsed.note(_("The cover shows revision %(cover)s; the draft is revision %(rev)s.",
                          cover=f"{parsed.revision:02d}", rev=f"{version.revision:02d}"), _("on the cover"))
    summary = next((line.change_summary for line in parsed.history if line.revision == version.revision), "")
    update = parse(VersionUpdate, {
        "sections": parse(Sections, parsed.sections).model_dump(),
        "steps": [step.model_dump() for step in parsed.steps],
        "change_summary": summary,
    })
    update_version(session, actor, code, version.revision, update, etag_of(version))
    audit.record(session, actor=actor, action="document.import_docx", object_type="version",
                 object_id=f"{code}/{version.revision}",
                 details={"file": filename[-160:], "sha256": sha256_of(data),
                          "new_document": existing is None,
                          "steps": len(parsed.steps), "unmapped": len(parsed.unmapped)})
    return Imported(code, version.revision, document.title, parsed.unmapped)


def _history(session: Session, document: Document, version: Version, parsed: ParsedProcedure) -> None:
    """The earlier lines of the change-history table of a document new to the register."""
    seen: set[int] = set()
    for line in parsed.history:
        if line.revision >= version.revision or line.revision in seen:
            continue
        if line.effective_date is None:
            parsed.note(_("Revision %(rev)s has no date and was not imported.", rev=f"{line.revision:02d}"),
                        _("in the change-history table"))
            continue
        seen.add(line.revision)
        session.add(RevisionHistory(document_id=pk(document), revision=line.revision,
                                    effective_date=line.effective_date, change_summary=line.change_summary))
    session.flush()

"""What the public may learn about a printed or downloaded record, without signing in.

- :func:`revision_status`: whether a revision is the one in force, superseded (and by
  which revision) or obsolete. A restricted document shows nothing beyond that.
- :func:`check_upload`: whether a PDF is an unaltered signed original issued by this
  agency: the signature is intact, valid and trusted against the agency's CA, covers
  the whole file, and the file is one the agency signed; with each signature the file
  carries listed, and the revision of the document it is (by the hash of the file or
  of a signed revision of it, else by the code and revision the file names itself).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlmodel import Session, col

from qms.core.config import Settings
from qms.core.errors import NotFound, ValidationFailed
from qms.core.i18n import _
from qms.documents.choices import Confidentiality
from qms.documents.lifecycle import ISSUED_STATES
from qms.documents.models import Document, Version
from qms.records import certificates, signature_report, signing
from qms.records.models import SignedRecord

#: The /Keywords our records carry: "QT-01, lần ban hành 02".
RECORD_KEYWORDS = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9.\-/_]{0,39}),\s*lần ban hành\s+(\d{1,5})\b")
MAX_UPLOAD_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class RevisionStatus:
    code: str
    revision: int
    state: str  # "current", "superseded" or "obsolete"
    restricted: bool
    title: str | None = None
    effective_date: date | None = None
    ended_at: datetime | None = None
    current_revision: int | None = None


def revision_status(session: Session, code: str, revision: int) -> RevisionStatus:
    row = session.execute(
        select(Document, Version).join(Version, col(Version.document_id) == Document.id)
        .where(col(Document.code) == code.upper(), col(Version.revision) == revision,
               col(Version.status).in_(ISSUED_STATES))
    ).first()
    if row is None:
        raise NotFound(_("No issued revision %(rev)s of a document %(code)s exists.", rev=f"{revision:02d}",
                         code=code))
    document, version = row
    current = session.get(Version, document.effective_version_id) if document.effective_version_id else None
    state = {"effective": "current", "superseded": "superseded", "obsolete": "obsolete"}[version.status]
    # Restricted now or when that revision was signed: the public page says nothing more of it.
    restricted = Confidentiality.RESTRICTED in (document.confidentiality, version.confidentiality)
    return RevisionStatus(
        code=document.code, revision=version.revision, state=state, restricted=restricted,
        title=None if restricted else version.title,
        effective_date=None if restricted else version.effective_date,
        ended_at=None if restricted else version.ended_at,
        current_revision=current.revision if current is not None and state == "superseded" else None,
    )


@dataclass(frozen=True)
class UploadCheck:
    verdict: signing.Verdict
    issued_by_agency: bool  # the very file the agency signed
    status: RevisionStatus | None = None
    demo_certificate: bool = False
    configured: bool = True
    report: signature_report.FileReport | None = None
    #: "file" (this very file was issued), "signed_revision" (an earlier state of this file
    #: was issued; it was added to since) or "named" (the file only names the revision)
    matched_by: str = ""

    @property
    def ok(self) -> bool:
        """The very file the agency issued, every signature intact and trusted, the last one
        covering the whole file."""
        if self.report is None:
            return self.verdict.ok and self.issued_by_agency
        signatures = self.report.signatures
        return (self.issued_by_agency and bool(signatures) and all(sig.ok for sig in signatures)
                and signatures[-1].coverage == "whole_file")


def read_pdf_upload(data: bytes, filename: str, content_type: str) -> bytes:
    """Refuse what is not a PDF (415) or too large (413) before any parsing."""
    if not data:
        raise ValidationFailed("file", _("Choose a PDF file to check."))
    if len(data) > MAX_UPLOAD_BYTES:
        error = ValidationFailed("file", _("The file is larger than %(mb)s MB.",
                                           mb=MAX_UPLOAD_BYTES // 2**20))
        error.status_code = 413
        raise error
    if not data.startswith(b"%PDF-") or content_type not in ("application/pdf", "application/octet-stream",
                                                             "application/x-pdf", ""):
        error = ValidationFailed("file", _("The file %(name)s is not a PDF.", name=filename[:100] or "?"))
        error.status_code = 415
        raise error
    return data


def check_upload(session: Session, settings: Settings, data: bytes) -> UploadCheck:
    agency = certificates.agency_certificate(settings)
    if agency is None:
        return UploadCheck(signing.Verdict(signed=False, problem="no agency certificate is configured"),
                           issued_by_agency=False, configured=False)
    verdict = signing.validate(data, agency.trust_roots)
    report = signature_report.inspect_pdf(data, agency.trust_roots)
    whole = certificates.sha256_hex(data)
    prefixes = {certificates.sha256_hex(data[:sig.signed_bytes]) for sig in report.signatures
                if 0 < sig.signed_bytes < len(data)}
    rows = session.execute(
        select(SignedRecord, col(Document.code), col(Version.revision))
        .join(Version, col(Version.id) == SignedRecord.version_id)
        .join(Document, col(Document.id) == Version.document_id)
        .where(col(SignedRecord.sha256).in_([whole, *prefixes]))
    ).all()
    for record, code, revision in sorted(rows, key=lambda row: row[0].sha256 != whole):
        return UploadCheck(verdict, issued_by_agency=record.sha256 == whole,
                           status=revision_status(session, code, revision), demo_certificate=record.demo,
                           report=report, matched_by="file" if record.sha256 == whole else "signed_revision")
    named = _named_status(session, report.keywords)
    return UploadCheck(verdict, issued_by_agency=False, demo_certificate=agency.demo, report=report,
                       status=named, matched_by="named" if named is not None else "")


def _named_status(session: Session, keywords: str) -> RevisionStatus | None:
    """The status of the revision the file names in its metadata, when such a revision exists."""
    found = RECORD_KEYWORDS.match(keywords)
    if found is None:
        return None
    try:
        return revision_status(session, found.group(1), int(found.group(2)))
    except NotFound:
        return None

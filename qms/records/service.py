"""Rendering the controlled document, and the signed electronic original of a version.

Every download of a record is an audit event ("record.download"); signing one is
"record.sign". The signed PDF of a version is made once and kept content-addressed.
A download reads what it needs, typesets (and signs) with no write transaction open, then
writes its audit event in a short transaction of its own (:func:`qms.core.db.start_writing`):
however long a record takes, nobody else's writes wait for it.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Literal
from urllib.parse import quote

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from qms.accounts.auth import Principal
from qms.audit import service as audit
from qms.core.clock import local_today
from qms.core.config import Settings
from qms.core.db import pk, start_writing, utcnow
from qms.core.errors import Conflict, Forbidden, NotFound
from qms.core.i18n import _
from qms.distribution.choices import CopyState
from qms.documents.choices import Status
from qms.documents.integrity import StoredBytes, require_intact
from qms.documents.lifecycle import ISSUED_STATES
from qms.documents.models import Document, Version, version_ref
from qms.documents.policy import can_manage_documents
from qms.documents.service import load_version
from qms.files.storage import get_storage
from qms.records import approver_signing, certificates, seal, signing
from qms.records.document_record import Variant, load_agency, version_record
from qms.records.docx_builder import build_docx
from qms.records.models import SignedRecord
from qms.records.pdf_builder import build_pdf
from qms.records.qr import verify_url

log = logging.getLogger(__name__)
Format = Literal["pdf", "docx"]
MEDIA_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "csv": "text/csv; charset=utf-8",
}


@dataclass(frozen=True)
class RecordFile:
    data: bytes
    filename: str
    media_type: str

    def content_disposition(self) -> str:
        ascii_name = self.filename.encode("ascii", "replace").decode("ascii").replace("?", "_")
        return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(self.filename)}"


def render_version(session: Session, document: Document, version: Version, settings: Settings, fmt: Format,
                   variant: Variant) -> bytes:
    record = version_record(session, document, version, variant=variant, zone=settings.zone,
                            verify_url=verify_url(settings.base_url, document.code, version.revision))
    return build_pdf(record).data if fmt == "pdf" else build_docx(record)


def download_record(session: Session, actor: Principal, settings: Settings, code: str, revision: int,
                    fmt: Format, copy: int | None = None) -> RecordFile:
    """The controlled document: a numbered controlled copy, or an uncontrolled print of today."""
    document, version = load_version(session, actor, code, revision)
    if copy is not None:
        if not can_manage_documents(actor):
            raise Forbidden(_("Only the quality officer prints numbered controlled copies."))
        if version.status != Status.EFFECTIVE:
            raise Conflict(_("A controlled copy can only be printed of the version in force."))
        if not copy_issued(session, version, copy):
            raise NotFound(copy_not_issued(document, version, copy))
    require_intact(session, get_storage(settings), document, version)
    variant = Variant(copy=copy, printed_on=local_today(settings.zone))
    data = render_version(session, document, version, settings, fmt, variant)
    start_writing(session)
    audit.record(session, actor=actor, action="record.download", object_type="version",
                 object_id=version_ref(document, version),
                 details={"format": fmt, "copy": copy, "status": version.status})
    suffix = f"_ban-kiem-soat-{copy:02d}" if copy is not None else ""
    return RecordFile(data, f"{document.code}_lan-{version.revision:02d}{suffix}.{fmt}", MEDIA_TYPES[fmt])


def copy_not_issued(document: Document, version: Version, number: int) -> str:
    return _("Controlled copy no. %(number)s of %(code)s revision %(rev)s was not issued to anyone; issue it "
             "to its holder through the distribution first.", number=f"{number:02d}", code=document.code,
             rev=f"{version.revision:02d}")


def copy_issued(session: Session, version: Version, number: int) -> bool:
    """Whether controlled copy ``number`` of ``version`` is held by someone (the distribution
    capability numbers and issues copies; without it no copy is issued)."""
    try:
        from qms.distribution.models import PaperCopy
    except ImportError:
        return False
    return session.execute(select(col(PaperCopy.id)).where(
        col(PaperCopy.version_id) == version.id, col(PaperCopy.number) == number,
        col(PaperCopy.status) == CopyState.ISSUED)
    ).first() is not None


def signed_record_of(session: Session, version: Version) -> SignedRecord | None:
    query = select(SignedRecord).where(col(SignedRecord.version_id) == version.id)
    return session.execute(query).scalar_one_or_none()


@dataclass(frozen=True)
class SignedOriginal:
    """A signed electronic original in the file store, not yet remembered in the database."""

    sha256: str
    size: int
    signed_at: datetime
    milliseconds: float


def sign_version(session: Session, actor: Principal | None, settings: Settings, document: Document,
                 version: Version, agency: certificates.AgencyCertificate) -> SignedRecord:
    """Render the electronic original, sign it (PAdES, visible stamp), store it and remember it."""
    original = make_signed_original(session, settings, document, version, agency)
    return keep_signed_original(session, actor, settings, document, version, agency, original)


def make_signed_original(session: Session, settings: Settings, document: Document, version: Version,
                         agency: certificates.AgencyCertificate) -> SignedOriginal:
    """Render the electronic original, sign it and store the file; this only reads the database."""
    started = time.perf_counter()
    approved = approver_signing.approver_signed_file(session, version)
    seal_image = seal.current_seal(settings.data_dir)
    box: approver_signing.Box | None
    if approved is not None:  # the agency signs the file its approver signed, after them
        unsigned, box = approved
    else:
        variant = Variant(signed=True, sealed=seal_image is not None)
        record = version_record(session, document, version, variant=variant, zone=settings.zone,
                                verify_url=verify_url(settings.base_url, document.code, version.revision))
        built = build_pdf(record)
        unsigned, box = built.data, built.signature_box
        if seal_image is not None and box is not None:
            box = approver_signing.seal_alone(box)
    signed_at = utcnow()
    issuer = load_agency(session).name or agency.subject_name
    data = signing.sign_pdf(unsigned, agency, box=box, signed_at=signed_at,
                            zone=settings.zone,
                            reason=f"Ban hành {document.code}, lần ban hành {version.revision:02d}",
                            location=issuer, tsa_url=settings.tsa_url,
                            tsa_timeout=settings.tsa_timeout_seconds, crls=certificates.held_crls(settings),
                            seal=seal_image.path if seal_image is not None else None)
    digest = get_storage(settings).put(data)
    return SignedOriginal(digest, len(data), signed_at, (time.perf_counter() - started) * 1000)


def keep_signed_original(session: Session, actor: Principal | None, settings: Settings, document: Document,
                         version: Version, agency: certificates.AgencyCertificate,
                         original: SignedOriginal) -> SignedRecord:
    """Remember a stored signed original as the version's (``record.sign``), in place of one
    whose file is gone. The version's row is read again here, in the write transaction: when
    another request signed it meanwhile, theirs is kept."""
    current = signed_record_of(session, version)
    if current is not None:
        if get_storage(settings).exists(current.sha256):
            return current
        session.delete(current)
        session.flush()
    digest = original.sha256
    row = SignedRecord(version_id=pk(version), sha256=digest, size=original.size,
                       signed_at=original.signed_at,
                       signer=agency.subject_name, certificate_sha256=agency.fingerprint, demo=agency.demo)
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
            audit.record(session, actor=actor, actor_username="" if actor else "system", action="record.sign",
                         object_type="version", object_id=version_ref(document, version),
                         details={"sha256": digest, "certificate": agency.fingerprint, "demo": agency.demo})
    except IntegrityError:  # signed at the same moment by another request: keep theirs
        existing = signed_record_of(session, version)
        if existing is None:
            raise
        return existing
    log.info("signed %s in %.0f ms", version_ref(document, version), original.milliseconds)
    return row


def download_signed(session: Session, actor: Principal, settings: Settings, code: str,
                    revision: int) -> RecordFile:
    document, version = load_version(session, actor, code, revision)
    if version.status not in ISSUED_STATES:
        raise Conflict(_("Only an issued version has a signed original; this one is not issued yet."))
    row = signed_record_of(session, version)
    storage = get_storage(settings)
    if row is not None and StoredBytes(storage).problem(row.sha256) == "altered":
        raise Conflict(_("The stored signed original of this revision was altered; it is not served. "
                         "Tell the quality officer and the auditor."))
    if row is None or not storage.exists(row.sha256):
        # the agency never signs content its signers did not
        require_intact(session, storage, document, version)
        if version.status != Status.EFFECTIVE:
            raise Conflict(_("This version ended before the agency certificate was set up; "
                             "it has no signed original."))
        agency = certificates.agency_certificate(settings)
        if agency is None:
            raise Conflict(_("No agency certificate is configured; the administrator sets "
                             "QMS_SIGNING_P12 and QMS_SIGNING_P12_PASSWORD."))
        original = make_signed_original(session, settings, document, version, agency)
        start_writing(session)
        row = keep_signed_original(session, actor, settings, document, version, agency, original)
    else:
        start_writing(session)
    audit.record(session, actor=actor, action="record.download", object_type="version",
                 object_id=version_ref(document, version),
                 details={"format": "signed.pdf", "sha256": row.sha256})
    return RecordFile(storage.get(row.sha256), f"{document.code}_lan-{version.revision:02d}_ky-so.pdf",
                      MEDIA_TYPES["pdf"])

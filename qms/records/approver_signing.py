"""The approver's own digital signature on the electronic original, before the agency's.

When an approver who holds a usable certificate of their own signs an approval, their
password (just checked) opens the key for that transaction only (:func:`open_approvers_key`).
Once the approval has committed, the original is typeset with room for two signatures and
signed with the approver's key (name, capacity, "KT." when a deputy signs for the head); the
file waits in ``approver_signed_original``. When the version comes into force, now or on its
effective date, the agency signs that same file (:func:`approver_signed_file`), so the record
carries both signatures in order. Without a certificate, or if anything fails here, the
agency signs a fresh original alone, as before.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from sqlalchemy import Engine
from sqlmodel import Session

from qms.audit import service as audit
from qms.core.config import ConfigError, Settings
from qms.core.config import chosen as chosen_settings
from qms.core.db import pk, start_writing, utcnow
from qms.documents import events
from qms.documents.choices import Status
from qms.documents.models import Document, Version, version_ref
from qms.files.storage import get_storage
from qms.records import certificates, personal_certificates, seal, signing
from qms.records.document_record import Variant, load_agency, version_record
from qms.records.models import ApproverSignedOriginal
from qms.records.pdf_builder import build_pdf
from qms.records.qr import verify_url

log = logging.getLogger(__name__)

#: ``session.info`` key: the approvers' keys opened in the session's open transaction.
OPENED = "qms_approver_keys"
FIELD_NAME = "ChuKySoNguoiKy"
Box = tuple[int, float, float, float, float]  # page, x1, y1, x2, y2 in points


@dataclass(frozen=True)
class PersonalKey:
    """A person's certificate as :class:`signing.SigningKey`, checked against the agency's CAs."""

    key: object
    certificate: x509.Certificate
    chain: tuple[x509.Certificate, ...]
    trust_roots: tuple[x509.Certificate, ...]
    demo: bool
    subject_name: str


@dataclass(frozen=True)
class ApproverKey:
    key: PersonalKey
    username: str
    title: str
    on_behalf_of_title: str
    signature_image: bytes | None = None


def open_approvers_key(session: Session, signed: events.ApprovalSigned) -> None:
    settings = chosen_settings()
    if settings is None:
        return
    unlocked = personal_certificates.unlock(session, pk(signed.actor), signed.password)
    if unlocked is None:
        return
    try:
        demo = bool(getattr(certificates.agency_certificate(settings), "demo", False))
    except ConfigError:  # logged at start-up
        demo = False
    key = PersonalKey(unlocked.key, unlocked.certificate, unlocked.chain,
                      personal_certificates.trusted_roots(settings), demo=demo,
                      subject_name=unlocked.subject_name)
    image = personal_certificates.signature_image_of(session, pk(signed.actor))
    session.info.setdefault(OPENED, {})[signed.version.id] = ApproverKey(
        key, signed.actor.username, signed.signer_title, signed.on_behalf_of_title,
        image.png if image is not None else None)


MM = 72 / 25.4
SEAL_SIDE = 36 * MM  # a round seal of an agency is about 35-40 mm across
PERSON_HEIGHT = 24 * MM


def layout(box: Box, with_seal: bool) -> tuple[Box, Box]:
    """Where the approver's stamp and the agency's go in the signing space. With a seal image,
    the seal stands at the left and covers about the left third of the approver's stamp, as
    Decree 30/2020 (Appendix I) places the seal over the signature; without one, the agency's
    text stamp stands below the approver's."""
    page, x1, y1, x2, y2 = box
    if not with_seal:
        middle = (y1 + y2) / 2
        return (page, x1, middle, x2, y2), (page, x1, y1, x2, middle)
    side = min(SEAL_SIDE, y2 - y1, (x2 - x1) / 2)
    width = 1.5 * (x2 - x1 - side)
    centre = y2 - side / 2
    person = (page, x2 - width, centre - PERSON_HEIGHT / 2, x2, centre + PERSON_HEIGHT / 2)
    return person, (page, x1, y2 - side, x1 + side, y2)


def seal_alone(box: Box) -> Box:
    """The seal of a record the agency signs alone: a square at the middle of the space."""
    page, x1, y1, x2, y2 = box
    side = min(SEAL_SIDE, y2 - y1, x2 - x1)
    middle = (x1 + x2) / 2
    return page, middle - side / 2, y2 - side, middle + side / 2, y2


def sign_as_approver(bind: Engine, version_id: int, opened: ApproverKey) -> None:
    """After the approval committed: typeset the original and sign it with the approver's key;
    never raises (the agency then signs alone)."""
    settings = chosen_settings()
    if settings is None:
        return
    with Session(bind=bind.execution_options(qms_write=False), expire_on_commit=False) as session:
        try:
            version = session.get(Version, version_id)
            if version is None or version.status not in (Status.APPROVED, Status.EFFECTIVE) \
                    or session.get(ApproverSignedOriginal, version_id) is not None:
                return
            document = session.get(Document, version.document_id)
            assert document is not None
            row = _sign(session, settings, document, version, opened)
            if row is None:
                return
            start_writing(session)
            session.add(row)
            audit.record(session, actor=None, actor_username=opened.username, action="record.approver_sign",
                         object_type="version", object_id=version_ref(document, version),
                         details={"sha256": row.sha256, "certificate": row.certificate_sha256,
                                  "signer": row.signer})
            session.commit()
            log.info("%s signed by its approver %s", version_ref(document, version), row.signer)
        except Exception:
            session.rollback()
            log.exception("the approver's signature of version %s failed; the agency signs alone", version_id)


def _sign(session: Session, settings: Settings, document: Document, version: Version,
          opened: ApproverKey) -> ApproverSignedOriginal | None:
    record = version_record(session, document, version, variant=Variant(signed=True, approver_signs=True),
                            zone=settings.zone,
                            verify_url=verify_url(settings.base_url, document.code, version.revision))
    built = build_pdf(record)
    if built.signature_box is None:
        return None
    signed_at = utcnow()
    stamp = signing.person_stamp_text(opened.key, opened.title, opened.on_behalf_of_title, signed_at,
                                      settings.zone)
    person_box, agency_box = layout(built.signature_box, seal.current_seal(settings.data_dir) is not None)
    data = signing.sign_pdf(
        built.data, opened.key, box=person_box, signed_at=signed_at, zone=settings.zone,
        field_name=FIELD_NAME, stamp=stamp, signature_image=opened.signature_image,
        reason=f"Phê duyệt {document.code}, lần ban hành {version.revision:02d}",
        location=load_agency(session).name, tsa_url=settings.tsa_url,
        tsa_timeout=settings.tsa_timeout_seconds, crls=certificates.held_crls(settings))
    return ApproverSignedOriginal(
        version_id=pk(version), sha256=get_storage(settings).put(data),
        agency_box=" ".join(str(v) for v in agency_box),
        signer=opened.key.subject_name[:200],
        certificate_sha256=opened.key.certificate.fingerprint(hashes.SHA256()).hex(), signed_at=signed_at)


def approver_signed_file(session: Session, version: Version) -> tuple[bytes, Box] | None:
    """The original as its approver signed it, and where the agency's stamp goes; None if there
    is none, or its file is gone or not what was stored (the agency never signs that)."""
    row = session.get(ApproverSignedOriginal, version.id)
    settings = chosen_settings()
    if row is None or settings is None:
        return None
    storage = get_storage(settings)
    if not storage.exists(row.sha256):
        return None
    data = storage.get(row.sha256)
    if hashlib.sha256(data).hexdigest() != row.sha256:
        log.error("the approver-signed original of version %s was altered; the agency signs a new one",
                  version.id)
        return None
    page, x1, y1, x2, y2 = row.agency_box.split()
    return data, (int(page), float(x1), float(y1), float(x2), float(y2))

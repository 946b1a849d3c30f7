"""When a version comes into force, its electronic original is signed with the agency
certificate at once: just after the transaction that made it effective commits (an approval
for today, or the job of its effective date), before that request or job returns.

Typesetting and signing take half a second or more; they read the committed version with no
write transaction open, and only remembering the file (``record.sign``) takes the write lock,
briefly, as a download does (:func:`qms.core.db.start_writing`). Were the change rolled back,
nothing is signed. Without a certificate nothing happens here: ``signed.pdf`` signs on first
request once a certificate is configured. A signing failure never undoes the version coming
into force: it is logged, and the first download signs it.
"""

from __future__ import annotations

import logging

from sqlalchemy import Engine
from sqlmodel import Session

from qms.core.config import chosen as chosen_settings
from qms.core.db import start_writing
from qms.documents.choices import Status
from qms.documents.events import ActorLike
from qms.documents.models import Document, Version
from qms.records import approver_signing, certificates
from qms.records.service import keep_signed_original, make_signed_original, signed_record_of

log = logging.getLogger(__name__)

#: ``session.info`` key: the versions that came into force in the session's open transaction.
TO_SIGN = "qms_sign_after_commit"


def sign_effective_version(session: Session, document: Document, version: Version, previous: Version | None,
                           actor: ActorLike | None) -> None:
    if chosen_settings() is None:
        return
    session.info.setdefault(TO_SIGN, {})[version.id] = actor


def sign_committed(session: Session) -> None:
    """The approver's signature first (their key opened at approval), then the agency's."""
    opened = session.info.pop(approver_signing.OPENED, None)
    to_sign = session.info.pop(TO_SIGN, None)
    if not opened and not to_sign:
        return
    bind = session.get_bind()
    for version_id, key in (opened or {}).items():
        approver_signing.sign_as_approver(bind, version_id, key)  # type: ignore[arg-type]
    for version_id, actor in (to_sign or {}).items():
        sign_in_force(bind, version_id, actor)  # type: ignore[arg-type]


def forget_rolled_back(session: Session) -> None:
    session.info.pop(TO_SIGN, None)
    session.info.pop(approver_signing.OPENED, None)


def sign_in_force(bind: Engine, version_id: int, actor: ActorLike | None) -> None:
    """Sign the version in force ``version_id`` unless it is signed already; never raises."""
    settings = chosen_settings()
    if settings is None:
        return
    with Session(bind=bind.execution_options(qms_write=False), expire_on_commit=False) as session:
        version = session.get(Version, version_id)
        if version is None or version.status != Status.EFFECTIVE or signed_record_of(session, version):
            return
        document = session.get(Document, version.document_id)
        assert document is not None
        try:
            agency = certificates.agency_certificate(settings)
        except Exception:
            log.exception("the agency certificate cannot be loaded; %s/%s is left unsigned", document.code,
                          version.revision)
            return
        if agency is None:
            return
        try:
            original = make_signed_original(session, settings, document, version, agency)
            start_writing(session)
            keep_signed_original(session, actor, settings, document, version, agency,  # type: ignore[arg-type]
                                 original)
            session.commit()
        except Exception:
            session.rollback()
            log.exception("signing %s/%s failed; it will be signed on first download", document.code,
                          version.revision)

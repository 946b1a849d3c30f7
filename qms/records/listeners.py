"""When a version becomes effective, its electronic original is signed with the agency
certificate at once, in the same transaction (about half a second; see docs/architecture.md).

Without a certificate nothing happens here: ``signed.pdf`` signs on first request once a
certificate is configured. A signing failure never blocks the version coming into force.
"""

from __future__ import annotations

import logging

from sqlmodel import Session

from qms.documents import events
from qms.documents.events import ActorLike
from qms.documents.models import Document, Version
from qms.records import certificates, integrity  # noqa: F401 - registers the signed PDF check
from qms.records.service import sign_version, signed_record_of

log = logging.getLogger(__name__)


@events.on_effective
def sign_effective_version(session: Session, document: Document, version: Version, previous: Version | None,
                           actor: ActorLike | None) -> None:
    settings = certificates.configured_settings()
    if settings is None:
        return
    try:
        agency = certificates.agency_certificate(settings)
    except Exception:
        log.exception("the agency certificate cannot be loaded; %s/%s is left unsigned", document.code,
                      version.revision)
        return
    if agency is None or signed_record_of(session, version) is not None:
        return
    try:
        sign_version(session, actor, settings, document, version, agency)  # type: ignore[arg-type]
    except Exception:
        log.exception("signing %s/%s failed; it will be signed on first download", document.code,
                      version.revision)

"""External documents (laws, decrees, circulars, standards) and who cites them.

An external document is a document of kind ``external`` with its details (number,
issuer, issue date, status, replacement). Documents cite it in their references
section by its code or its number; the citation is read from the text of the version
in force, so it is always what the document actually says. When an external document
becomes amended or expired, every document in force that cites it is flagged "needs
review", each with an audit event. This module does not import the document services,
so that they can call it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlmodel import Session, col

from qms.accounts.auth import Principal
from qms.audit import service as audit
from qms.core.db import pk, utcnow
from qms.core.errors import ValidationFailed
from qms.core.i18n import _
from qms.core.search import fold
from qms.documents import access
from qms.documents.choices import ExternalStatus, Kind
from qms.documents.models import Document, ExternalDetails, Version
from qms.documents.schemas import ExternalInfo

NOT_IN_FORCE = (ExternalStatus.AMENDED, ExternalStatus.EXPIRED)
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class Citation:
    code: str
    title: str
    revision: int


def _pattern(identifier: str) -> re.Pattern[str] | None:
    folded = fold(identifier)
    if not folded:
        return None
    return re.compile(r"(?<![\w./-])" + re.escape(folded) + r"(?![\w/]|[.-]\w)")


def cites(references: str, identifiers: Iterable[str]) -> bool:
    """Whether the references text names any of ``identifiers`` (code or number) as a whole."""
    text = fold(references)
    return any(pattern.search(text) for pattern in map(_pattern, identifiers) if pattern is not None)


def _words_like(identifier: str) -> str | None:
    words = _WORD.findall(fold(identifier))
    return f"%{' '.join(words)}%" if words else None


def details_of(session: Session, document: Document) -> ExternalDetails | None:
    return session.get(ExternalDetails, document.id) if document.kind == Kind.EXTERNAL else None


def info(details: ExternalDetails | None) -> ExternalInfo | None:
    if details is None:
        return None
    return ExternalInfo(number=details.number, issuer=details.issuer, issued_on=details.issued_on,
                        status=details.status, replaced_by=details.replaced_by)


def citing_documents(session: Session, document: Document, details: ExternalDetails | None,
                     actor: Principal | None = None) -> list[tuple[Document, Version]]:
    """Documents whose version in force cites ``document`` (one query, then a text check)."""
    identifiers = [document.code, details.number if details else ""]
    patterns = [like for like in map(_words_like, identifiers) if like]
    query = (
        select(Document, Version)
        .join(Version, col(Version.id) == Document.effective_version_id)
        .where(col(Document.id) != document.id,
               or_(*[col(Document.search_text).like(like) for like in patterns]))
        .order_by(Document.code)
    )
    if actor is not None:
        query = query.where(access.visibility_clause(actor))
    return [(doc, version) for doc, version in session.execute(query).all()
            if cites(version.references, identifiers)]


def cited_by(session: Session, actor: Principal, document: Document) -> list[Citation]:
    if document.kind != Kind.EXTERNAL:
        return []
    return [Citation(doc.code, doc.title, version.revision)
            for doc, version in citing_documents(session, document, details_of(session, document), actor)]


def save_details(session: Session, actor: Principal | None, document: Document,
                 data: ExternalInfo | None, *, actor_username: str = "system") -> list[str]:
    """Create or change the details of an external document; flag citing documents when it
    stops being in force. Returns the codes flagged. Without an actor (an import), the events
    name ``actor_username``."""
    if data is None:
        return []
    if document.kind != Kind.EXTERNAL:
        raise ValidationFailed("external", _("Only an external document has these details."))
    existing = session.get(ExternalDetails, document.id)
    before = existing.status if existing else None
    details = existing or ExternalDetails(document_id=pk(document))
    for name, value in data.model_dump(exclude_unset=True).items():
        if value is not None or name == "issued_on":
            setattr(details, name, value)
    if not details.number:
        raise ValidationFailed("external.number", _("Give the number of the external document "
                                                    "(e.g. 30/2020/NĐ-CP)."))
    details.status = details.status or ExternalStatus.IN_FORCE
    details.replaced_by = details.replaced_by or ""
    details.issuer = details.issuer or ""
    session.add(details)
    session.flush()
    if before == details.status or (before is None and details.status == ExternalStatus.IN_FORCE):
        return []
    details.status_changed_at = utcnow()
    audit.record(session, actor=actor, actor_username=actor_username, action="external.status",
                 object_type="document", object_id=document.code,
                 details={"from": before, "to": details.status, "replaced_by": details.replaced_by})
    if details.status not in NOT_IN_FORCE:
        return []
    return flag_citing(session, actor, document, details, actor_username=actor_username)


def flag_citing(session: Session, actor: Principal | None, document: Document,
                details: ExternalDetails, *, actor_username: str = "system") -> list[str]:
    flagged: list[str] = []
    for doc, version in citing_documents(session, document, details):
        if doc.needs_review:
            continue
        doc.needs_review = True
        session.add(doc)
        flagged.append(doc.code)
        audit.record(session, actor=actor, actor_username=actor_username, action="document.needs_review",
                     object_type="document", object_id=doc.code,
                     details={"because": document.code, "number": details.number,
                              "status": details.status, "revision": version.revision})
    session.flush()
    return flagged


def check_new_version(session: Session, document: Document, version: Version, previous: Version | None,
                       actor: object) -> None:
    """A version that comes into force citing a law no longer in force needs review at once."""
    if not version.references.strip():
        return
    stale = session.execute(
        select(col(Document.code), col(ExternalDetails.number), col(ExternalDetails.status))
        .join(ExternalDetails, col(ExternalDetails.document_id) == Document.id)
        .where(col(ExternalDetails.status).in_(NOT_IN_FORCE))
    ).all()
    for code, number, status in stale:
        if cites(version.references, [code, number]):
            document.needs_review = True
            session.add(document)
            audit.record(session, actor=None, actor_username="system", action="document.needs_review",
                         object_type="document", object_id=document.code,
                         details={"because": code, "number": number, "status": status,
                                  "revision": version.revision})
            session.flush()
            return

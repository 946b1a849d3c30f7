"""Read models of documents and versions, shared by the API and the pages."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from qms.accounts.auth import Principal
from qms.accounts.models import Unit, User, UserRole
from qms.core.db import pk
from qms.documents import external
from qms.documents.choices import Kind, Status
from qms.documents.content import etag_of, steps_of
from qms.documents.models import Document, DocumentUnit, RevisionHistory, Signature, Version, VersionReviewer
from qms.documents.policy import can_read_drafts
from qms.documents.schemas import (
    DocumentDetail,
    DocumentSummary,
    SignaturePublic,
    VersionBrief,
    VersionDetail,
)
from qms.documents.service import DocumentRow, in_progress, versions_of

#: The person a deputy signed for; built once (an alias per call is costly on busy pages).
_PRINCIPAL = aliased(User, name="principal_user")

def summary(row: DocumentRow) -> DocumentSummary:
    return DocumentSummary(
        code=row.document.code, title=row.document.title, kind=row.document.kind,
        owner_unit=row.unit_code, confidentiality=row.document.confidentiality,
        current_revision=row.current_revision, effective_date=row.effective_date,
        status=row.status, in_progress=row.in_progress,
    )


def document_detail(session: Session, actor: Principal, document: Document) -> DocumentDetail:
    unit = session.get(Unit, document.owner_unit_id)
    parent = session.get(Document, document.parent_id) if document.parent_id else None
    versions = [v for v in versions_of(session, document) if can_read_drafts(actor)
                or v.status == Status.EFFECTIVE]
    effective = next((v for v in versions if v.id == document.effective_version_id), None)
    latest = next((v for v in versions if v.id == document.latest_version_id), None)
    allowed = list(session.execute(
        select(col(Unit.code)).join(DocumentUnit, col(DocumentUnit.unit_id) == Unit.id)
        .where(col(DocumentUnit.document_id) == document.id).order_by(Unit.code)
    ).scalars())
    forms = list(session.execute(
        select(col(Document.code)).where(col(Document.parent_id) == document.id).order_by(Document.code)
    ).scalars())
    current = effective or latest
    return DocumentDetail(
        code=document.code, title=document.title, kind=document.kind,
        owner_unit=unit.code if unit else "", confidentiality=document.confidentiality,
        current_revision=current.revision if current else None,
        effective_date=effective.effective_date if effective else None,
        status=current.status if current else None,
        in_progress=in_progress(effective.revision if effective else None,
                                latest.revision if latest else None, latest.status if latest else None),
        review_interval_months=document.review_interval_months,
        parent_code=parent.code if parent else None, needs_review=document.needs_review,
        next_review_on=document.next_review_on, allowed_units=allowed, forms=forms,
        versions=[VersionBrief(revision=v.revision, status=v.status, effective_date=v.effective_date,
                               content_hash=v.content_hash) for v in versions],
        external=external.info(external.details_of(session, document)),
        cited_by=[citation.code for citation in external.cited_by(session, actor, document)],
    )


def signatures_of(session: Session, version: Version) -> list[SignaturePublic]:
    principal = _PRINCIPAL
    rows = session.execute(
        select(Signature, col(User.username), col(principal.username))
        .join(User, col(User.id) == Signature.user_id)
        .outerjoin(principal, col(principal.id) == Signature.on_behalf_of_id)
        .where(col(Signature.version_id) == version.id)
        .order_by(col(Signature.signed_at), col(Signature.id))
    ).all()
    return [_signature_public(sig, username, for_whom) for sig, username, for_whom in rows]


def _signature_public(sig: Signature, username: str, for_whom: str | None) -> SignaturePublic:
    return SignaturePublic(
        username=username, full_name=sig.signer_name, title=sig.signer_title, meaning=sig.meaning,
        purpose=sig.purpose, signed_at=sig.signed_at, comment=sig.comment, content_hash=sig.content_hash,
        on_behalf_of=for_whom, on_behalf_of_title=sig.on_behalf_of_title,
    )


def version_detail(session: Session, document: Document, version: Version) -> VersionDetail:
    drafter = session.get(User, version.drafter_id)
    approver = session.get(User, version.approver_id) if version.approver_id else None
    reviewers = list(session.execute(
        select(col(User.username)).join(VersionReviewer, col(VersionReviewer.user_id) == User.id)
        .where(col(VersionReviewer.version_id) == version.id).order_by(col(VersionReviewer.position))
    ).scalars())
    unit = session.get(Unit, version.owner_unit_id) if version.owner_unit_id is not None else None
    return VersionDetail(
        code=document.code, revision=version.revision, status=version.status,
        title=version.title, kind=version.kind, owner_unit=unit.code if unit else "",
        confidentiality=version.confidentiality,
        sections=version.section_map(), steps=steps_of(session, pk(version)),
        change_summary=version.change_summary, changed_sections=version.changed_sections,
        effective_date=version.effective_date, content_hash=version.content_hash,
        etag=etag_of(version), drafter=drafter.username if drafter else "",
        approver=approver.username if approver else None, reviewers=reviewers,
        signatures=signatures_of(session, version),
    )


def revision_history(session: Session, document: Document) -> list[RevisionHistory]:
    return list(session.execute(
        select(RevisionHistory).where(col(RevisionHistory.document_id) == document.id)
        .order_by(col(RevisionHistory.revision))
    ).scalars())


def version_by_id(session: Session, version_id: int) -> Version | None:
    return session.get(Version, version_id)


def people_with_roles(session: Session, roles: frozenset[str] | set[str]) -> list[tuple[str, str, str]]:
    """(username, full name, title) of active users holding any of ``roles``, by name."""
    return [tuple(row) for row in session.execute(
        select(col(User.username), col(User.full_name), col(User.title))
        .where(col(User.active),
               col(User.id).in_(select(col(UserRole.user_id)).where(col(UserRole.role).in_(list(roles)))))
        .order_by(User.full_name)
    ).all()]


def procedure_choices(session: Session) -> list[tuple[str, str]]:
    return [tuple(row) for row in session.execute(
        select(col(Document.code), col(Document.title)).where(col(Document.kind) != Kind.FORM)
        .order_by(Document.code)
    ).all()]


def signatures_by_revision(session: Session, document: Document,
                           actor: Principal) -> dict[int, list[SignaturePublic]]:
    """Every signature on the versions the actor may read, in one query."""
    principal = _PRINCIPAL
    query = (
        select(col(Version.revision), Signature, col(User.username), col(principal.username))
        .join(Version, col(Version.id) == Signature.version_id)
        .join(User, col(User.id) == Signature.user_id)
        .outerjoin(principal, col(principal.id) == Signature.on_behalf_of_id)
        .where(col(Version.document_id) == document.id)
        .order_by(col(Signature.signed_at), col(Signature.id))
    )
    if not can_read_drafts(actor):
        query = query.where(col(Version.status) == Status.EFFECTIVE)
    result: dict[int, list[SignaturePublic]] = {}
    for revision, sig, username, for_whom in session.execute(query).all():
        result.setdefault(revision, []).append(_signature_public(sig, username, for_whom))
    return result


def full_names(session: Session, usernames: list[str]) -> dict[str, str]:
    wanted = [name for name in usernames if name]
    if not wanted:
        return {}
    return dict(session.execute(select(col(User.username),
                                       col(User.full_name)).where(col(User.username).in_(wanted))).all())


def unit_codes(session: Session, *versions: Version) -> dict[int, str]:
    """The codes of the owner units of ``versions``, by id."""
    return {version.owner_unit_id: unit_code(session, version.owner_unit_id) for version in versions
            if version.owner_unit_id is not None}


def unit_code(session: Session, unit_id: int | None) -> str:
    unit = session.get(Unit, unit_id) if unit_id is not None else None
    return unit.code if unit else ""


def unit_name(session: Session, unit_id: int) -> str:
    unit = session.get(Unit, unit_id)
    return unit.name if unit else ""


def version_link(document: Document, version: Version) -> str:
    return f"/documents/{document.code}/versions/{version.revision}"

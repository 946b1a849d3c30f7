"""What the library adds to the document and version pages: files, change requests and
periodic review (registered by its door). Each provider runs a fixed number of queries."""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import Session, col

from qms.accounts.auth import Principal
from qms.core.db import pk
from qms.documents import panels
from qms.documents.choices import Kind, Status
from qms.documents.defaults import usual_approver
from qms.documents.models import Document, Version
from qms.documents.policy import can_approve, can_edit, can_manage_documents
from qms.documents.read import people_with_roles
from qms.library import change_requests, reviews
from qms.library.attachments import attachments_of, can_download
from qms.library.models import Attachment
from qms.library.policy import can_see_reviews


def _form_files(session: Session, document: Document) -> list[tuple[str, str, int, Attachment]]:
    """(code, title, revision, file) of the files of the forms in force that belong to ``document``."""
    rows = session.execute(
        select(col(Document.code), col(Document.title), col(Version.revision), Attachment)
        .join(Version, col(Version.id) == Document.effective_version_id)
        .join(Attachment, col(Attachment.version_id) == Version.id)
        .where(col(Document.parent_id) == document.id)
        .order_by(Document.code, Attachment.name)
    ).all()
    return [tuple(row) for row in rows]


def files_panel(session: Session, actor: Principal, document: Document,
                version: Version | None) -> panels.Panel | None:
    files = attachments_of(session, [pk(version)])[pk(version)] if version is not None and can_download(
        actor, version) else []
    forms = _form_files(session, document) if document.kind != Kind.FORM else []
    if not files and not forms:
        return None
    return panels.Panel("library/_document_files.html", {"files": files, "version": version, "forms": forms},
                        slot="top")


def requests_panel(session: Session, actor: Principal, document: Document,
                   version: Version | None) -> panels.Panel | None:
    return panels.Panel("library/_document_requests.html", {
        "requests": change_requests.requests_for_document(session, actor, document),
        "can_decide": can_manage_documents(actor),
    })


def review_panel(session: Session, actor: Principal, document: Document,
                 version: Version | None) -> panels.Panel | None:
    if not can_see_reviews(actor) or document.effective_version_id is None:
        return None
    can_record = can_manage_documents(actor)
    approvers = people_with_roles(session, can_approve.roles) if can_record else []
    return panels.Panel("library/_periodic_review.html", {
        "reviews": reviews.reviews_of(session, document, limit=5),
        "can_record": can_record,
        "approvers": approvers,
        "usual_approver": usual_approver(session, document, approvers, drafter=actor.username)
        if can_record else None,
    })


def version_files_panel(session: Session, actor: Principal, document: Document,
                        version: Version | None) -> panels.Panel | None:
    if version is None:
        return None
    editable = version.status == Status.DRAFT and can_edit(actor, version)
    readable = can_download(actor, version)
    files = attachments_of(session, [pk(version)])[pk(version)] if readable else []
    if not files and not editable:
        return None
    return panels.Panel("library/_version_files.html", {
        "files": files, "editable": editable, "readable": readable,
        "obsolete": version.status in (Status.SUPERSEDED, Status.OBSOLETE),
    }, slot="top")


def version_requests_panel(session: Session, actor: Principal, document: Document,
                           version: Version | None) -> panels.Panel | None:
    if version is None:
        return None
    linked = change_requests.requests_for_version(session, actor, version)
    if not linked:
        return None
    return panels.Panel("library/_version_requests.html", {"requests": linked})



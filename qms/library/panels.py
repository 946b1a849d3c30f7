"""What the library adds to the document and version pages: files, external details and
who cites them, the records a procedure produces, change requests and periodic review.
Each provider runs a fixed number of queries."""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import Session, col

from qms.accounts.auth import Principal
from qms.accounts.roles import Role
from qms.accounts.units import unit_choices
from qms.db import pk
from qms.documents import access, panels
from qms.documents.defaults import usual_approver
from qms.documents.models import Document, Version
from qms.documents.read import people_with_roles
from qms.library import change_requests, external, records_register, reviews
from qms.library.attachments import attachments_of, can_download
from qms.library.models import Attachment
from qms.library.retention import categories


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


@panels.on_document_page
def files_panel(session: Session, actor: Principal, document: Document,
                version: Version | None) -> panels.Panel | None:
    files = attachments_of(session, [pk(version)])[pk(version)] if version is not None and can_download(
        actor, version) else []
    forms = _form_files(session, document) if document.kind != "form" else []
    if not files and not forms:
        return None
    return panels.Panel("library/_document_files.html", {"files": files, "version": version, "forms": forms},
                        slot="top")


@panels.on_document_page
def external_panel(session: Session, actor: Principal, document: Document,
                   version: Version | None) -> panels.Panel | None:
    if document.kind != "external":
        return None
    details = external.details_of(session, document)
    return panels.Panel("library/_external.html", {
        "details": details, "cited_by": external.cited_by(session, actor, document),
        "can_manage": actor.has(*access.MANAGE_DOCUMENTS),
    }, slot="top")


@panels.on_document_page
def records_panel(session: Session, actor: Principal, document: Document,
                  version: Version | None) -> panels.Panel | None:
    if document.kind in records_register.NO_RECORDS_KINDS:
        return None
    rows = records_register.entries_of(session, document)
    can_manage = actor.has(*access.MANAGE_DOCUMENTS)
    if not rows and not can_manage:
        return None
    return panels.Panel("library/_records.html", {"rows": rows, "can_manage": can_manage})


@panels.on_document_page
def requests_panel(session: Session, actor: Principal, document: Document,
                   version: Version | None) -> panels.Panel | None:
    return panels.Panel("library/_document_requests.html", {
        "requests": change_requests.requests_for_document(session, actor, document),
        "can_decide": actor.has(*access.MANAGE_DOCUMENTS),
    })


@panels.on_document_page
def review_panel(session: Session, actor: Principal, document: Document,
                 version: Version | None) -> panels.Panel | None:
    if not actor.has(*reviews.SEE_REVIEWS) or document.effective_version_id is None:
        return None
    can_record = actor.has(*access.MANAGE_DOCUMENTS)
    approvers = people_with_roles(session, {Role.APPROVER}) if can_record else []
    return panels.Panel("library/_periodic_review.html", {
        "reviews": reviews.reviews_of(session, document, limit=5),
        "can_record": can_record,
        "approvers": approvers,
        "usual_approver": usual_approver(session, document, approvers, drafter=actor.username)
        if can_record else None,
    })


@panels.on_version_page
def version_files_panel(session: Session, actor: Principal, document: Document,
                        version: Version | None) -> panels.Panel | None:
    if version is None:
        return None
    editable = version.status == "draft" and access.edits(actor, version)
    readable = can_download(actor, version)
    files = attachments_of(session, [pk(version)])[pk(version)] if readable else []
    if not files and not editable:
        return None
    return panels.Panel("library/_version_files.html", {
        "files": files, "editable": editable, "readable": readable,
        "obsolete": version.status in ("superseded", "obsolete"),
    }, slot="top")


@panels.on_version_page
def version_requests_panel(session: Session, actor: Principal, document: Document,
                           version: Version | None) -> panels.Panel | None:
    if version is None:
        return None
    linked = change_requests.requests_for_version(session, actor, version)
    if not linked:
        return None
    return panels.Panel("library/_version_requests.html", {"requests": linked})


def record_form_choices(session: Session) -> dict[str, object]:
    """What the records editor offers: units and retention categories."""
    return {"units": unit_choices(session), "categories": list(categories(session).values())}

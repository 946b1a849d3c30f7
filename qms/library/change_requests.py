"""Change requests ("phiếu đề nghị sửa đổi tài liệu").

Anyone who can read a document may ask for a change, with the reason and the proposed
change. The quality officer accepts it, which opens a draft revision linked to the
request (or links the draft already open), or rejects it with a comment; either way
the requester is notified in the application. An accepted request closes when the revision
it opened comes into force, in that transaction, and the requester is told.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from qms.accounts.auth import Principal
from qms.accounts.models import User, UserRole
from qms.audit import service as audit
from qms.core.db import pk, utcnow
from qms.core.errors import Conflict, NotFound, ValidationFailed
from qms.core.i18n import _
from qms.core.pagination import Page, clamp, parse_sort
from qms.core.roles import require_not_read_only
from qms.documents.choices import Status
from qms.documents.drafts import create_version
from qms.documents.events import ActorLike
from qms.documents.models import Document, Version, version_ref
from qms.documents.policy import can_manage_documents, can_read_drafts
from qms.documents.service import load_document
from qms.library import notify
from qms.library.choices import RequestStatus
from qms.library.models import ChangeRequest
from qms.library.policy import can_see_all_change_requests
from qms.library.schemas import ChangeRequestCreate, ChangeRequestDecision

REQUEST_SORTS = ("created", "code", "status")


@dataclass(frozen=True)
class RequestRow:
    request: ChangeRequest
    document_code: str
    document_title: str
    requested_by: str
    requested_by_name: str
    decided_by: str | None
    decided_by_name: str | None
    draft_revision: int | None


def _link(request: ChangeRequest) -> str:
    return f"/change-requests/{request.id}"


# Built once: building aliases on every call costs more than the query on the document page.
_REQUESTER = aliased(User, name="requester")
_DECIDER = aliased(User, name="decider")
_DRAFT = aliased(Version, name="draft_version")


def _query() -> Select[*tuple[Any, ...]]:
    requester, decider, draft = _REQUESTER, _DECIDER, _DRAFT
    return (
        select(ChangeRequest, col(Document.code), col(Document.title), col(requester.username),
               col(requester.full_name), col(decider.username), col(decider.full_name), col(draft.revision))
        .join(Document, col(Document.id) == ChangeRequest.document_id)
        .join(requester, col(requester.id) == ChangeRequest.requested_by_id)
        .outerjoin(decider, col(decider.id) == ChangeRequest.decided_by_id)
        .outerjoin(draft, col(draft.id) == ChangeRequest.version_id)
    )


def _visible(query: Select[*tuple[Any, ...]], actor: Principal) -> Select[*tuple[Any, ...]]:
    if can_see_all_change_requests(actor):
        return query
    return query.where(col(ChangeRequest.requested_by_id) == actor.id)


def create_request(session: Session, actor: Principal, data: ChangeRequestCreate) -> ChangeRequest:
    require_not_read_only(actor.roles)
    document = load_document(session, actor, data.document_code)
    current_id = document.effective_version_id or (
        document.latest_version_id if can_read_drafts(actor) else None)
    current = session.get(Version, current_id) if current_id else None
    request = ChangeRequest(document_id=pk(document), revision=current.revision if current else None,
                            requested_by_id=actor.id, reason=data.reason, proposal=data.proposal)
    session.add(request)
    session.flush()
    audit.record(session, actor=actor, action="change_request.create", object_type="change_request",
                 object_id=pk(request), details={"document": document.code, "revision": request.revision,
                                                "reason": data.reason, "proposal": data.proposal})
    officers = session.execute(
        select(col(UserRole.user_id)).join(User, col(User.id) == UserRole.user_id)
        .where(col(UserRole.role).in_(can_manage_documents.roles), col(User.active), col(User.id) != actor.id)
    ).scalars().all()
    notify.send(session, officers, notify.CHANGE_REQUEST,
                {"code": document.code, "id": request.id, "name": actor.full_name}, _link(request),
                key=f"{notify.CHANGE_REQUEST}:{request.id}:new")
    return request


def decide(session: Session, actor: Principal, request_id: int, data: ChangeRequestDecision) -> ChangeRequest:
    can_manage_documents.require(actor)
    request = session.execute(
        select(ChangeRequest).where(col(ChangeRequest.id) == request_id).with_for_update()
    ).scalar_one_or_none()
    if request is None:
        raise NotFound(_("Change request no. %(id)s does not exist.", id=request_id))
    if request.status != RequestStatus.OPEN:
        raise Conflict(_("This change request has already been decided."))
    if data.decision == RequestStatus.REJECTED and not data.comment:
        raise ValidationFailed("comment", _("Say why the request is rejected."))
    document = session.get(Document, request.document_id)
    assert document is not None
    if data.decision == RequestStatus.ACCEPTED:
        latest = session.get(Version, document.latest_version_id) if document.latest_version_id else None
        if latest is not None and latest.status == Status.DRAFT:
            request.version_id = latest.id
        else:
            request.version_id = create_version(session, actor, document.code).id
    request.status = data.decision
    request.decided_by_id = actor.id
    request.decided_at = utcnow()
    request.decision_comment = data.comment
    session.add(request)
    session.flush()
    draft = session.get(Version, request.version_id) if request.version_id else None
    audit.record(session, actor=actor, action=f"change_request.{data.decision}", object_type="change_request",
                 object_id=request.id, details={"document": document.code, "comment": data.comment,
                                                "draft_revision": draft.revision if draft else None})
    notify.send(session, [request.requested_by_id], notify.CHANGE_REQUEST,
                {"code": document.code, "id": request.id, "decision": data.decision}, _link(request),
                key=f"{notify.CHANGE_REQUEST}:{request.id}:decided")
    return request


def close_requests_in_force(session: Session, document: Document, version: Version, previous: Version | None,
                            actor: ActorLike | None) -> None:
    """The requests that opened ``version`` are done now that it is in force."""
    requests = session.execute(
        select(ChangeRequest)
        .where(col(ChangeRequest.version_id) == version.id,
               col(ChangeRequest.status) == RequestStatus.ACCEPTED)
        .order_by(col(ChangeRequest.id)).with_for_update()
    ).scalars().all()
    for request in requests:
        request.status = RequestStatus.CLOSED
        session.add(request)
        session.flush()
        audit.record(session, actor=actor, actor_username="" if actor else "system",
                     action="change_request.close", object_type="change_request", object_id=request.id,
                     details={"document": document.code, "revision": version.revision,
                              "version": version_ref(document, version)})
        notify.send(session, [request.requested_by_id], notify.CHANGE_REQUEST,
                    {"code": document.code, "id": request.id, "decision": RequestStatus.CLOSED,
                     "revision": version.revision}, _link(request),
                    key=f"{notify.CHANGE_REQUEST}:{request.id}:closed")


def get_request(session: Session, actor: Principal, request_id: int) -> RequestRow:
    row = session.execute(_visible(_query(), actor).where(
        col(ChangeRequest.id) == request_id)).first()
    if row is None:
        raise NotFound(_("Change request no. %(id)s does not exist.", id=request_id))
    return RequestRow(*row)


def list_requests(session: Session, actor: Principal, *, status: str | None = None,
                  document_code: str | None = None, sort: str | None = None, limit: int | None = None,
                  offset: int | None = None) -> Page[RequestRow]:
    limit, offset = clamp(limit, offset)
    query = _visible(_query(), actor)
    if status:
        query = query.where(col(ChangeRequest.status) == status)
    if document_code:
        query = query.where(col(Document.code) == document_code.upper())
    total = session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    key, descending = parse_sort(sort, REQUEST_SORTS, "-created")
    column = {"created": col(ChangeRequest.created_at), "code": col(Document.code),
              "status": col(ChangeRequest.status)}[key]
    ordered = column.desc() if descending else column.asc()
    rows = session.execute(query.order_by(ordered, col(ChangeRequest.id).desc())
                           .limit(limit).offset(offset)).all()
    return Page([RequestRow(*row) for row in rows], total, limit, offset)


def requests_for_document(session: Session, actor: Principal, document: Document) -> Sequence[RequestRow]:
    query = _visible(_query(), actor).where(col(ChangeRequest.document_id) == document.id)
    return [RequestRow(*row) for row in session.execute(
        query.order_by(col(ChangeRequest.created_at).desc(), col(ChangeRequest.id).desc()).limit(50)).all()]


def requests_for_version(session: Session, actor: Principal, version: Version) -> Sequence[RequestRow]:
    query = _visible(_query(), actor).where(col(ChangeRequest.version_id) == version.id)
    return [RequestRow(*row) for row in session.execute(query.order_by(col(ChangeRequest.id))).all()]


def open_count(session: Session) -> int:
    return session.execute(
        select(func.count()).select_from(ChangeRequest).where(col(ChangeRequest.status) == RequestStatus.OPEN)
    ).scalar_one()

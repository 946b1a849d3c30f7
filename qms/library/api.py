"""JSON API of the library: attachments, change requests, periodic reviews, the records
register and the Word import."""

from __future__ import annotations

from fastapi import APIRouter, File, Path, Query, Request, UploadFile, status
from fastapi.responses import Response

from qms.accounts.deps import CurrentUser
from qms.core.api_docs import PROTECTED, error_responses
from qms.core.clock import local_today
from qms.core.db import pk
from qms.core.deps import SessionDep, SettingsDep
from qms.documents.service import load_version
from qms.files.downloads import file_response, read_limited
from qms.files.storage import file_store
from qms.library import attachments, change_requests, reviews
from qms.library.models import Attachment
from qms.library.present import change_request_public, due_review_public
from qms.library.schemas import (
    AttachmentPublic,
    ChangeRequestCreate,
    ChangeRequestDecision,
    ChangeRequestList,
    ChangeRequestPublic,
    DueReviewList,
    PeriodicReviewIn,
    ReviewOutcomePublic,
)

router = APIRouter(prefix="/api/v1", tags=["library"], responses=error_responses(*PROTECTED, 413, 415))
Code = Path(min_length=1, max_length=40)
Revision = Path(ge=1, le=10_000)
Name = Path(min_length=1, max_length=200)


def _public(attachment: Attachment) -> AttachmentPublic:
    return AttachmentPublic(name=attachment.name, sha256=attachment.sha256, size=attachment.size,
                            media_type=attachment.media_type)


@router.post("/documents/{code}/versions/{rev}/attachments", response_model=AttachmentPublic,
             status_code=status.HTTP_201_CREATED,
             responses={413: {"description": "The file is too large"},
                        415: {"description": "The content is not an accepted type, or is dangerous"}})
def add_attachment(request: Request, session: SessionDep, user: CurrentUser, settings: SettingsDep,
                   file: UploadFile = File(...), code: str = Code, rev: int = Revision) -> AttachmentPublic:
    """Attach a file to a draft (multipart field `file`): the fillable file of a form or an annex. Size
    (413) and type by content (415) are checked before anything is written."""
    data = read_limited(file, settings)
    attachment = attachments.add_attachment(session, user, file_store(settings), settings, code, rev,
                                            file.filename or "", data)
    return _public(attachment)


@router.get("/documents/{code}/versions/{rev}/attachments", response_model=list[AttachmentPublic])
def list_attachments(session: SessionDep, user: CurrentUser, code: str = Code,
                     rev: int = Revision) -> list[AttachmentPublic]:
    """The files attached to a version."""
    _document, version = load_version(session, user, code, rev)
    if not attachments.can_download(user, version):
        return []
    return [_public(a) for a in attachments.attachments_of(session, [pk(version)])[pk(version)]]


@router.get("/documents/{code}/versions/{rev}/attachments/{name}",
            responses={200: {"description": "The file; X-Obsolete: true for a revision no longer in force"}})
def download_attachment(session: SessionDep, user: CurrentUser, settings: SettingsDep, code: str = Code,
                        rev: int = Revision, name: str = Name) -> Response:
    """Download an attached file. Staff download those of the version in force only; superseded and
    withdrawn ones are marked `X-Obsolete: true`."""
    return file_response(attachments.download(session, user, file_store(settings), code, rev, name))


@router.delete("/documents/{code}/versions/{rev}/attachments/{name}", status_code=status.HTTP_204_NO_CONTENT)
def remove_attachment(session: SessionDep, user: CurrentUser, code: str = Code, rev: int = Revision,
                      name: str = Name) -> None:
    """Remove a file from a draft (its drafter or the quality officer)."""
    attachments.remove_attachment(session, user, code, rev, name)


@router.post("/change-requests", response_model=ChangeRequestPublic, status_code=status.HTTP_201_CREATED)
def create_change_request(body: ChangeRequestCreate, session: SessionDep,
                          user: CurrentUser) -> ChangeRequestPublic:
    """Ask for a change to a document (any reader)."""
    created = change_requests.create_request(session, user, body)
    return change_request_public(change_requests.get_request(session, user, created.id or 0))


@router.get("/change-requests", response_model=ChangeRequestList)
def list_change_requests(
    session: SessionDep, user: CurrentUser,
    status: str | None = Query(None, pattern="^(open|accepted|rejected|closed)$"),
    document: str | None = Query(None, max_length=40), sort: str | None = Query(None, max_length=20),
    limit: int = Query(50, ge=1, le=200), offset: int = Query(0, ge=0, le=1_000_000),
) -> ChangeRequestList:
    """Change requests, filtered by status and document."""
    page = change_requests.list_requests(session, user, status=status, document_code=document, sort=sort,
                                         limit=limit, offset=offset)
    return ChangeRequestList(items=[change_request_public(row) for row in page.items], total=page.total)


@router.get("/change-requests/{request_id}", response_model=ChangeRequestPublic)
def get_change_request(session: SessionDep, user: CurrentUser,
                       request_id: int = Path(ge=1, le=2**31 - 1)) -> ChangeRequestPublic:
    """One change request with its decision and linked draft."""
    return change_request_public(change_requests.get_request(session, user, request_id))


@router.post("/change-requests/{request_id}/decision", response_model=ChangeRequestPublic)
def decide_change_request(body: ChangeRequestDecision, session: SessionDep, user: CurrentUser,
                          request_id: int = Path(ge=1, le=2**31 - 1)) -> ChangeRequestPublic:
    """Accept (a linked draft is opened) or reject a change request with a comment (quality officer)."""
    change_requests.decide(session, user, request_id, body)
    return change_request_public(change_requests.get_request(session, user, request_id))


@router.get("/reviews/due", response_model=DueReviewList)
def due_reviews(session: SessionDep, user: CurrentUser, settings: SettingsDep,
                within_days: int = Query(30, ge=0, le=3660), sort: str | None = Query(None, max_length=20),
                limit: int = Query(50, ge=1, le=200),
                offset: int = Query(0, ge=0, le=1_000_000)) -> DueReviewList:
    """Documents whose periodic review is due within `within_days`, and those overdue."""
    page = reviews.due_reviews(session, user, local_today(settings.zone), within_days, sort=sort, limit=limit,
                               offset=offset)
    return DueReviewList(items=[due_review_public(item) for item in page.items], total=page.total)


@router.post("/documents/{code}/periodic-review", response_model=ReviewOutcomePublic)
def record_periodic_review(body: PeriodicReviewIn, session: SessionDep, user: CurrentUser,
                           settings: SettingsDep, code: str = Code) -> ReviewOutcomePublic:
    """Record the outcome of a periodic review (quality officer, with the password): `no_change`,
    `revise` (a draft) or `withdraw` (the withdrawal request)."""
    review = reviews.record_review(session, user, code, body, local_today(settings.zone))
    return ReviewOutcomePublic(code=code.upper(), outcome=review.outcome, revision=review.revision,
                               comment=review.comment, next_review_on=review.next_review_on,
                               opened_revision=review.opened_revision, signed=review.signed,
                               reviewed_at=review.reviewed_at)



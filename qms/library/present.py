"""Rows of the library's services in the shapes of the API."""

from __future__ import annotations

from qms.library.change_requests import RequestRow
from qms.library.reviews import DueReview
from qms.library.schemas import ChangeRequestPublic, DueReviewPublic


def change_request_public(row: RequestRow) -> ChangeRequestPublic:
    request = row.request
    return ChangeRequestPublic(
        id=request.id or 0, status=request.status, document_code=row.document_code,
        document_title=row.document_title, revision=request.revision, reason=request.reason,
        proposal=request.proposal, requested_by=row.requested_by, requested_by_name=row.requested_by_name,
        created_at=request.created_at, decided_by=row.decided_by, decided_at=request.decided_at,
        decision_comment=request.decision_comment, draft_revision=row.draft_revision,
    )


def due_review_public(item: DueReview) -> DueReviewPublic:
    return DueReviewPublic(code=item.code, title=item.title, kind=item.kind, owner_unit=item.owner_unit,
                           revision=item.revision, next_review_on=item.next_review_on,
                           days_left=item.days_left, overdue=item.overdue, needs_review=item.needs_review,
                           open_revision=item.open_revision)



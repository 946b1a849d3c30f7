"""Periodic review ("xem xét định kỳ") of documents in force.

Each effective document has a next review date (its effective date plus its review
interval, set when the version comes into force). The quality officer sees reviews due
within a window and those overdue, together with documents flagged "needs review"
because an external document they cite changed, and records the outcome, signed with
their password: no change (the date moves on by the interval), revise (a draft is
opened) or withdraw (the withdrawal is asked for, to be signed by the approver).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from qms.accounts.auth import Principal
from qms.accounts.models import Unit
from qms.audit import service as audit
from qms.core.clock import add_months
from qms.core.db import pk
from qms.core.errors import Conflict, ValidationFailed
from qms.core.i18n import _
from qms.core.pagination import Page, clamp, parse_sort
from qms.documents import workflow
from qms.documents.drafts import create_version
from qms.documents.models import Document, Version
from qms.documents.policy import can_manage_documents
from qms.documents.schemas import WithdrawalRequest
from qms.documents.service import load_document
from qms.documents.signing import reauthenticate
from qms.library.choices import ReviewOutcome
from qms.library.models import PeriodicReview
from qms.library.policy import can_see_reviews
from qms.library.schemas import PeriodicReviewIn

REVIEW_SORTS = ("next_review_on", "code", "title")
MAX_WINDOW_DAYS = 3660


@dataclass(frozen=True)
class DueReview:
    code: str
    title: str
    kind: str
    owner_unit: str
    revision: int
    next_review_on: date | None
    needs_review: bool
    days_left: int | None
    open_revision: int | None
    open_status: str | None

    @property
    def overdue(self) -> bool:
        return self.days_left is not None and self.days_left < 0


def due_reviews(session: Session, actor: Principal, today: date, within_days: int = 30, *,
                sort: str | None = None, limit: int | None = None,
                offset: int | None = None) -> Page[DueReview]:
    """Documents in force due for review within ``within_days`` (overdue ones included), and
    those flagged as needing review; one query for the page and one for the total."""
    can_see_reviews.require(actor)
    limit, offset = clamp(limit, offset)
    horizon = today + timedelta(days=max(0, min(within_days, MAX_WINDOW_DAYS)))
    effective = aliased(Version)
    latest = aliased(Version)
    query = (
        select(col(Document.code), col(Document.title), col(Document.kind), col(Unit.code),
               col(effective.revision),
               col(Document.next_review_on), col(Document.needs_review), col(latest.revision),
               col(latest.status))
        .join(effective, col(effective.id) == Document.effective_version_id)
        .join(Unit, col(Unit.id) == Document.owner_unit_id)
        .outerjoin(latest, (col(latest.id) == Document.latest_version_id) & (col(latest.id) != effective.id))
        .where(or_(col(Document.next_review_on) <= horizon, col(Document.needs_review)))
    )
    total = session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    key, descending = parse_sort(sort, REVIEW_SORTS, "next_review_on")
    column = {"next_review_on": col(Document.next_review_on), "code": col(Document.code),
              "title": col(Document.title)}[key]
    ordered = column.desc().nulls_last() if descending else column.asc().nulls_last()
    rows = session.execute(query.order_by(ordered, Document.code).limit(limit).offset(offset)).all()
    items = [DueReview(code, title, kind, unit, revision, next_on, needs,
                       (next_on - today).days if next_on else None, open_rev, open_status)
             for code, title, kind, unit, revision, next_on, needs, open_rev, open_status in rows]
    return Page(items, total, limit, offset)


def reviews_of(session: Session, document: Document, limit: int = 20) -> list[PeriodicReview]:
    return list(session.execute(
        select(PeriodicReview).where(col(PeriodicReview.document_id) == document.id)
        .order_by(col(PeriodicReview.reviewed_at).desc(), col(PeriodicReview.id).desc()).limit(limit)
    ).scalars())


def record_review(session: Session, actor: Principal, code: str, data: PeriodicReviewIn,
                  today: date) -> PeriodicReview:
    can_manage_documents.require(actor)
    document = load_document(session, actor, code, lock=True)
    effective = session.get(Version, document.effective_version_id) if document.effective_version_id else None
    if effective is None:
        raise Conflict(_("%(code)s has no version in force to review.", code=document.code))
    review = PeriodicReview(
        document_id=pk(document), revision=effective.revision, outcome=data.outcome,
        comment=data.comment.strip(), due_on=document.next_review_on, reviewed_by_id=actor.id,
        signer_name=actor.full_name, signer_title=actor.title, signed=True,
    )
    reauthenticate(session, actor, data.password)
    if data.outcome == ReviewOutcome.NO_CHANGE:
        document.next_review_on = add_months(today, document.review_interval_months)
        document.needs_review = False
        review.next_review_on = document.next_review_on
        session.add(document)
    elif data.outcome == ReviewOutcome.REVISE:
        review.opened_revision = create_version(session, actor, document.code).revision
    else:
        if not review.comment:
            raise ValidationFailed("comment", _("Give the reason for the withdrawal."))
        if not data.approver:
            raise ValidationFailed("approver", _("Choose the approver who signs the withdrawal."))
        workflow.withdraw(session, actor, document.code, effective.revision,
                          WithdrawalRequest(reason=review.comment, approver=data.approver), today)
    session.add(review)
    session.flush()
    audit.record(session, actor=actor, action="document.periodic_review", object_type="document",
                 object_id=document.code,
                 details={"outcome": data.outcome, "revision": effective.revision, "comment": review.comment,
                          "due_on": review.due_on.isoformat() if review.due_on else None,
                          "next_review_on": review.next_review_on.isoformat() if review.next_review_on
                          else None, "opened_revision": review.opened_revision, "signed": review.signed})
    return review

"""The library's health at a glance, for the quality officer's home page (a few counts)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlmodel import Session, col

from qms.accounts.auth import Principal
from qms.documents.external import NOT_IN_FORCE
from qms.documents.models import Document, ExternalDetails
from qms.library.change_requests import open_count
from qms.library.policy import can_see_reviews

DUE_WINDOW_DAYS = 30


@dataclass(frozen=True)
class LibraryHealth:
    due: int
    overdue: int
    needs_review: int
    open_requests: int
    external_changed: int


def library_health(session: Session, actor: Principal, today: date) -> LibraryHealth | None:
    if not can_see_reviews(actor):
        return None
    in_force = col(Document.effective_version_id).is_not(None)
    due, overdue, flagged = session.execute(
        select(
            func.count().filter(col(Document.next_review_on) <= today + timedelta(days=DUE_WINDOW_DAYS)),
            func.count().filter(col(Document.next_review_on) < today),
            func.count().filter(col(Document.needs_review)),
        ).where(in_force)
    ).one()
    changed = session.execute(
        select(func.count()).select_from(ExternalDetails).where(col(ExternalDetails.status).in_(NOT_IN_FORCE))
    ).scalar_one()
    return LibraryHealth(due, overdue, flagged, open_count(session), changed)

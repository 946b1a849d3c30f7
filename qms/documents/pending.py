"""What waits for a person's signature ("Việc cần xử lý"): reviews, approvals, including
those of a head who delegated them, and withdrawals."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlmodel import Session, col

from qms.accounts.auth import Principal
from qms.accounts.models import User
from qms.core.db import pk
from qms.documents.choices import Meaning, Status
from qms.documents.delegation import delegators_for
from qms.documents.models import Document, Signature, Version, VersionReviewer


@dataclass(frozen=True)
class PendingAction:
    kind: str  # review | approval | withdrawal
    code: str
    title: str
    revision: int
    change_summary: str
    submitted_at: object
    on_behalf_of: str | None
    #: For a withdrawal: why it was asked for, and when.
    reason: str | None = None
    requested_at: datetime | None = None


def pending_actions(session: Session, actor: Principal, today: date) -> list[PendingAction]:
    """What waits for the actor's signature ("Việc cần xử lý")."""
    principals = {actor.id} | delegators_for(session, actor.id, today)
    names = dict(session.execute(select(col(User.id),
                                        col(User.full_name)).where(col(User.id).in_(principals))).all())
    rows = session.execute(
        select(Version, col(Document.code), col(Document.title))
        .join(Document, col(Document.id) == Version.document_id)
        .where(
            (col(Version.status) == Status.AWAITING_APPROVAL) & col(Version.approver_id).in_(principals)
            | (col(Version.status) == Status.EFFECTIVE) & col(Version.withdrawal_approver_id).in_(principals)
            | (col(Version.status) == Status.IN_REVIEW) & col(Version.id).in_(
                select(col(VersionReviewer.version_id)).where(col(VersionReviewer.user_id) == actor.id))
        )
        .order_by(col(Version.submitted_at))
    ).all()
    reviewed = set(session.execute(
        select(col(Signature.version_id), col(Signature.review_round)).where(
            col(Signature.user_id) == actor.id, col(Signature.meaning) == Meaning.REVIEWED,
            col(Signature.purpose) == "issue")
    ).all())
    authored = _authored_by(session, actor, [v for v, _code, _title in rows
                                             if v.status == Status.AWAITING_APPROVAL])
    actions: list[PendingAction] = []
    for version, code, title in rows:
        if version.status == Status.IN_REVIEW:
            if (version.id, version.review_round) in reviewed:
                continue
            kind, principal = "review", actor.id
        elif version.status == Status.AWAITING_APPROVAL:
            if version.id in authored or (version.id, version.review_round) in reviewed:
                continue  # segregation of duties: not theirs to approve
            kind, principal = "approval", version.approver_id
        else:
            kind, principal = "withdrawal", version.withdrawal_approver_id
        withdrawal = kind == "withdrawal"
        actions.append(PendingAction(kind, code, title, version.revision, version.change_summary,
                                     version.submitted_at,
                                     names.get(principal) if principal != actor.id else None,
                                     reason=version.withdrawal_reason if withdrawal else None,
                                     requested_at=version.withdrawal_requested_at if withdrawal else None))
    return actions


def _authored_by(session: Session, actor: Principal, versions: Sequence[Version]) -> set[int]:
    """Those of ``versions`` the actor drafted or submitted in the current round: not theirs to approve."""
    if not versions:
        return set()
    submitted = session.execute(
        select(col(Signature.version_id)).join(Version, col(Version.id) == Signature.version_id).where(
            col(Signature.version_id).in_([v.id for v in versions]), col(Signature.user_id) == actor.id,
            col(Signature.meaning) == Meaning.DRAFTED, col(Signature.purpose) == "issue",
            col(Signature.review_round) == Version.review_round,
        )
    ).scalars()
    return {pk(v) for v in versions if v.drafter_id == actor.id} | set(submitted)

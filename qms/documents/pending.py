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
from qms.core.errors import Conflict, Forbidden
from qms.documents.choices import Meaning, Status
from qms.documents.delegation import delegators_for
from qms.documents.models import Document, Signature, Version, VersionReviewer
from qms.documents.policy import SignerFacts, StepKind, due_step


@dataclass(frozen=True)
class PendingAction:
    kind: StepKind
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
    """What waits for the actor's signature ("Việc cần xử lý"), oldest submission first.

    The statement finds the versions that may be the actor's; :func:`~qms.documents.policy.due_step`
    decides which are."""
    acting_for = delegators_for(session, actor.id, today)
    principals = {actor.id} | acting_for
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
    facts = signer_facts(session, actor, [version for version, *_ in rows], acting_for)
    return _due(session, actor, rows, facts)


def pending_on(session: Session, actor: Principal, document: Document, version: Version,
               today: date) -> PendingAction | None:
    """What on this one version waits for the actor's signature, if anything (the version page)."""
    facts = {pk(version): facts_on(session, actor, version, today)}
    due = _due(session, actor, [(version, document.code, document.title)], facts)
    return due[0] if due else None


def facts_on(session: Session, actor: Principal, version: Version, today: date) -> SignerFacts:
    """What decides whether this one version is the actor's to sign today."""
    return signer_facts(session, actor, [version], delegators_for(session, actor.id, today))[pk(version)]


def signer_facts(session: Session, actor: Principal, versions: Sequence[Version],
                 acting_for: frozenset[int]) -> dict[int, SignerFacts]:
    """For each of ``versions``, what decides whether it is the actor's to sign, in two statements."""
    ids = [pk(v) for v in versions]
    if not ids:
        return {}
    named = set(session.execute(
        select(col(VersionReviewer.version_id)).where(col(VersionReviewer.user_id) == actor.id,
                                                      col(VersionReviewer.version_id).in_(ids))
    ).scalars())
    signed = set(session.execute(
        select(col(Signature.version_id), col(Signature.meaning))
        .join(Version, col(Version.id) == Signature.version_id)
        .where(col(Signature.version_id).in_(ids), col(Signature.user_id) == actor.id,
               col(Signature.meaning).in_([Meaning.REVIEWED, Meaning.DRAFTED]),
               col(Signature.purpose) == "issue", col(Signature.review_round) == Version.review_round)
    ).all())
    return {pk(v): SignerFacts(named_reviewer=pk(v) in named, reviewed=(pk(v), Meaning.REVIEWED) in signed,
                               drafted=(pk(v), Meaning.DRAFTED) in signed, acting_for=acting_for)
            for v in versions}


def _due(session: Session, actor: Principal, rows: Sequence[tuple[Version, str, str]],
         facts: dict[int, SignerFacts]) -> list[PendingAction]:
    steps = []
    for version, code, title in rows:
        try:
            steps.append((due_step(actor, version, facts[pk(version)]), version, code, title))
        except (Forbidden, Conflict):
            continue
    heads = {step.principal_id for step, *_rest in steps} - {actor.id}
    names = dict(session.execute(
        select(col(User.id), col(User.full_name)).where(col(User.id).in_(heads))
    ).all()) if heads else {}
    actions = []
    for step, version, code, title in steps:
        withdrawal = step.kind == "withdrawal"
        actions.append(PendingAction(step.kind, code, title, version.revision, version.change_summary,
                                     version.submitted_at, names.get(step.principal_id),
                                     reason=version.withdrawal_reason if withdrawal else None,
                                     requested_at=version.withdrawal_requested_at if withdrawal else None))
    return actions

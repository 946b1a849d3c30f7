"""Who is told at each signed step of the workflow (registered by its door, ``notify/door.py``).

- submitted: each named reviewer (``review_requested``), or the approver and their active
  deputies when there are no reviewers (``approval_requested``); the drafter's earlier
  ``returned`` is done.
- reviewed: that reviewer's request is done.
- reviews complete: the approver and their active deputies.
- returned: the drafter, with the comment; the round's requests are done.
- approved: the drafter and the quality officers; the round's approval requests are done.
- a delegation given: the deputy (``delegated``).

Keys carry the version and its review round, so a new round asks again and a repeated step
never tells anyone twice.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import Session, col

from qms.accounts.models import User, UserRole
from qms.core.clock import local_today
from qms.core.config import current as current_settings
from qms.documents import events
from qms.documents.models import Delegation, Version, VersionReviewer
from qms.documents.policy import can_manage_documents
from qms.documents.read import version_link
from qms.notify import notifications


def _round(kind: str, version: Version) -> str:
    return f"{kind}:{version.id}:{version.review_round}"


def _params(step: events.Step) -> dict[str, object]:
    return {"code": step.document.code, "title": step.version.title or step.document.title,
            "revision": step.version.revision, "by": _name(step.actor)}


def _name(actor: events.ActorLike) -> str:
    return str(getattr(actor, "full_name", "") or actor.username)


def _ask_approval(session: Session, step: events.Step) -> None:
    version = step.version
    if version.approver_id is None:
        return
    link = version_link(step.document, version)
    key = _round(notifications.APPROVAL_REQUESTED, version)
    notifications.send(session, [version.approver_id], notifications.APPROVAL_REQUESTED, _params(step), link,
                       key=key)
    today = local_today(current_settings().zone)
    deputies = session.execute(
        select(col(Delegation.delegate_id)).where(
            col(Delegation.delegator_id) == version.approver_id, col(Delegation.revoked_at).is_(None),
            col(Delegation.starts_on) <= today, col(Delegation.ends_on) >= today)
    ).scalars().all()
    if deputies:
        approver = session.get(User, version.approver_id)
        notifications.send(session, deputies, notifications.APPROVAL_REQUESTED,
                           {**_params(step), "for": approver.full_name if approver else ""}, link, key=key)


def tell_whose_turn(session: Session, step: events.Step) -> None:
    version, link = step.version, version_link(step.document, step.version)
    if step.name == "submitted":
        notifications.complete(session, f"{notifications.RETURNED}:{version.id}")
        reviewers = session.execute(
            select(col(VersionReviewer.user_id)).where(col(VersionReviewer.version_id) == version.id)
            .order_by(col(VersionReviewer.position))
        ).scalars().all()
        if reviewers:
            notifications.send(session, reviewers, notifications.REVIEW_REQUESTED, _params(step), link,
                               key=_round(notifications.REVIEW_REQUESTED, version))
        else:
            _ask_approval(session, step)
    elif step.name == "reviewed":
        notifications.complete(session, _round(notifications.REVIEW_REQUESTED, version), step.actor.id)
    elif step.name == "reviews_complete":
        notifications.complete(session, _round(notifications.REVIEW_REQUESTED, version))
        _ask_approval(session, step)
    elif step.name == "returned":
        notifications.complete(session, _round(notifications.REVIEW_REQUESTED, version))
        notifications.complete(session, _round(notifications.APPROVAL_REQUESTED, version))
        if version.drafter_id is not None:
            notifications.send(session, [version.drafter_id], notifications.RETURNED,
                               {**_params(step), "comment": step.comment}, link,
                               key=_round(notifications.RETURNED, version))
    elif step.name == "approved":
        notifications.complete(session, _round(notifications.APPROVAL_REQUESTED, version))
        officers = session.execute(
            select(col(UserRole.user_id)).where(col(UserRole.role).in_(can_manage_documents.roles))
        ).scalars().all()
        effective = version.effective_date.strftime("%d/%m/%Y") if version.effective_date else ""
        people = [version.drafter_id, *officers] if version.drafter_id else list(officers)
        notifications.send(session, [p for p in people if p != step.actor.id], notifications.APPROVED,
                           {**_params(step), "effective": effective}, link,
                           key=f"{notifications.APPROVED}:{version.id}")


def tell_the_deputy(session: Session, delegated: events.Delegated) -> None:
    notifications.send(session, [delegated.delegate_id], notifications.DELEGATED,
                       {"by": _name(delegated.actor), "starts_on": delegated.starts_on.strftime("%d/%m/%Y"),
                        "ends_on": delegated.ends_on.strftime("%d/%m/%Y")}, "/delegations",
                       key=f"{notifications.DELEGATED}:{delegated.delegation_id}")

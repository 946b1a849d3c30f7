"""Submission, review, approval and withdrawal of versions: the signed steps of the lifecycle.

Coming into force is in :mod:`qms.documents.effective`; what waits for a signer, in
:mod:`qms.documents.pending`."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import delete, select
from sqlmodel import Session, col

from qms.accounts.auth import Principal, principal_for
from qms.accounts.models import User, UserRole
from qms.audit import service as audit
from qms.core.db import pk, utcnow
from qms.core.errors import Conflict, Forbidden, ValidationFailed
from qms.core.i18n import _
from qms.core.roles import require_not_read_only
from qms.documents import access, events, search_index
from qms.documents.choices import Meaning, Status
from qms.documents.content import freeze, frozen_hash_matches, same_content
from qms.documents.effective import make_effective
from qms.documents.lifecycle import Event, next_status, transition
from qms.documents.models import (
    SECTIONS,
    Document,
    Version,
    VersionReviewer,
    version_ref,
)
from qms.documents.pending import facts_on
from qms.documents.policy import (
    barred_from_signing,
    can_approve,
    can_edit,
    can_manage_documents,
    can_review,
    due_step,
)
from qms.documents.schemas import Decision, Submission, WithdrawalRequest
from qms.documents.service import allowed_unit_ids, load_version
from qms.documents.signing import reauthenticate, round_signers, sign


def _users_with_roles(session: Session, usernames: Sequence[str], field: str,
                      roles: frozenset[str]) -> list[User]:
    found: list[User] = []
    for username in dict.fromkeys(name.strip().lower() for name in usernames if name.strip()):
        user = session.execute(select(User).where(col(User.username) == username)).scalar_one_or_none()
        if user is None or not user.active:
            raise ValidationFailed(field, _("User %(username)s does not exist or is inactive.",
                                            username=username))
        held = set(session.execute(select(col(UserRole.role)).where(UserRole.user_id == user.id)).scalars())
        if held.isdisjoint(roles):
            raise ValidationFailed(field, _("%(name)s does not hold the role needed for this step.",
                                            name=user.full_name))
        if not held.isdisjoint(barred_from_signing.roles):
            raise ValidationFailed(field, _("%(name)s is an administrator and cannot sign.",
                                            name=user.full_name))
        found.append(user)
    return found


def submit(session: Session, actor: Principal, code: str, revision: int, data: Submission) -> Version:
    require_not_read_only(actor.roles)
    document, version = load_version(session, actor, code, revision, lock=True)
    if not can_edit(actor, version):
        raise Forbidden(_("Only the drafter of this version or the quality officer may submit it."))
    event = Event.SUBMIT if data.reviewers else Event.SUBMIT_FOR_APPROVAL
    next_status(version.status, event)
    reauthenticate(session, actor, data.password)
    if not any(getattr(version, name).strip() for name in SECTIONS):
        raise ValidationFailed("sections", _("The version has no content yet."))
    if version.revision > 1 and not version.change_summary.strip():
        raise ValidationFailed("change_summary", _("Say what changed in this revision before submitting it."))
    in_force = session.get(Version, document.effective_version_id) if document.effective_version_id else None
    if in_force is not None and same_content(session, version, in_force):
        raise ValidationFailed("sections", _(
            "This revision is identical to revision %(rev)s in force: change its content before "
            "submitting it, or keep the revision in force as it is.", rev=f"{in_force.revision:02d}"))
    authors = {version.drafter_id, actor.id}
    reviewers = _users_with_roles(session, data.reviewers, "reviewers", can_review.roles)
    (approver,) = _users_with_roles(session, [data.approver], "approver", can_approve.roles) or (None,)
    if approver is None:
        raise ValidationFailed("approver", _("Choose the approver."))
    if any(user.id in authors for user in reviewers):
        raise ValidationFailed("reviewers", _("The drafter of a version cannot also review it."))
    if approver.id in authors:
        raise ValidationFailed("approver", _("The drafter of a version cannot also approve it."))
    if any(user.id == approver.id for user in reviewers):
        raise ValidationFailed("reviewers", _("The approver cannot also be one of the reviewers."))
    allowed = allowed_unit_ids(session, document)
    for user in [*reviewers, approver]:
        if not access.can_see(principal_for(session, user), document, allowed):
            raise ValidationFailed("reviewers" if user is not approver else "approver",
                                   _("%(name)s may not read this restricted document.", name=user.full_name))

    version.review_round += 1
    version.approver_id = approver.id
    version.submitted_at = utcnow()
    session.execute(delete(VersionReviewer).where(col(VersionReviewer.version_id) == version.id))
    session.add_all(VersionReviewer(version_id=pk(version), user_id=pk(user), position=index)
                    for index, user in enumerate(reviewers))
    freeze(session, document.code, version)
    transition(version, event)
    session.add(version)
    session.flush()
    sign(session, actor, version, document.code, Meaning.DRAFTED, comment=data.comment)
    audit.record(session, actor=actor, action="version.submit", object_type="version",
                 object_id=version_ref(document, version),
                 details={"reviewers": [u.username for u in reviewers], "approver": approver.username,
                          "content_hash": version.content_hash, "hash_scheme": version.hash_scheme,
                          "status": version.status})
    events.step_done(session, events.Step("submitted", document, version, actor, data.comment))
    return version


def _check_decision(data: Decision, allowed: tuple[str, str]) -> None:
    if data.decision not in allowed:
        raise ValidationFailed("decision", _("The decision must be one of: %(values)s.",
                                             values=", ".join(allowed)))
    if data.decision == Meaning.REJECTED and not data.comment.strip():
        raise ValidationFailed("comment", _("Say why the version is sent back."))


def _check_frozen_content(session: Session, document: Document, version: Version) -> None:
    """A signature is only ever made over the content that was submitted."""
    if not frozen_hash_matches(session, document.code, version):
        raise Conflict(_("The content changed after it was submitted; it cannot be signed."))


def _send_back(session: Session, actor: Principal, document: Document, version: Version,
               comment: str) -> None:
    transition(version, Event.REJECT)
    version.content_hash = None
    version.lock_version += 1
    session.add(version)
    session.flush()
    audit.record(session, actor=actor, action="version.reject", object_type="version",
                 object_id=version_ref(document, version), details={"review_round": version.review_round})
    events.step_done(session, events.Step("returned", document, version, actor, comment))


def review(session: Session, actor: Principal, code: str, revision: int, data: Decision,
           today: date) -> Version:
    require_not_read_only(actor.roles)
    document, version = load_version(session, actor, code, revision, lock=True)
    _check_decision(data, (Meaning.REVIEWED, Meaning.REJECTED))
    next_status(version.status, Event.REVIEWS_COMPLETE if data.decision == Meaning.REVIEWED else Event.REJECT)
    if version.status != Status.IN_REVIEW:
        raise Conflict(_("This version is not in review."))
    _signing_for(session, actor, version, today)
    reauthenticate(session, actor, data.password)
    _check_frozen_content(session, document, version)
    sign(session, actor, version, document.code, data.decision, comment=data.comment)
    if data.decision == Meaning.REJECTED:
        _send_back(session, actor, document, version, data.comment)
        return version
    events.step_done(session, events.Step(Meaning.REVIEWED, document, version, actor, data.comment))
    reviewer_ids = set(session.execute(
        select(col(VersionReviewer.user_id)).where(col(VersionReviewer.version_id) == version.id)
    ).scalars())
    if reviewer_ids <= round_signers(session, version, Meaning.REVIEWED):
        transition(version, Event.REVIEWS_COMPLETE)
        session.add(version)
        session.flush()
        audit.record(session, actor=actor, action="version.reviews_complete", object_type="version",
                     object_id=version_ref(document, version))
        events.step_done(session, events.Step("reviews_complete", document, version, actor))
    return version


def _signing_for(session: Session, actor: Principal, version: Version, today: date) -> User | None:
    """Refuse unless the step is the actor's to sign (:func:`~qms.documents.policy.due_step`);
    the head the actor signs for under "KT.", or None when they sign in their own name."""
    step = due_step(actor, version, facts_on(session, actor, version, today))
    return None if step.principal_id == actor.id else session.get(User, step.principal_id)


def approve(session: Session, actor: Principal, code: str, revision: int, data: Decision,
            today: date) -> Version:
    require_not_read_only(actor.roles)
    document, version = load_version(session, actor, code, revision, lock=True)
    _check_decision(data, (Meaning.APPROVED, Meaning.REJECTED))
    next_status(version.status, Event.APPROVE if data.decision == Meaning.APPROVED else Event.REJECT)
    if version.status != Status.AWAITING_APPROVAL:
        raise Conflict(_("This version is not awaiting approval."))
    on_behalf_of = _signing_for(session, actor, version, today)
    reauthenticate(session, actor, data.password)
    _check_frozen_content(session, document, version)
    sign(session, actor, version, document.code, data.decision, comment=data.comment,
         on_behalf_of=on_behalf_of)
    if data.decision == Meaning.REJECTED:
        _send_back(session, actor, document, version, data.comment)
        return version
    events.approval_signed(session, events.ApprovalSigned(
        document, version, actor, actor.full_name, actor.title,
        on_behalf_of.title if on_behalf_of else "", password=data.password or ""))
    transition(version, Event.APPROVE)
    version.approved_at = utcnow()
    if version.effective_date is None or version.effective_date < today:
        # A version cannot have been in force before it was approved.
        version.effective_date = today
    session.add(version)
    session.flush()
    audit.record(session, actor=actor, action="version.approve", object_type="version",
                 object_id=version_ref(document, version),
                 details={"effective_date": version.effective_date.isoformat()})
    events.step_done(session, events.Step(Meaning.APPROVED, document, version, actor, data.comment))
    if version.effective_date <= today:
        make_effective(session, actor, document, version)
    return version


def withdraw(session: Session, actor: Principal, code: str, revision: int, data: WithdrawalRequest,
             today: date) -> Version:
    """First the quality officer asks (reason, approver); then the approver signs."""
    require_not_read_only(actor.roles)
    document, version = load_version(session, actor, code, revision, lock=True)
    if data.decision is None:
        return _request_withdrawal(session, actor, document, version, data)
    next_status(version.status, Event.WITHDRAW)
    if version.withdrawal_approver_id is None:
        raise Conflict(_("No withdrawal has been requested for this version."))
    on_behalf_of = _signing_for(session, actor, version, today)
    if data.decision == Meaning.REJECTED and not data.comment.strip():
        raise ValidationFailed("comment", _("Say why the withdrawal is refused."))
    reauthenticate(session, actor, data.password)
    sign(session, actor, version, document.code, data.decision, comment=data.comment,
         purpose="withdrawal", on_behalf_of=on_behalf_of)
    if data.decision == Meaning.REJECTED:
        version.withdrawal_reason = None
        version.withdrawal_requested_by_id = None
        version.withdrawal_approver_id = None
        version.withdrawal_requested_at = None
        session.add(version)
        session.flush()
        audit.record(session, actor=actor, action="version.withdrawal_refused", object_type="version",
                     object_id=version_ref(document, version))
        return version
    transition(version, Event.WITHDRAW)
    version.ended_at = utcnow()
    session.add(version)
    session.flush()
    document.effective_version_id = None
    document.updated_at = version.ended_at
    search_index.refresh(session, document)
    session.add(document)
    session.flush()
    audit.record(session, actor=actor, action="version.withdraw", object_type="version",
                 object_id=version_ref(document, version), details={"reason": version.withdrawal_reason})
    events.version_ended(session, document, version, actor)
    return version


def _request_withdrawal(session: Session, actor: Principal, document: Document, version: Version,
                        data: WithdrawalRequest) -> Version:
    can_manage_documents.require(actor)
    next_status(version.status, Event.WITHDRAW)
    if version.withdrawal_approver_id is not None:
        raise Conflict(_("A withdrawal of this version is already waiting for signature."))
    if not (data.reason or "").strip():
        raise ValidationFailed("reason", _("Give the reason for the withdrawal."))
    (approver,) = _users_with_roles(session, [data.approver or ""], "approver", can_approve.roles) or (None,)
    if approver is None:
        raise ValidationFailed("approver", _("Choose the approver."))
    if approver.id == actor.id:
        raise ValidationFailed("approver", _("The person asking for a withdrawal cannot also sign it."))
    version.withdrawal_reason = (data.reason or "").strip()
    version.withdrawal_requested_by_id = actor.id
    version.withdrawal_approver_id = approver.id
    version.withdrawal_requested_at = utcnow()
    session.add(version)
    session.flush()
    audit.record(session, actor=actor, action="version.withdrawal_request", object_type="version",
                 object_id=version_ref(document, version),
                 details={"reason": version.withdrawal_reason, "approver": approver.username})
    return version

"""Delegation of approval: the head lets a deputy sign "KT." for a date range."""

from __future__ import annotations

from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from qms.accounts.auth import Principal
from qms.accounts.models import User, UserRole
from qms.audit import service as audit
from qms.core.db import pk, utcnow
from qms.core.errors import Forbidden, NotFound, ValidationFailed
from qms.core.i18n import _
from qms.core.policy import Permission
from qms.documents import events, policy
from qms.documents.models import Delegation
from qms.documents.schemas import DelegationCreate, DelegationPublic
from qms.documents.signing import reauthenticate


def _active_user(session: Session, username: str, field: str) -> User:
    user = session.execute(select(User).where(col(User.username) == username.lower())).scalar_one_or_none()
    if user is None or not user.active:
        raise ValidationFailed(field, _("User %(username)s does not exist or is inactive.",
                                        username=username))
    return user


def _holds(session: Session, user: User, permission: Permission) -> bool:
    """Whether ``user`` (not the signed-in person) is granted ``permission`` by their roles."""
    return session.execute(
        select(col(UserRole.user_id)).where(col(UserRole.user_id) == user.id,
                                            col(UserRole.role).in_(permission.roles))
    ).first() is not None


def create_delegation(
    session: Session, actor: Principal, data: DelegationCreate, today: date
) -> Delegation:
    """The approver who delegates records it themself, signed with their password; nobody,
    an administrator included, records a delegation in someone else's name."""
    if data.delegator and data.delegator.strip().lower() != actor.username:
        raise Forbidden(_("Only the approver who delegates may record the delegation, signed with "
                          "their own password."))
    policy.can_delegate.require(actor)
    delegator = _active_user(session, actor.username, "delegator")
    delegate = _active_user(session, data.delegate, "delegate")
    if delegate.id == delegator.id:
        raise ValidationFailed("delegate", _("A person cannot delegate to themselves."))
    if not _holds(session, delegate, policy.can_approve):
        # Without the role the deputy could not even open the versions waiting for approval.
        raise ValidationFailed("delegate", _("%(name)s does not hold the role needed for this step.",
                                             name=delegate.full_name))
    if _holds(session, delegate, policy.barred_from_signing):
        raise ValidationFailed("delegate", _("%(name)s is an administrator and cannot sign.",
                                             name=delegate.full_name))
    if data.ends_on < data.starts_on:
        raise ValidationFailed("ends_on", _("The end date is before the start date."))
    if data.ends_on < today:
        raise ValidationFailed("ends_on", _("The delegation would already have ended."))
    reauthenticate(session, actor, data.password)
    delegation = Delegation(delegator_id=pk(delegator), delegate_id=pk(delegate), starts_on=data.starts_on,
                            ends_on=data.ends_on, note=data.note.strip())
    session.add(delegation)
    session.flush()
    audit.record(session, actor=actor, action="delegation.create", object_type="delegation",
                 object_id=pk(delegation),
                 details={"delegator": delegator.username, "delegate": delegate.username,
                          "starts_on": data.starts_on.isoformat(), "ends_on": data.ends_on.isoformat(),
                          "note": delegation.note})
    events.delegation_given(session, events.Delegated(delegation.id or 0, delegator.id or 0, delegate.id or 0,
                                                      delegation.starts_on, delegation.ends_on, actor))
    return delegation


def revoke_delegation(session: Session, actor: Principal, delegation_id: int) -> Delegation:
    delegation = session.get(Delegation, delegation_id)
    if delegation is None or delegation.revoked_at is not None:
        raise NotFound(_("This delegation does not exist or was already revoked."))
    if not policy.can_revoke_delegation(actor, delegation.delegator_id):
        raise Forbidden(_("Only the person who delegated, or an administrator, may revoke it."))
    delegation.revoked_at = utcnow()
    session.add(delegation)
    session.flush()
    audit.record(session, actor=actor, action="delegation.revoke", object_type="delegation",
                 object_id=pk(delegation))
    return delegation


def delegators_for(session: Session, delegate_id: int, day: date) -> frozenset[int]:
    """Whom ``delegate_id`` may sign for on ``day``."""
    return frozenset(session.execute(
        select(col(Delegation.delegator_id)).where(
            col(Delegation.delegate_id) == delegate_id, col(Delegation.revoked_at).is_(None),
            col(Delegation.starts_on) <= day, col(Delegation.ends_on) >= day,
        )
    ).scalars())


def list_delegations(session: Session, actor: Principal, today: date) -> list[DelegationPublic]:
    delegator = aliased(User)
    delegate = aliased(User)
    query = (
        select(Delegation, col(delegator.username), col(delegate.username))
        .join(delegator, col(delegator.id) == Delegation.delegator_id)
        .join(delegate, col(delegate.id) == Delegation.delegate_id)
        .where(col(Delegation.revoked_at).is_(None))
        .order_by(col(Delegation.starts_on).desc(), col(Delegation.id).desc())
    )
    if not policy.can_see_all_delegations(actor):
        query = query.where(or_(col(Delegation.delegator_id) == actor.id,
                                col(Delegation.delegate_id) == actor.id))
    return [
        DelegationPublic(id=d.id, delegator=who, delegate=to, starts_on=d.starts_on, ends_on=d.ends_on,
                         note=d.note, active=d.starts_on <= today <= d.ends_on)
        for d, who, to in session.execute(query).all()
    ]

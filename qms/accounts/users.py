"""Managing user accounts and their roles; changing one's own password."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, func, or_, select
from sqlmodel import Session, col

from qms.accounts import key_wrap, policy, throttle
from qms.accounts.auth import Principal, end_all_sessions
from qms.accounts.choices import NotificationMail
from qms.accounts.models import Unit, User, UserRole
from qms.accounts.passwords import (
    agency_names,
    check_policy,
    hash_password,
    temporary_password,
    user_policy_problem,
    verify_password,
)
from qms.accounts.schemas import UserCreate, UserPublic, UserUpdate
from qms.accounts.units import get_unit
from qms.audit import service as audit
from qms.core.config import current as current_settings
from qms.core.db import pk, utcnow
from qms.core.errors import Conflict, Forbidden, NotFound, RecordedFailure, ValidationFailed
from qms.core.i18n import _
from qms.core.pagination import Page, clamp, parse_sort
from qms.core.roles import Role, check_role_combination
from qms.core.search import fold

USER_SORTS = ("username", "full_name", "unit", "title")


def get_user(session: Session, username: str) -> User:
    user = session.execute(
        select(User).where(col(User.username) == username.lower())
    ).scalar_one_or_none()
    if user is None:
        raise NotFound(_("User %(username)s does not exist.", username=username))
    return user


def require_view(actor: Principal) -> None:
    policy.can_view_users.require(actor)


def roles_by_user(session: Session, user_ids: Sequence[int]) -> dict[int, list[str]]:
    result: dict[int, list[str]] = {uid: [] for uid in user_ids}
    if user_ids:
        rows = session.execute(
            select(col(UserRole.user_id), col(UserRole.role)).where(col(UserRole.user_id).in_(user_ids))
        ).all()
        for uid, role in rows:
            result[uid].append(role)
    order = {role.value: i for i, role in enumerate(Role)}
    return {uid: sorted(roles, key=lambda r: order.get(r, 99)) for uid, roles in result.items()}


def to_public(user: User, unit_code: str, roles: list[str]) -> UserPublic:
    return UserPublic(username=user.username, full_name=user.full_name, title=user.title,
                      unit=unit_code, roles=roles, email=user.email, active=user.active,
                      notification_mail=user.notification_mail)


def choose_notification_mail(session: Session, actor: Principal, choice: str) -> User:
    """Each person chooses for themself: an e-mail per notification, or one digest a day."""
    if choice not in NotificationMail.values():
        raise ValidationFailed("notification_mail", _("Choose immediate e-mails or a daily digest."))
    user = get_user(session, actor.username)
    if user.notification_mail != choice:
        user.notification_mail = choice
        session.add(user)
        session.flush()
        audit.record(session, actor=actor, action="user.notification_mail", object_type="user",
                     object_id=user.username, details={"notification_mail": choice})
    return user


def list_users(
    session: Session,
    actor: Principal,
    *,
    q: str | None = None,
    unit: str | None = None,
    role: str | None = None,
    active: bool | None = None,
    sort: str | None = None,
    limit: int | None = None,
    offset: int | None = None,
) -> Page[tuple[User, Unit, list[str]]]:
    policy.can_view_users.require(actor)
    limit, offset = clamp(limit, offset)
    query = select(User, Unit).join(Unit, col(Unit.id) == User.unit_id)
    if q:
        folded = fold(q)
        query = query.where(or_(col(User.username).contains(folded, autoescape=True),
                                col(User.search_name).contains(folded, autoescape=True)))
    if unit:
        query = query.where(col(Unit.code) == unit.upper())
    if role:
        query = query.where(col(User.id).in_(select(col(UserRole.user_id)).where(col(UserRole.role) == role)))
    if active is not None:
        query = query.where(col(User.active) == active)
    total = session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    key, descending = parse_sort(sort, USER_SORTS, "username")
    column = {"username": col(User.username), "full_name": col(User.search_name), "unit": col(Unit.name),
              "title": col(User.title)}[key]
    query = query.order_by(column.desc() if descending else column.asc(), User.username)
    rows = session.execute(query.limit(limit).offset(offset)).all()
    roles = roles_by_user(session, [user.id for user, _unit in rows])
    return Page([(user, unit_, roles[user.id]) for user, unit_ in rows], total, limit, offset)


def all_users_public(session: Session, actor: Principal) -> list[UserPublic]:
    policy.can_view_users.require(actor)
    rows = session.execute(
        select(User, col(Unit.code)).join(Unit, col(Unit.id) == User.unit_id).order_by(User.username)
    ).all()
    roles = roles_by_user(session, [user.id for user, _code in rows])
    return [to_public(user, code, roles[user.id]) for user, code in rows]


def view_user(session: Session, actor: Principal, username: str) -> UserPublic:
    """One account as the API shows it, for those who may see the list of users."""
    policy.can_view_users.require(actor)
    return user_public(session, get_user(session, username))


def user_public(session: Session, user: User) -> UserPublic:
    unit = session.get(Unit, user.unit_id)
    return to_public(user, unit.code if unit else "", roles_by_user(session, [pk(user)])[pk(user)])


def create_user(session: Session, actor: Principal, data: UserCreate) -> User:
    policy.can_manage_accounts.require(actor)
    if session.execute(select(col(User.id)).where(col(User.username) == data.username)).first():
        raise Conflict(_("The username %(username)s is already taken.", username=data.username))
    check_policy(data.password, username=data.username, full_name=data.full_name,
                 agency_names=agency_names(session), field="password")
    unit = _active_unit(session, data.unit)
    user = User(username=data.username, full_name=data.full_name, title=data.title,
                unit_id=pk(unit), email=data.email, password_hash=hash_password(data.password),
                must_change_password=True)
    user.search_name = fold(data.full_name)
    session.add(user)
    session.flush()
    _set_roles(session, user, data.roles)
    audit.record(session, actor=actor, action="user.create", object_type="user",
                 object_id=user.username,
                 details=data.model_dump(exclude={"password"}, mode="json"))
    return user


def update_user(session: Session, actor: Principal, username: str, data: UserUpdate) -> User:
    policy.can_manage_accounts.require(actor)
    user = get_user(session, username)
    changes = data.model_dump(exclude_unset=True, mode="json")
    unit_before = session.get(Unit, user.unit_id) if "unit" in changes else None
    previous = {"full_name": user.full_name, "title": user.title, "email": user.email, "active": user.active,
                "unit": unit_before.code if unit_before else None}
    if "full_name" in changes and data.full_name:
        user.full_name = data.full_name
        user.search_name = fold(data.full_name)
    if data.title is not None:
        user.title = data.title
    if "email" in changes:
        user.email = data.email
    if data.unit:
        user.unit_id = pk(_active_unit(session, data.unit))
    if data.roles is not None:
        before = roles_by_user(session, [pk(user)])[pk(user)]
        if {Role(role).value for role in data.roles} != set(before):
            if user.id == actor.id:
                raise Forbidden(_("Nobody changes their own roles; ask another administrator."))
            changes["roles_before"] = before
        _set_roles(session, user, data.roles)
    if data.active is not None and data.active != user.active:
        if not data.active and user.id == actor.id:
            raise ValidationFailed("active", _("You cannot deactivate your own account."))
        user.active = data.active
        if not data.active:
            end_all_sessions(session, pk(user))
    session.add(user)
    session.flush()
    if data.active is False:
        action = "user.deactivate"
    elif data.active is True and set(changes) == {"active"}:
        action = "user.activate"
    else:
        action = "user.update"
    audit.record(session, actor=actor, action=action, object_type="user",
                 object_id=user.username, details=audit.with_before(changes, previous))
    return user


def reset_password(session: Session, actor: Principal, username: str) -> str:
    """Give the user a one-time password to change at next sign-in; returns it once."""
    policy.can_manage_accounts.require(actor)
    user = get_user(session, username)
    password = temporary_password(username=user.username, full_name=user.full_name,
                                  agency_names=agency_names(session))
    user.password_hash = hash_password(password)
    user.must_change_password = True
    user.password_changed_at = utcnow()
    session.add(user)
    end_all_sessions(session, pk(user))
    key_wrap.forget(session, pk(user))
    audit.record(session, actor=actor, action="user.password_reset", object_type="user",
                 object_id=user.username)
    return password


class WrongCurrentPassword(ValidationFailed, RecordedFailure):
    """Counted by the throttle and audited like a wrong sign-in, although the change rolls back."""

    def __init__(self, actor: Principal) -> None:
        super().__init__("current_password", _("The current password is wrong."))
        self.actor = actor

    def record(self, session: Session) -> None:
        throttle.failed(session, _password_attempt(self.actor))
        audit.record(session, actor=self.actor, action="auth.password_change_failed",
                     object_type="user", object_id=self.actor.username)


def _password_attempt(actor: Principal) -> throttle.Attempt:
    return throttle.prompt_attempt(actor.username, actor.session_id, throttle.PASSWORD_CHANGE)


def change_own_password(
    session: Session, actor: Principal, current_password: str, new_password: str
) -> None:
    user = get_user(session, actor.username)
    throttle.check(session, current_settings(), _password_attempt(actor))
    if not verify_password(user.password_hash, current_password):
        raise WrongCurrentPassword(actor)
    throttle.succeeded(session, _password_attempt(actor))
    if problem := user_policy_problem(session, user, new_password):
        raise ValidationFailed("new_password", problem)
    if verify_password(user.password_hash, new_password):
        raise ValidationFailed("new_password", _("The new password must differ from the current one."))
    key_wrap.password_changed(session, pk(user), current_password, new_password)
    user.password_hash = hash_password(new_password)
    user.must_change_password = False
    user.password_changed_at = utcnow()
    session.add(user)
    end_all_sessions(session, pk(user), keep_session_id=actor.session_id)
    audit.record(session, actor=actor, action="user.password_change", object_type="user",
                 object_id=user.username)


def _active_unit(session: Session, code: str) -> Unit:
    try:
        unit = get_unit(session, code)
    except NotFound:
        raise ValidationFailed("unit", _("Unit %(code)s does not exist.", code=code)) from None
    if not unit.active:
        raise ValidationFailed("unit", _("Unit %(code)s is no longer active.", code=code))
    return unit


def _set_roles(session: Session, user: User, roles: Sequence[Role]) -> None:
    wanted = sorted({Role(role).value for role in roles})
    if not wanted:
        raise ValidationFailed("roles", _("A user needs at least one role."))
    check_role_combination(wanted)
    session.execute(delete(UserRole).where(col(UserRole.user_id) == user.id))
    session.add_all(UserRole(user_id=pk(user), role=role) for role in wanted)
    session.flush()

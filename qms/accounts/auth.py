"""Sign-in, sign-out, session and API tokens; failed sign-ins go through the throttle."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Engine, delete, select
from sqlalchemy.sql.elements import SQLCoreOperations
from sqlmodel import Session, col

from qms.accounts import key_wrap, throttle
from qms.accounts.models import AuthSession, Unit, User, UserRole
from qms.accounts.passwords import user_policy_problem, verify_password
from qms.audit import service as audit
from qms.core.config import Settings
from qms.core.db import pk, rowcount, transaction, utcnow
from qms.core.i18n import _

WEB = "web"
API = "api"


@dataclass(frozen=True)
class Principal:
    """The signed-in user as services see it."""

    id: int
    username: str
    full_name: str
    title: str
    unit_id: int
    unit_code: str
    unit_name: str
    email: str | None
    roles: frozenset[str]
    must_change_password: bool
    session_id: int | None = None

    def has(self, *roles: str) -> bool:
        return not self.roles.isdisjoint(roles)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


def _roles_of(session: Session, user_id: int) -> frozenset[str]:
    rows = session.execute(select(col(UserRole.role)).where(col(UserRole.user_id) == user_id)).scalars()
    return frozenset(rows)


def principal_for(session: Session, user: User, session_id: int | None = None) -> Principal:
    unit = session.get(Unit, user.unit_id)
    assert user.id is not None and unit is not None
    return Principal(
        id=user.id,
        username=user.username,
        full_name=user.full_name,
        title=user.title,
        unit_id=user.unit_id,
        unit_code=unit.code,
        unit_name=unit.name,
        email=user.email,
        roles=_roles_of(session, user.id),
        must_change_password=user.must_change_password,
        session_id=session_id,
    )


@dataclass(frozen=True)
class SignIn:
    """The outcome of a sign-in attempt; a failure is data so that it is still recorded."""

    token: str | None = None
    principal: Principal | None = None
    error: str | None = None
    #: The known-device cookie to set on the browser after a success.
    device_cookie: str | None = None


def sign_in(
    session: Session, settings: Settings, username: str, password: str, *, kind: str, address: str,
    device_cookie: str | None = None,
) -> SignIn:
    """Check the password and open a session or API token.

    Raises :class:`~qms.accounts.throttle.Throttled` when the try comes too soon after
    failures. A wrong password is returned (not raised) so that the caller's transaction
    commits the failed attempt and its audit event.
    """
    username = username.strip().lower()
    secret = settings.resolved_secret_key()
    attempt = throttle.Attempt(username=username[:64], address=address[:64], channel=kind,
                               device=throttle.known_device(secret, device_cookie, username))
    throttle.check(session, settings, attempt)
    user = session.execute(select(User).where(col(User.username) == username)).scalar_one_or_none()
    password_ok = verify_password(user.password_hash if user else None, password)
    if user is None or not password_ok or not user.active:
        throttle.failed(session, attempt)
        audit.record(
            session, actor=None, actor_username=username[:64], action="auth.login_failed",
            object_type="user", object_id=username[:64],
            details={"reason": "inactive" if user and password_ok else "bad_credentials",
                     "channel": kind},
        )
        return SignIn(error=_("Wrong username or password."))
    throttle.succeeded(session, attempt)
    if not (user.must_change_password or user.password_policy_exempt) and user_policy_problem(
            session, user, password):
        user.must_change_password = True  # a password the policy now refuses: replaced first
        audit.record(session, actor=user, action="auth.password_refused_by_policy", object_type="user",
                     object_id=user.username, details={"channel": kind})
    if not user.must_change_password:
        key_wrap.remember_password(session, pk(user), password)
    token = secrets.token_urlsafe(32)
    hours = settings.session_hours if kind == WEB else settings.api_token_hours
    auth_session = AuthSession(
        token_hash=_token_hash(token), kind=kind, user_id=user.id,
        expires_at=utcnow() + timedelta(hours=hours),
    )
    session.add(auth_session)
    session.flush()
    audit.record(session, actor=user, action="auth.login", object_type="user",
                 object_id=user.username, details={"channel": kind})
    return SignIn(token=token, principal=principal_for(session, user, auth_session.id),
                  device_cookie=throttle.remember_device(secret, device_cookie, username))


_PRINCIPAL_COLUMNS: tuple[SQLCoreOperations[Any], ...] = (
    col(AuthSession.id).label("session_id"), col(AuthSession.expires_at), col(User.id), col(User.username),
    col(User.full_name), col(User.title), col(User.unit_id), col(User.email), col(User.active),
    col(User.must_change_password), col(Unit.code).label("unit_code"), col(Unit.name).label("unit_name"),
    col(UserRole.role),
)


def resolve_token(session: Session, token: str, kind: str) -> Principal | None:
    """The principal behind a cookie or bearer token, or None if unknown, expired or inactive.

    Every request asks this, so it is one statement: a row per role of the user."""
    rows = session.execute(
        select(*_PRINCIPAL_COLUMNS)
        .join(User, col(User.id) == AuthSession.user_id)
        .join(Unit, col(Unit.id) == User.unit_id)
        .outerjoin(UserRole, col(UserRole.user_id) == User.id)
        .where(col(AuthSession.token_hash) == _token_hash(token), col(AuthSession.kind) == kind)
    ).all()
    if not rows:
        return None
    row = rows[0]
    if row.expires_at <= utcnow() or not row.active:
        return None
    return Principal(
        id=row.id, username=row.username, full_name=row.full_name, title=row.title,
        unit_id=row.unit_id, unit_code=row.unit_code, unit_name=row.unit_name, email=row.email,
        roles=frozenset(r.role for r in rows if r.role is not None),
        must_change_password=row.must_change_password, session_id=row.session_id,
    )


def sign_out(session: Session, principal: Principal) -> None:
    if principal.session_id is not None:
        session.execute(delete(AuthSession).where(col(AuthSession.id) == principal.session_id))
    audit.record(session, actor=principal, action="auth.logout", object_type="user",
                 object_id=principal.username)


def end_all_sessions(session: Session, user_id: int, *, keep_session_id: int | None = None) -> None:
    query = delete(AuthSession).where(col(AuthSession.user_id) == user_id)
    if keep_session_id is not None:
        query = query.where(col(AuthSession.id) != keep_session_id)
    session.execute(query)


def purge_expired(session: Session, settings: Settings) -> int:
    """Remove expired sessions and old failed attempts; returns how many sessions went."""
    now = utcnow()
    removed = rowcount(session.execute(delete(AuthSession).where(col(AuthSession.expires_at) <= now)))
    throttle.purge(session, settings)
    return removed


def expired_sessions(engine: Engine, settings: Settings, today: date) -> str:
    with transaction(engine) as session:
        return f"expired sessions removed: {purge_expired(session, settings)}"

"""Reading the database the way a second observer would, after a request."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, func, select
from sqlmodel import Session

from qms.accounts.models import AuthSession, LoginAttempt, Unit, User, UserRole
from qms.audit.models import AuditEvent


class Reader:
    """Each call opens its own session, so it sees what requests have committed."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def _one(self, query: Any) -> Any:
        with Session(self.engine) as session:
            return session.execute(query).scalar_one_or_none()

    def _all(self, query: Any) -> list[Any]:
        with Session(self.engine) as session:
            return list(session.execute(query).scalars())

    def user(self, username: str) -> User | None:
        return self._one(select(User).where(User.username == username))

    def unit(self, code: str) -> Unit | None:
        return self._one(select(Unit).where(Unit.code == code))

    def parent_code(self, code: str) -> str | None:
        unit = self.unit(code)
        if unit is None or unit.parent_id is None:
            return None
        return self._one(select(Unit.code).where(Unit.id == unit.parent_id))

    def roles(self, username: str) -> set[str]:
        return set(self._all(
            select(UserRole.role).join(User, User.id == UserRole.user_id)
            .where(User.username == username)
        ))

    def sessions(self, username: str) -> list[AuthSession]:
        return self._all(
            select(AuthSession).join(User, User.id == AuthSession.user_id)
            .where(User.username == username)
        )

    def attempts(self, username: str | None = None) -> int:
        query = select(func.count()).select_from(LoginAttempt)
        if username is not None:
            query = query.where(LoginAttempt.username == username)
        return self._one(query)

    def events(self, action: str | None = None) -> list[AuditEvent]:
        query = select(AuditEvent).order_by(AuditEvent.id)
        if action is not None:
            query = query.where(AuditEvent.action == action)
        return self._all(query)

    def count(self, model: type) -> int:
        return self._one(select(func.count()).select_from(model))

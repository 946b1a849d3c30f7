"""Typed errors raised by services; the app turns them into HTTP answers."""

from __future__ import annotations

from typing import Any


class QMSError(Exception):
    status_code = 400

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail

    @property
    def headers(self) -> dict[str, str]:
        """HTTP headers the answer carries, in the API and on pages alike."""
        return {}


class RecordedFailure(QMSError):
    """A refusal that must leave a trace although the transaction that met it rolls back
    (a wrong signing password counts towards the throttle): :func:`qms.core.db.roll_back`
    records it in a transaction of its own after the rollback."""

    def record(self, session: Any) -> None:
        raise NotImplementedError


class NotFound(QMSError):
    status_code = 404


class Forbidden(QMSError):
    status_code = 403


class NotAuthenticated(QMSError):
    status_code = 401


class Conflict(QMSError):
    """The request breaks a rule of the current state (stale edit, duplicate)."""

    status_code = 409


class ValidationFailed(QMSError):
    """A value is not acceptable; ``field`` names which one."""

    status_code = 422

    def __init__(self, field: str, detail: str, fields: dict[str, str] | None = None) -> None:
        super().__init__(detail)
        self.field = field
        self.fields = fields or {field: detail}


class TooManyAttempts(QMSError):
    status_code = 429

    def __init__(self, detail: str, retry_after_seconds: int) -> None:
        super().__init__(detail)
        self.retry_after_seconds = retry_after_seconds

    @property
    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after_seconds)}

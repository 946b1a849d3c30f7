"""Roles, their names in the UI, and which roles may do what.

Services call :func:`require_any` with one of the sets below; the HTML and API
routes never check roles themselves.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from qms.errors import Forbidden
from qms.i18n import _


class Role(StrEnum):
    ADMIN = "admin"
    QUALITY_OFFICER = "quality_officer"
    DRAFTER = "drafter"
    REVIEWER = "reviewer"
    APPROVER = "approver"
    STAFF = "staff"
    AUDITOR = "auditor"


def role_label(role: str) -> str:
    labels = {
        Role.ADMIN: _("System administrator"),
        Role.QUALITY_OFFICER: _("ISO quality officer"),
        Role.DRAFTER: _("Drafter"),
        Role.REVIEWER: _("Reviewer"),
        Role.APPROVER: _("Approver"),
        Role.STAFF: _("Staff"),
        Role.AUDITOR: _("Internal auditor"),
    }
    return labels.get(Role(role), role) if role in Role._value2member_map_ else role


MANAGE_ACCOUNTS = frozenset({Role.ADMIN})
VIEW_USERS = frozenset({Role.ADMIN, Role.QUALITY_OFFICER, Role.AUDITOR})
VIEW_AUDIT = frozenset({Role.ADMIN, Role.AUDITOR})


def has_any(roles: Iterable[str], allowed: Iterable[Role]) -> bool:
    return not set(roles).isdisjoint(allowed)


def require_any(roles: Iterable[str], allowed: frozenset[Role]) -> None:
    if not has_any(roles, allowed):
        raise Forbidden(_("Your role does not allow this action."))


def require_not_read_only(roles: Iterable[str]) -> None:
    """An internal auditor who holds no other role reads everything and changes nothing."""
    if set(roles) <= {Role.AUDITOR}:
        raise Forbidden(_("An internal auditor has read-only access."))

"""Roles, their names in the UI, and which roles may do what.

Services call :func:`require_any` with one of the sets below; the HTML and API
routes never check roles themselves.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from qms.errors import Forbidden, ValidationFailed
from qms.i18n import N_, _, translated_choice


class Role(StrEnum):
    ADMIN = "admin"
    QUALITY_OFFICER = "quality_officer"
    DRAFTER = "drafter"
    REVIEWER = "reviewer"
    APPROVER = "approver"
    STAFF = "staff"
    AUDITOR = "auditor"


_ROLE_LABELS: dict[str, str] = {
    Role.ADMIN: N_("System administrator"),
    Role.QUALITY_OFFICER: N_("ISO quality officer"),
    Role.DRAFTER: N_("Drafter"),
    Role.REVIEWER: N_("Reviewer"),
    Role.APPROVER: N_("Approver"),
    Role.STAFF: N_("Staff"),
    Role.AUDITOR: N_("Internal auditor"),
}


def role_label(role: str) -> str:
    return translated_choice(_ROLE_LABELS, role)


MANAGE_ACCOUNTS = frozenset({Role.ADMIN})
#: The roles of the document library. Whoever administers accounts (gives roles, resets
#: passwords) holds none of them, so that they can never sign or stand in for a signer.
LIBRARY_ROLES = frozenset({Role.DRAFTER, Role.REVIEWER, Role.APPROVER, Role.QUALITY_OFFICER, Role.AUDITOR})
VIEW_USERS = frozenset({Role.ADMIN, Role.QUALITY_OFFICER, Role.AUDITOR})
VIEW_AUDIT = frozenset({Role.ADMIN, Role.AUDITOR})


def has_any(roles: Iterable[str], allowed: Iterable[Role]) -> bool:
    return not set(roles).isdisjoint(allowed)


def require_any(roles: Iterable[str], allowed: frozenset[Role]) -> None:
    if not has_any(roles, allowed):
        raise Forbidden(_("Your role does not allow this action."))


def check_role_combination(roles: Iterable[str]) -> None:
    """Refuse the administrator role together with a role of the library (field ``roles``)."""
    held = set(roles)
    if Role.ADMIN in held and not held.isdisjoint(LIBRARY_ROLES):
        raise ValidationFailed("roles", _("An administrator cannot also hold a role of the document "
                                          "library (drafter, reviewer, approver, quality officer, "
                                          "internal auditor): give that work a separate account."))


def require_not_read_only(roles: Iterable[str]) -> None:
    """An internal auditor who holds no other role reads everything and changes nothing."""
    if set(roles) <= {Role.AUDITOR}:
        raise Forbidden(_("An internal auditor has read-only access."))

"""Roles and their names in the UI.

Which roles may do what is decided by the named permissions of each capability's
``policy.py`` (:class:`qms.core.policy.Permission`); only the rules about roles themselves
(which combine, who only reads) are here.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from qms.core.errors import Forbidden, ValidationFailed
from qms.core.i18n import N_, _, translated_choice


class Role(StrEnum):
    ADMIN = "admin"
    QUALITY_OFFICER = "quality_officer"
    DRAFTER = "drafter"
    REVIEWER = "reviewer"
    APPROVER = "approver"
    STAFF = "staff"
    AUDITOR = "auditor"


_ROLE_LABELS = {
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


#: The roles of the document library. Whoever administers accounts (gives roles, resets
#: passwords) holds none of them, so that they can never sign or stand in for a signer.
LIBRARY_ROLES = frozenset({Role.DRAFTER, Role.REVIEWER, Role.APPROVER, Role.QUALITY_OFFICER, Role.AUDITOR})


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


#: The roles as Vietnamese records write them.
ROLE_WORDS = {
    "admin": "Quản trị hệ thống",
    "quality_officer": "Thư ký ISO",
    "drafter": "Người soạn thảo",
    "reviewer": "Người xem xét",
    "approver": "Người phê duyệt",
    "staff": "Cán bộ, công chức, viên chức",
    "auditor": "Chuyên gia đánh giá nội bộ",
}

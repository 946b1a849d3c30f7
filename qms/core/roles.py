"""Roles and their names in the UI.

Which roles may do what is decided by the named permissions of each capability's
``policy.py`` (:class:`qms.core.policy.Permission`); only the rules about roles themselves
(which combine, who only reads) are here.
"""

from __future__ import annotations

from collections.abc import Iterable

from qms.core.choices import Choice
from qms.core.errors import Forbidden, ValidationFailed
from qms.core.i18n import _


class Role(Choice):
    ADMIN = "admin", "System administrator", "Quản trị hệ thống"
    QUALITY_OFFICER = "quality_officer", "ISO quality officer", "Thư ký ISO"
    DRAFTER = "drafter", "Drafter", "Người soạn thảo"
    REVIEWER = "reviewer", "Reviewer", "Người xem xét"
    APPROVER = "approver", "Approver", "Người phê duyệt"
    STAFF = "staff", "Staff", "Cán bộ, công chức, viên chức"
    AUDITOR = "auditor", "Internal auditor", "Chuyên gia đánh giá nội bộ"


def role_label(role: str) -> str:
    return Role.label_of(role)


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

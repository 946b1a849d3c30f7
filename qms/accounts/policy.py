"""Who may administer accounts and who may look people up."""

from __future__ import annotations

from qms.core.policy import Permission
from qms.core.roles import Role

#: Units, user accounts and their roles, the agency's profile, its signing certificate and seal.
can_manage_accounts = Permission("manage_accounts", {Role.ADMIN})
#: The lists of people and units, read only for whoever does not manage them.
can_view_users = Permission("view_users", {Role.ADMIN, Role.QUALITY_OFFICER, Role.AUDITOR})

TEMPLATE_GLOBALS = {"can_manage_accounts": can_manage_accounts, "can_view_users": can_view_users}

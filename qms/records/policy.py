"""Who sees the agency's signing certificate on the reports page (managing it is the
administrator's: :data:`qms.accounts.policy.can_manage_accounts`)."""

from __future__ import annotations

from qms.core.policy import Permission
from qms.core.roles import Role

can_see_agency_certificate = Permission("see_agency_certificate",
                                        {Role.ADMIN, Role.QUALITY_OFFICER, Role.AUDITOR})

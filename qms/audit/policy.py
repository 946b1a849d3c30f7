"""Who may read the audit trail."""

from __future__ import annotations

from qms.core.policy import Permission
from qms.core.roles import Role

#: The trail, its chain status, the integrity check and the audit-trail report.
can_read_trail = Permission("read_trail", {Role.ADMIN, Role.AUDITOR})

TEMPLATE_GLOBALS = {"can_read_trail": can_read_trail}

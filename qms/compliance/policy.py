"""Who reads the compliance report and who takes the audit pack."""

from __future__ import annotations

from qms.core.policy import Permission
from qms.core.roles import Role

can_read_compliance = Permission("read_compliance", {Role.AUDITOR, Role.QUALITY_OFFICER})
#: The whole trail and registers in one download: the internal auditor's.
can_download_pack = Permission("download_pack", {Role.AUDITOR})

TEMPLATE_GLOBALS = {"can_read_compliance": can_read_compliance}

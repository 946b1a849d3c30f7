"""Who distributes documents and who follows their reading."""

from __future__ import annotations

from qms.core.policy import Permission
from qms.core.roles import Role

#: Distribute a version, record paper copies handed out and taken back.
can_distribute = Permission("distribute", {Role.QUALITY_OFFICER})
#: The acknowledgements by unit and by person, the recalls and the distribution records.
can_follow_distribution = Permission("follow_distribution",
                                     {Role.QUALITY_OFFICER, Role.APPROVER, Role.AUDITOR})

TEMPLATE_GLOBALS = {"can_follow_distribution": can_follow_distribution}

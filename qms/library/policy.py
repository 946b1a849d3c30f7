"""Who sees the upkeep of the library: periodic reviews, change requests, withdrawn files."""

from __future__ import annotations

from qms.core.policy import Permission
from qms.core.roles import Role

#: The periodic reviews due and overdue (recording one is the quality officer's).
can_see_reviews = Permission("see_reviews", {Role.QUALITY_OFFICER, Role.AUDITOR, Role.APPROVER})
#: Everybody's change requests, not only one's own.
can_see_all_change_requests = Permission("see_all_change_requests", {Role.QUALITY_OFFICER, Role.AUDITOR})
#: Download the files of superseded and withdrawn versions.
can_read_withdrawn_files = Permission("read_withdrawn_files", {Role.QUALITY_OFFICER, Role.AUDITOR})

TEMPLATE_GLOBALS = {"can_see_reviews": can_see_reviews}

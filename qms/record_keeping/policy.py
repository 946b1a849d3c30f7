"""Who approves the records list of a year (keeping the register is the quality officer's:
:data:`qms.documents.policy.can_manage_documents`)."""

from __future__ import annotations

from qms.core.policy import Permission
from qms.core.roles import Role

can_approve_records_list = Permission("approve_records_list", {Role.APPROVER})

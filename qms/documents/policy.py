"""Who may do what with documents, their versions, signatures and delegations.

Which document a person may read (restricted ones, their unit) is in
:mod:`qms.documents.access`, built on these.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from qms.core.i18n import N_
from qms.core.policy import Permission
from qms.core.roles import Role

if TYPE_CHECKING:
    from qms.accounts.auth import Principal
    from qms.documents.models import Version

#: The register: new documents, their settings, withdrawals, controlled copies, imports.
can_manage_documents = Permission("manage_documents", {Role.QUALITY_OFFICER})
#: Every document and version, drafts and restricted documents included.
can_read_everything = Permission("read_everything", {Role.QUALITY_OFFICER, Role.AUDITOR, Role.APPROVER})
#: Versions not yet in force too (restricted documents of other units aside).
can_read_drafts = Permission("read_drafts", can_read_everything.roles | {Role.DRAFTER, Role.REVIEWER})
#: Edit the drafts one is the drafter of.
can_edit_own_drafts = Permission("edit_own_drafts", {Role.QUALITY_OFFICER, Role.DRAFTER})
#: Who may be chosen to review a version, and who to approve it.
can_review = Permission("review", {Role.REVIEWER, Role.APPROVER})
can_approve = Permission("approve", {Role.APPROVER})
#: Whose work includes signing steps of the lifecycle (the tasks page).
has_signing_tasks = Permission("signing_tasks", {Role.REVIEWER, Role.APPROVER, Role.QUALITY_OFFICER})
#: An administrator gives roles and resets passwords, so must never be able to sign.
barred_from_signing = Permission("barred_from_signing", {Role.ADMIN})

can_delegate = Permission("delegate", {Role.APPROVER}, N_("Only an approver can delegate approval."))
can_revoke_any_delegation = Permission("revoke_any_delegation", {Role.ADMIN})
can_see_all_delegations = Permission("see_all_delegations", {Role.ADMIN, Role.AUDITOR, Role.QUALITY_OFFICER})
#: Whose menu offers the delegations page: those who delegate and those who revoke.
can_open_delegations = Permission("open_delegations", can_delegate.roles | can_revoke_any_delegation.roles)


def can_sign(user: Principal) -> bool:
    return not barred_from_signing(user)


def can_edit(user: Principal, version: Version) -> bool:
    """The quality officer edits any version; a drafter, the versions they are the drafter of."""
    return can_manage_documents(user) or (user.id == version.drafter_id and can_edit_own_drafts(user))


def can_revoke_delegation(user: Principal, delegator: int | str) -> bool:
    """The person who delegated (by id or username) or an administrator."""
    return delegator in (user.id, user.username) or can_revoke_any_delegation(user)


TEMPLATE_GLOBALS = {
    "can_manage_documents": can_manage_documents,
    "has_signing_tasks": has_signing_tasks,
    "can_open_delegations": can_open_delegations,
    "can_revoke_delegation": can_revoke_delegation,
}

"""Who may do what with documents, their versions, signatures and delegations.

Which document a person may read (restricted ones, their unit) is in
:mod:`qms.documents.access`, built on these.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from qms.core.errors import Conflict, Forbidden
from qms.core.i18n import N_, _
from qms.core.policy import Permission
from qms.core.roles import Role
from qms.documents.choices import Status

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


def require_signer(user: Principal) -> None:
    """An administrator manages accounts and never signs: whoever can give roles and reset
    passwords must not also be able to put a signature on the record."""
    if barred_from_signing(user):
        raise Forbidden(_("An administrator account cannot sign. Sign with your own account that "
                          "holds the role for this step."))


@dataclass(frozen=True)
class SignerFacts:
    """What the record says of one person and one version that decides whether it is theirs
    to sign; read for many versions at once by :func:`qms.documents.pending.signer_facts`."""

    #: Named among the version's reviewers.
    named_reviewer: bool = False
    #: Signed "reviewed", or "drafted" (submitted), in the version's current round.
    reviewed: bool = False
    drafted: bool = False
    #: The heads who have delegated approval to this person for today.
    acting_for: frozenset[int] = frozenset()


StepKind = Literal["review", "approval", "withdrawal"]


@dataclass(frozen=True)
class DueStep:
    kind: StepKind
    #: Whose signature it is: the signer's own id, or that of the head who delegated approval.
    principal_id: int


def due_step(user: Principal, version: Version, facts: SignerFacts) -> DueStep:
    """The signed step of the lifecycle that is ``user``'s on ``version``; otherwise
    :class:`Forbidden` or :class:`Conflict` saying why not.

    One rule for the signing services, the task list and the version page: a named reviewer
    reviews once a round; the named approver, or a deputy signing "KT." for them, approves,
    unless they drafted, submitted or reviewed this round (segregation of duties); the
    approver asked to sign a withdrawal signs it, or their deputy. An administrator never signs.
    """
    require_signer(user)
    if version.status == Status.IN_REVIEW:
        if not facts.named_reviewer:
            raise Forbidden(_("You are not one of the reviewers of this version."))
        if facts.reviewed:
            raise Conflict(_("You have already reviewed this version."))
        return DueStep("review", user.id)
    if version.status == Status.AWAITING_APPROVAL:
        principal = _signing_for(user, version.approver_id, facts)
        if user.id == version.drafter_id or facts.drafted:
            raise Conflict(_("The drafter of a version cannot approve it."))
        if facts.reviewed:
            # A deputy who reviewed the version may not then approve it on the head's behalf.
            raise Conflict(_("A reviewer of this version cannot also approve it."))
        return DueStep("approval", principal)
    if version.status == Status.EFFECTIVE and version.withdrawal_approver_id is not None:
        return DueStep("withdrawal", _signing_for(user, version.withdrawal_approver_id, facts))
    raise Conflict(_("Nothing on this version is waiting for a signature."))


def _signing_for(user: Principal, principal_id: int | None, facts: SignerFacts) -> int:
    if principal_id is None:
        raise Conflict(_("No approver was named for this version."))
    if user.id == principal_id or principal_id in facts.acting_for:
        return principal_id
    raise Forbidden(_("Only the named approver, or a deputy to whom they delegated approval, may sign."))


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

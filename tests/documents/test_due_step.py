"""Whose turn it is to sign a version (``documents.policy.due_step``), decided on its own.

The signing services, the task list and the version page all ask this one rule; here it is
asked directly, with the facts the database would give it."""

from __future__ import annotations

import pytest

from qms.accounts.auth import Principal
from qms.core.errors import Conflict, Forbidden
from qms.core.i18n import in_language
from qms.documents.choices import Status
from qms.documents.models import Version
from qms.documents.policy import DueStep, SignerFacts, due_step

DRAFTER, REVIEWER, HEAD, DEPUTY, STRANGER = 1, 2, 3, 4, 5


def person(user_id: int, *roles: str) -> Principal:
    return Principal(id=user_id, username=f"u{user_id}", full_name=f"Người {user_id}", title="", unit_id=1,
                     unit_code="VP", unit_name="Văn phòng", email=None, roles=frozenset(roles),
                     must_change_password=False)


def version(status: Status, **fields: object) -> Version:
    return Version(**{"document_id": 1, "revision": 1, "status": status, "drafter_id": DRAFTER,
                      "approver_id": HEAD, **fields})


def refusal(user: Principal, of: Version, facts: SignerFacts) -> tuple[int, str]:
    with in_language("en"), pytest.raises((Forbidden, Conflict)) as refused:
        due_step(user, of, facts)
    return refused.value.status_code, refused.value.detail


def test_a_named_reviewer_reviews_once_a_round():
    in_review = version(Status.IN_REVIEW)
    reviewer = person(REVIEWER, "reviewer")
    assert due_step(reviewer, in_review, SignerFacts(named_reviewer=True)) == DueStep("review", REVIEWER)
    assert refusal(reviewer, in_review, SignerFacts(named_reviewer=True, reviewed=True)) == (
        409, "You have already reviewed this version.")
    assert refusal(person(STRANGER, "reviewer"), in_review, SignerFacts()) == (
        403, "You are not one of the reviewers of this version.")


def test_the_named_approver_approves_in_their_own_name():
    assert due_step(person(HEAD, "approver"), version(Status.AWAITING_APPROVAL), SignerFacts()) == DueStep(
        "approval", HEAD)


def test_a_deputy_approves_for_the_head_only_while_the_delegation_runs():
    awaiting = version(Status.AWAITING_APPROVAL)
    deputy = person(DEPUTY, "approver")
    assert due_step(deputy, awaiting, SignerFacts(acting_for=frozenset({HEAD}))) == DueStep("approval", HEAD)
    assert refusal(deputy, awaiting, SignerFacts()) == (
        403, "Only the named approver, or a deputy to whom they delegated approval, may sign.")


def test_whoever_drafted_submitted_or_reviewed_this_round_does_not_approve():
    awaiting = version(Status.AWAITING_APPROVAL)
    deputy = person(DEPUTY, "approver", "reviewer")
    head_acts = frozenset({HEAD})
    assert refusal(deputy, awaiting, SignerFacts(acting_for=head_acts, drafted=True)) == (
        409, "The drafter of a version cannot approve it.")
    assert refusal(deputy, awaiting, SignerFacts(acting_for=head_acts, reviewed=True)) == (
        409, "A reviewer of this version cannot also approve it.")
    own_draft = version(Status.AWAITING_APPROVAL, drafter_id=HEAD)
    assert refusal(person(HEAD, "approver"), own_draft, SignerFacts()) == (
        409, "The drafter of a version cannot approve it.")


def test_a_withdrawal_is_signed_by_the_approver_asked_or_their_deputy():
    asked = version(Status.EFFECTIVE, withdrawal_approver_id=HEAD)
    assert due_step(person(HEAD, "approver"), asked, SignerFacts()) == DueStep("withdrawal", HEAD)
    assert due_step(person(DEPUTY, "approver"), asked, SignerFacts(acting_for=frozenset({HEAD}))) == DueStep(
        "withdrawal", HEAD)
    assert refusal(person(HEAD, "approver"), version(Status.EFFECTIVE), SignerFacts()) == (
        409, "Nothing on this version is waiting for a signature.")


@pytest.mark.parametrize("status", [Status.DRAFT, Status.APPROVED, Status.SUPERSEDED, Status.OBSOLETE])
def test_nothing_is_signed_outside_the_signed_steps(status):
    assert refusal(person(HEAD, "approver"), version(status), SignerFacts(named_reviewer=True)) == (
        409, "Nothing on this version is waiting for a signature.")


def test_an_administrator_never_signs_whatever_the_record_says():
    admin = person(HEAD, "admin", "approver")
    facts = SignerFacts(named_reviewer=True, acting_for=frozenset({HEAD}))
    for step in (version(Status.IN_REVIEW), version(Status.AWAITING_APPROVAL),
                 version(Status.EFFECTIVE, withdrawal_approver_id=HEAD)):
        status_code, detail = refusal(admin, step, facts)
        assert status_code == 403
        assert detail.startswith("An administrator account cannot sign.")

"""The version lifecycle: one state machine, in one place.

::

    draft ──submit──▶ in_review ──all reviewers sign──▶ awaiting_approval ──approve──▶ approved
      ▲                  │ reject                             │ reject                    │ effective date
      └──────────────────┴────────────────────────────────────┘                           ▼
                                   superseded ◀──next version── effective ──withdraw──▶ obsolete

Services never assign ``status`` directly; they call :func:`transition`, which
refuses any move not in :data:`TRANSITIONS`.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Protocol

from qms.core.errors import Conflict
from qms.core.i18n import _
from qms.documents.choices import Status


class Event(StrEnum):
    SUBMIT = "submit"
    SUBMIT_FOR_APPROVAL = "submit_for_approval"
    REVIEWS_COMPLETE = "reviews_complete"
    REJECT = "reject"
    APPROVE = "approve"
    MAKE_EFFECTIVE = "make_effective"
    SUPERSEDE = "supersede"
    WITHDRAW = "withdraw"


TRANSITIONS: dict[tuple[Status, Event], Status] = {
    (Status.DRAFT, Event.SUBMIT): Status.IN_REVIEW,
    (Status.DRAFT, Event.SUBMIT_FOR_APPROVAL): Status.AWAITING_APPROVAL,
    (Status.IN_REVIEW, Event.REVIEWS_COMPLETE): Status.AWAITING_APPROVAL,
    (Status.IN_REVIEW, Event.REJECT): Status.DRAFT,
    (Status.AWAITING_APPROVAL, Event.REJECT): Status.DRAFT,
    (Status.AWAITING_APPROVAL, Event.APPROVE): Status.APPROVED,
    (Status.APPROVED, Event.MAKE_EFFECTIVE): Status.EFFECTIVE,
    (Status.EFFECTIVE, Event.SUPERSEDE): Status.SUPERSEDED,
    (Status.EFFECTIVE, Event.WITHDRAW): Status.OBSOLETE,
}

#: Versions still on their way to becoming effective; a document has at most one.
OPEN_STATES = frozenset({Status.DRAFT, Status.IN_REVIEW, Status.AWAITING_APPROVAL, Status.APPROVED})
#: From submission on, the content is frozen and carries a content hash.
FROZEN_STATES = frozenset(Status) - {Status.DRAFT}
#: Versions that are no longer in force.
ENDED_STATES = frozenset({Status.SUPERSEDED, Status.OBSOLETE})
#: Versions that were issued: in force now or before.
ISSUED_STATES = frozenset({Status.EFFECTIVE, *ENDED_STATES})


def allowed_targets(status: Status) -> set[Status]:
    return {target for (source, _event), target in TRANSITIONS.items() if source == status}


def status_label(status: str) -> str:
    return Status.label_of(status)


class InvalidTransition(Conflict):
    """The version is not in a state that allows this action."""

    def __init__(self, status: str, event: Event) -> None:
        super().__init__(
            _("This action is not possible while the version is %(status)s.",
              status=Status.in_sentence(status))
        )
        self.status = status
        self.event = event


class HasStatus(Protocol):
    status: str


def next_status(current: str, event: Event) -> Status:
    try:
        return TRANSITIONS[(Status(current), event)]
    except (KeyError, ValueError):
        raise InvalidTransition(current, event) from None


def transition(version: HasStatus, event: Event) -> Status:
    """Move ``version`` along ``event`` or raise InvalidTransition; returns the new status."""
    target = next_status(version.status, event)
    version.status = target.value
    return target

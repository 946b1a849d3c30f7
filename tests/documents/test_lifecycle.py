"""The version state machine, checked pair by pair against the lifecycle diagram."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import product

import pytest

from qms.core.errors import Conflict
from qms.documents.choices import Status
from qms.documents.lifecycle import (
    ENDED_STATES,
    FROZEN_STATES,
    OPEN_STATES,
    TRANSITIONS,
    Event,
    InvalidTransition,
    allowed_targets,
    next_status,
    transition,
)

S, E = Status, Event

#: The diagram in DESIGN.md ("Lifecycle"), written out by hand.
DIAGRAM: dict[tuple[Status, Event], Status] = {
    (S.DRAFT, E.SUBMIT): S.IN_REVIEW,
    (S.DRAFT, E.SUBMIT_FOR_APPROVAL): S.AWAITING_APPROVAL,  # no reviewers named
    (S.IN_REVIEW, E.REVIEWS_COMPLETE): S.AWAITING_APPROVAL,
    (S.IN_REVIEW, E.REJECT): S.DRAFT,
    (S.AWAITING_APPROVAL, E.REJECT): S.DRAFT,
    (S.AWAITING_APPROVAL, E.APPROVE): S.APPROVED,
    (S.APPROVED, E.MAKE_EFFECTIVE): S.EFFECTIVE,
    (S.EFFECTIVE, E.SUPERSEDE): S.SUPERSEDED,
    (S.EFFECTIVE, E.WITHDRAW): S.OBSOLETE,
}

ALL_PAIRS = list(product(Status, Event))
ALLOWED = [pair for pair in ALL_PAIRS if pair in DIAGRAM]
REFUSED = [pair for pair in ALL_PAIRS if pair not in DIAGRAM]


@dataclass
class FakeVersion:
    status: str


def _id(pair: tuple[Status, Event]) -> str:
    return f"{pair[0].value}-{pair[1].value}"


def test_the_table_is_the_diagram() -> None:
    assert TRANSITIONS == DIAGRAM
    assert len(ALLOWED) + len(REFUSED) == len(Status) * len(Event)


@pytest.mark.parametrize("pair", ALLOWED, ids=_id)
def test_an_allowed_move_reaches_the_documented_status(pair: tuple[Status, Event]) -> None:
    status, event = pair
    version = FakeVersion(status.value)
    assert next_status(status.value, event) is DIAGRAM[pair]
    assert transition(version, event) is DIAGRAM[pair]
    assert version.status == DIAGRAM[pair].value
    assert isinstance(version.status, str)


@pytest.mark.parametrize("pair", REFUSED, ids=_id)
def test_every_other_move_is_refused_and_changes_nothing(pair: tuple[Status, Event]) -> None:
    status, event = pair
    version = FakeVersion(status.value)
    with pytest.raises(InvalidTransition) as refused:
        transition(version, event)
    assert version.status == status.value
    assert refused.value.status == status.value
    assert refused.value.event == event
    assert isinstance(refused.value, Conflict)
    assert refused.value.status_code == 409
    assert refused.value.detail  # a reason a person can read


@pytest.mark.parametrize("event", list(Event))
def test_an_unknown_status_is_refused(event: Event) -> None:
    with pytest.raises(InvalidTransition):
        next_status("archived", event)


def test_superseded_and_obsolete_are_final() -> None:
    for status in (S.SUPERSEDED, S.OBSOLETE):
        assert allowed_targets(status) == set()


def test_allowed_targets_follow_the_diagram() -> None:
    assert allowed_targets(S.DRAFT) == {S.IN_REVIEW, S.AWAITING_APPROVAL}
    assert allowed_targets(S.IN_REVIEW) == {S.AWAITING_APPROVAL, S.DRAFT}
    assert allowed_targets(S.AWAITING_APPROVAL) == {S.APPROVED, S.DRAFT}
    assert allowed_targets(S.APPROVED) == {S.EFFECTIVE}
    assert allowed_targets(S.EFFECTIVE) == {S.SUPERSEDED, S.OBSOLETE}


def test_open_states_are_those_on_the_way_to_effective() -> None:
    """Open: reachable from a draft without passing through effective, and not yet in force."""
    on_the_way = {S.DRAFT}
    frontier = [S.DRAFT]
    while frontier:
        current = frontier.pop()
        for (source, _event), target in DIAGRAM.items():
            if source == current and target != S.EFFECTIVE and target not in on_the_way:
                on_the_way.add(target)
                frontier.append(target)
    assert OPEN_STATES == on_the_way == {S.DRAFT, S.IN_REVIEW, S.AWAITING_APPROVAL, S.APPROVED}


def test_frozen_states_are_every_state_after_submission() -> None:
    assert set(Status) - {S.DRAFT} == FROZEN_STATES
    # Only an edit-able draft is reached by a rejection; everything else keeps its hash.
    assert {target for target in DIAGRAM.values()} - FROZEN_STATES == {S.DRAFT}


def test_ended_states_have_no_way_out_and_are_not_open() -> None:
    assert {S.SUPERSEDED, S.OBSOLETE} == ENDED_STATES
    assert not ENDED_STATES & OPEN_STATES
    assert all(source not in ENDED_STATES for source, _event in DIAGRAM)
    assert set(Status) == OPEN_STATES | ENDED_STATES | {S.EFFECTIVE}

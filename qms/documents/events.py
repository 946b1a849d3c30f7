"""What other capabilities hear about versions, without the lifecycle knowing them.

Distribution closes open acknowledgement tasks and flags paper copies for recall
when a version ends; periodic review resets its date when one becomes effective; the
library carries attachments over to a new draft revision.
A signed step of the workflow (submitted, reviewed, returned, reviews complete, approved)
and a delegation given are heard too: distribution tells the people whose turn it is.
Listeners run inside the transaction of the change, so they commit or roll back
with it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol, TypeVar

from sqlmodel import Session

from qms.documents.models import Document, Version


class ActorLike(Protocol):
    @property
    def id(self) -> int | None: ...
    @property
    def username(self) -> str: ...


EffectiveListener = Callable[[Session, Document, Version, Version | None, ActorLike | None], None]
EndedListener = Callable[[Session, Document, Version, ActorLike | None], None]
CreatedListener = Callable[[Session, Document, Version, Version | None, ActorLike | None], None]



@dataclass(frozen=True)
class Step:
    """A signed step: ``submitted``, ``reviewed``, ``returned``, ``reviews_complete`` or ``approved``."""

    name: str
    document: Document
    version: Version
    actor: ActorLike
    comment: str = ""


@dataclass(frozen=True)
class Delegated:
    delegation_id: int
    delegator_id: int
    delegate_id: int
    starts_on: date
    ends_on: date
    actor: ActorLike


@dataclass(frozen=True)
class ApprovalSigned:
    """The approver has just signed an approval, with their password. A listener may use the
    password within this transaction to open the approver's own signing key; none keeps it."""

    document: Document
    version: Version
    actor: ActorLike
    signer_name: str
    signer_title: str
    on_behalf_of_title: str  # the head's title when a deputy signs "KT.", else ""
    password: str = field(repr=False)


StepListener = Callable[[Session, Step], None]
ApprovalListener = Callable[[Session, ApprovalSigned], None]
DelegatedListener = Callable[[Session, Delegated], None]

_on_step: list[StepListener] = []
_on_approval_signed: list[ApprovalListener] = []
_on_delegated: list[DelegatedListener] = []
_on_effective: list[EffectiveListener] = []
_on_ended: list[EndedListener] = []
_on_created: list[CreatedListener] = []



L = TypeVar("L")


def _add(listeners: list[L], listener: L) -> L:
    """Register ``listener`` once, in the order of registration."""
    if listener not in listeners:
        listeners.append(listener)
    return listener


def on_effective(listener: EffectiveListener) -> EffectiveListener:
    """Register ``listener(session, document, version, previous, actor)``."""
    return _add(_on_effective, listener)


def on_ended(listener: EndedListener) -> EndedListener:
    """Register ``listener(session, document, version, actor)`` for superseded or withdrawn."""
    return _add(_on_ended, listener)


def on_created(listener: CreatedListener) -> CreatedListener:
    """Register ``listener(session, document, version, copied_from, actor)`` for a new draft revision."""
    return _add(_on_created, listener)


def version_effective(session: Session, document: Document, version: Version, previous: Version | None,
                      actor: ActorLike | None) -> None:
    for listener in _on_effective:
        listener(session, document, version, previous, actor)


def version_ended(session: Session, document: Document, version: Version, actor: ActorLike | None) -> None:
    for listener in _on_ended:
        listener(session, document, version, actor)


def version_created(session: Session, document: Document, version: Version, copied_from: Version | None,
                    actor: ActorLike | None) -> None:
    for listener in _on_created:
        listener(session, document, version, copied_from, actor)


def on_step(listener: StepListener) -> StepListener:
    """Register ``listener(session, step)`` for each signed step of the workflow."""
    return _add(_on_step, listener)


def on_delegated(listener: DelegatedListener) -> DelegatedListener:
    """Register ``listener(session, delegated)`` for a delegation of approval given."""
    return _add(_on_delegated, listener)


def step_done(session: Session, step: Step) -> None:
    for listener in _on_step:
        listener(session, step)


def delegation_given(session: Session, delegated: Delegated) -> None:
    for listener in _on_delegated:
        listener(session, delegated)


def on_approval_signed(listener: ApprovalListener) -> ApprovalListener:
    """Register ``listener(session, signed)`` for an approval just signed with a password."""
    return _add(_on_approval_signed, listener)


def approval_signed(session: Session, signed: ApprovalSigned) -> None:
    for listener in _on_approval_signed:
        listener(session, signed)

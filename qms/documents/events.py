"""What other capabilities hear about versions, without the lifecycle knowing them.

Distribution closes open acknowledgement tasks and flags paper copies for recall
when a version ends; periodic review resets its date when one becomes effective; the
library carries attachments over to a new draft revision.
Listeners run inside the transaction of the change, so they commit or roll back
with it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from sqlmodel import Session

from qms.documents.models import Document, Version


class ActorLike(Protocol):
    id: int | None
    username: str


EffectiveListener = Callable[[Session, Document, Version, Version | None, ActorLike | None], None]
EndedListener = Callable[[Session, Document, Version, ActorLike | None], None]
CreatedListener = Callable[[Session, Document, Version, Version | None, ActorLike | None], None]

_on_effective: list[EffectiveListener] = []
_on_ended: list[EndedListener] = []
_on_created: list[CreatedListener] = []


def on_effective(listener: EffectiveListener) -> EffectiveListener:
    """Register ``listener(session, document, version, previous, actor)``."""
    if listener not in _on_effective:
        _on_effective.append(listener)
    return listener


def on_ended(listener: EndedListener) -> EndedListener:
    """Register ``listener(session, document, version, actor)`` for superseded or withdrawn."""
    if listener not in _on_ended:
        _on_ended.append(listener)
    return listener


def on_created(listener: CreatedListener) -> CreatedListener:
    """Register ``listener(session, document, version, copied_from, actor)`` for a new draft revision."""
    if listener not in _on_created:
        _on_created.append(listener)
    return listener


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

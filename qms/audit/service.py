"""Append events to the audit chain and verify it."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from sqlalchemy import func, select, update
from sqlmodel import Session

from qms.accounts.roles import VIEW_AUDIT, require_any
from qms.audit.models import GENESIS_HASH, AuditEvent, AuditHead
from qms.db import utcnow

client_address: ContextVar[str] = ContextVar("qms_client_address", default="")


class ActorLike(Protocol):
    id: int | None
    username: str


class PrincipalLike(ActorLike, Protocol):
    roles: frozenset[str]


def canonical_details(details: dict[str, Any] | None) -> str:
    return json.dumps(details or {}, ensure_ascii=False, sort_keys=True, separators=(",", ":"),
                      default=str)


def compute_hash(event: AuditEvent) -> str:
    payload = {
        "id": event.id,
        "occurred_at": event.occurred_at.isoformat(timespec="microseconds"),
        "actor_id": event.actor_id,
        "actor_username": event.actor_username,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "details": event.details,
        "address": event.address,
        "prev_hash": event.prev_hash,
    }
    encoded = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


def _locked_head(session: Session) -> AuditHead:
    head = session.execute(
        select(AuditHead).where(AuditHead.id == 1).with_for_update()
    ).scalar_one_or_none()
    if head is None:
        head = AuditHead(id=1, last_id=0, last_hash=GENESIS_HASH)
        session.add(head)
        session.flush()
    return head


def record(
    session: Session,
    *,
    actor: ActorLike | None,
    action: str,
    object_type: str = "",
    object_id: str | int = "",
    details: dict[str, Any] | None = None,
    actor_username: str | None = None,
) -> AuditEvent:
    """Append one event in the caller's transaction (it commits or rolls back with it)."""
    head = _locked_head(session)
    event = AuditEvent(
        id=head.last_id + 1,
        occurred_at=utcnow(),
        actor_id=actor.id if actor else None,
        actor_username=actor.username if actor else (actor_username or ""),
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        details=canonical_details(details),
        address=client_address.get(),
        prev_hash=head.last_hash,
        hash="",
    )
    event.hash = compute_hash(event)
    session.add(event)
    session.execute(
        update(AuditHead).where(AuditHead.id == 1).values(last_id=event.id, last_hash=event.hash)
    )
    session.expire(head)
    session.flush()
    return event


@dataclass(frozen=True)
class ChainStatus:
    ok: bool
    events: int
    first_bad_event: int | None = None


def verify_chain(session: Session, batch_size: int = 2000) -> ChainStatus:
    """Walk the chain in id order; name the first event that is altered or out of place."""
    expected_prev = GENESIS_HASH
    expected_id = 1
    count = 0
    last_id = 0
    while True:
        batch: Sequence[AuditEvent] = session.execute(
            select(AuditEvent).where(AuditEvent.id > last_id).order_by(AuditEvent.id).limit(batch_size)
        ).scalars().all()
        if not batch:
            break
        for event in batch:
            if (
                event.id != expected_id
                or event.prev_hash != expected_prev
                or compute_hash(event) != event.hash
            ):
                return ChainStatus(ok=False, events=count, first_bad_event=event.id)
            expected_prev = event.hash
            expected_id += 1
            count += 1
            last_id = event.id
        session.expunge_all()
    head = session.get(AuditHead, 1)
    if head is None:
        # The head is written with every event; without it a cut tail would go unseen.
        if count:
            return ChainStatus(ok=False, events=count, first_bad_event=last_id + 1)
    elif head.last_id < last_id:
        # Events were added behind the head's back: the first of them is the bad one.
        return ChainStatus(ok=False, events=head.last_id, first_bad_event=head.last_id + 1)
    elif head.last_id > last_id:
        # Events are missing at the end.
        return ChainStatus(ok=False, events=count, first_bad_event=last_id + 1)
    elif head.last_hash != expected_prev:
        # The last event was rewritten, hash and all.
        return ChainStatus(ok=False, events=count - 1, first_bad_event=last_id)
    return ChainStatus(ok=True, events=count)


def check_chain(session: Session, actor: PrincipalLike) -> ChainStatus:
    require_any(actor.roles, VIEW_AUDIT)
    return verify_chain(session)


@dataclass(frozen=True)
class EventFilter:
    object: str | None = None
    actor: str | None = None
    action: str | None = None
    since: datetime | None = None
    until: datetime | None = None


def _filtered(query: Any, flt: EventFilter) -> Any:
    since, until = aware(flt.since), aware(flt.until)
    if flt.object:
        object_type, _sep, object_id = flt.object.partition(":")
        query = query.where(AuditEvent.object_type == object_type)
        if object_id:
            query = query.where(AuditEvent.object_id == object_id)
    if flt.actor:
        query = query.where(AuditEvent.actor_username == flt.actor)
    if flt.action:
        query = query.where(AuditEvent.action.startswith(flt.action, autoescape=True))
    if since:
        query = query.where(AuditEvent.occurred_at >= since)
    if until:
        query = query.where(AuditEvent.occurred_at < until)
    return query


def list_events(
    session: Session, actor: PrincipalLike, flt: EventFilter, *, limit: int = 100, offset: int = 0
) -> tuple[list[AuditEvent], int]:
    """Newest first, with the total that matches the filter."""
    require_any(actor.roles, VIEW_AUDIT)
    total = session.execute(_filtered(select(func.count()).select_from(AuditEvent), flt)).scalar_one()
    rows = session.execute(
        _filtered(select(AuditEvent), flt).order_by(AuditEvent.id.desc()).limit(limit).offset(offset)
    ).scalars().all()
    return list(rows), total


def aware(value: datetime | None) -> datetime | None:
    """A query time in UTC; one without an offset is taken as UTC.

    Times at the very ends of the calendar (year 1 east of UTC, year 9999 west of it)
    have no UTC equivalent; they mean "from the beginning" and "until the end".
    """
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    try:
        return value.astimezone(UTC)
    except OverflowError:
        return (datetime.min if value.year == datetime.min.year else datetime.max).replace(tzinfo=UTC)


"""Append events to the audit chain and verify it."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Protocol, overload
from zoneinfo import ZoneInfo

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm import SessionTransaction
from sqlmodel import Session, col

from qms.audit.anchor import AuditAnchor, JournalState, anchor_for
from qms.audit.models import GENESIS_HASH, AuditEvent, AuditHead
from qms.audit.policy import can_read_trail
from qms.core.db import utcnow
from qms.core.i18n import _
from qms.core.middleware import client_address

log = logging.getLogger(__name__)


class ActorLike(Protocol):
    @property
    def id(self) -> int | None: ...
    @property
    def username(self) -> str: ...


class PrincipalLike(ActorLike, Protocol):
    @property
    def roles(self) -> frozenset[str]: ...


def with_before(changes: dict[str, Any], before: dict[str, Any]) -> dict[str, Any]:
    """``changes`` with ``<field>_before`` for each field whose value it changes, so that the
    trail reads "field: before → after"."""
    return {**changes, **{f"{field}_before": old for field, old in before.items()
                          if field in changes and changes[field] != old}}


def canonical_details(details: dict[str, Any] | None) -> str:
    return json.dumps(details or {}, ensure_ascii=False, sort_keys=True, separators=(",", ":"),
                      default=str)


def compute_hash(event: AuditEvent, key: bytes | None = None) -> str:
    """SHA-256 of the event's canonical JSON; with ``key``, an HMAC-SHA256 under it (events
    from the journal's ``keyed-from`` on), which nobody without the data folder can forge."""
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
    encoded = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")
    if key is not None:
        return hmac.new(key, encoded, hashlib.sha256).hexdigest()
    return hashlib.sha256(encoded).hexdigest()


def _locked_head(session: Session) -> AuditHead:
    head = session.execute(
        select(AuditHead).where(col(AuditHead.id) == 1).with_for_update()
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
    anchor = anchor_for(session)
    keyed = anchor is not None and event.id >= anchor.keyed_from(event.id)
    event.hash = compute_hash(event, anchor.key() if keyed and anchor else None)
    session.add(event)
    session.execute(
        update(AuditHead).where(col(AuditHead.id) == 1).values(last_id=event.id, last_hash=event.hash)
    )
    session.expire(head)
    session.flush()
    if anchor is not None:
        session.info.setdefault(_TAILS, []).append(
            (session.get_nested_transaction(), anchor, event.id, event.hash))
    return event


_TAILS = "qms_audit_tails"


def journal_committed_head(session: OrmSession) -> None:
    """Once the events are committed, their last one goes into the journal."""
    tails = session.info.pop(_TAILS, None)
    if tails:
        _nested, anchor, event_id, event_hash = max(tails, key=lambda tail: tail[2])
        try:
            anchor.append(event_id, event_hash)
        except OSError:
            log.exception("could not append head %s to the audit journal", event_id)


def forget_rolled_back(session: OrmSession, previous: SessionTransaction) -> None:
    """Events of a rolled-back transaction, or savepoint, never reach the journal."""
    tails = session.info.get(_TAILS)
    if not tails:
        return
    if not previous.nested:
        session.info.pop(_TAILS, None)
        return

    def inside(transaction: SessionTransaction | None) -> bool:
        while transaction is not None:
            if transaction is previous:
                return True
            transaction = transaction.parent
        return False

    session.info[_TAILS] = [tail for tail in tails if not inside(tail[0])]


@dataclass(frozen=True)
class ChainStatus:
    ok: bool
    events: int
    first_bad_event: int | None = None
    #: Why it is not intact, in a few words (not compared: the event says where).
    reason: str = field(default="", compare=False)


def verify_chain(session: Session, batch_size: int = 2000, anchor: AuditAnchor | None = None) -> ChainStatus:
    """Walk the chain in id order; name the first event that is altered or out of place.

    With the anchor of the data folder, events from ``keyed-from`` on must carry the HMAC
    under the audit key, and every head the journal names must still be in the chain with
    the same hash: a tail cut off with ``audit_head`` rewound is then noticed.
    """
    anchor = anchor or anchor_for(session)
    journal = anchor.read() if anchor is not None else JournalState(keyed_from=None)
    keyed_from = journal.keyed_from
    key = anchor.stored_key() if anchor is not None and keyed_from is not None else None
    expected_prev = GENESIS_HASH
    expected_id = 1
    count = 0
    last_id = 0
    while True:
        batch: Sequence[AuditEvent] = session.execute(
            select(AuditEvent).where(col(AuditEvent.id) > last_id).order_by(col(AuditEvent.id))
            .limit(batch_size)
        ).scalars().all()
        if not batch:
            break
        for event in batch:
            keyed = keyed_from is not None and event.id >= keyed_from
            if keyed and key is None:
                return ChainStatus(ok=False, events=count, first_bad_event=event.id,
                                   reason=_("the audit key is missing from the data folder"))
            if (
                event.id != expected_id
                or event.prev_hash != expected_prev
                or compute_hash(event, key if keyed else None) != event.hash
            ):
                return ChainStatus(ok=False, events=count, first_bad_event=event.id,
                                   reason=_("event altered, removed or out of place"))
            if journal.heads.get(event.id, event.hash) != event.hash or event.id in journal.conflicts:
                return ChainStatus(ok=False, events=count, first_bad_event=event.id,
                                   reason=_("event differs from the head the journal recorded"))
            expected_prev = event.hash
            expected_id += 1
            count += 1
            last_id = event.id
        session.expunge_all()
    journal_end = max([*journal.heads, (keyed_from or 1) - 1])
    if journal_end > last_id:
        return ChainStatus(ok=False, events=count, first_bad_event=last_id + 1,
                           reason=_("events removed from the end: the journal names event %(n)s",
                                    n=journal_end))
    head = session.get(AuditHead, 1)
    if head is None:
        # The head is written with every event; without it a cut tail would go unseen.
        if count:
            return ChainStatus(ok=False, events=count, first_bad_event=last_id + 1,
                               reason=_("the chain's head is missing"))
    elif head.last_id < last_id:
        # Events were added behind the head's back: the first of them is the bad one.
        return ChainStatus(ok=False, events=head.last_id, first_bad_event=head.last_id + 1,
                           reason=_("events added behind the head"))
    elif head.last_id > last_id:
        return ChainStatus(ok=False, events=count, first_bad_event=last_id + 1,
                           reason=_("events removed from the end"))
    elif head.last_hash != expected_prev:
        # The last event was rewritten, hash and all.
        return ChainStatus(ok=False, events=count - 1, first_bad_event=last_id,
                           reason=_("the last event was rewritten"))
    return ChainStatus(ok=True, events=count)


def check_chain(session: Session, actor: PrincipalLike) -> ChainStatus:
    can_read_trail.require(actor)
    return verify_chain(session)


@dataclass(frozen=True)
class EventFilter:
    object: str | None = None
    actor: str | None = None
    action: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    #: A document code: events on the document, on its revisions ("QT-01/2") and on what
    #: names it in its details (a change request).
    document: str | None = None


def document_clause(code: str) -> Any:
    """Events about the document ``code``, whatever object they were recorded on."""
    code = code.strip().upper()
    return or_(
        and_(col(AuditEvent.object_type) == "document", col(AuditEvent.object_id) == code),
        and_(col(AuditEvent.object_type) == "version",
             col(AuditEvent.object_id).startswith(code + "/", autoescape=True)),
        col(AuditEvent.details)
        .contains(f'"document":{json.dumps(code, ensure_ascii=False)}', autoescape=True),
    )


def filtered(query: Any, flt: EventFilter) -> Any:
    """``query`` narrowed to the events ``flt`` describes."""
    since, until = aware(flt.since), aware(flt.until)
    if flt.object:
        object_type, _sep, object_id = flt.object.partition(":")
        query = query.where(AuditEvent.object_type == object_type)
        if object_id:
            query = query.where(AuditEvent.object_id == object_id)
    if flt.actor:
        query = query.where(AuditEvent.actor_username == flt.actor)
    if flt.document:
        query = query.where(document_clause(flt.document))
    if flt.action:
        query = query.where(col(AuditEvent.action).startswith(flt.action, autoescape=True))
    if since:
        query = query.where(AuditEvent.occurred_at >= since)
    if until:
        query = query.where(AuditEvent.occurred_at < until)
    return query


def list_events(
    session: Session, actor: PrincipalLike, flt: EventFilter, *, limit: int = 100, offset: int = 0
) -> tuple[list[AuditEvent], int]:
    """Newest first, with the total that matches the filter."""
    can_read_trail.require(actor)
    total = session.execute(filtered(select(func.count()).select_from(AuditEvent), flt)).scalar_one()
    rows = session.execute(
        filtered(select(AuditEvent), flt).order_by(col(AuditEvent.id).desc()).limit(limit).offset(offset)
    ).scalars().all()
    return list(rows), total


def actors(session: Session, actor: PrincipalLike) -> list[str]:
    """Every name the trail records as the one who acted, for the person filter."""
    can_read_trail.require(actor)
    return list(session.execute(
        select(col(AuditEvent.actor_username)).where(col(AuditEvent.actor_username) != "").distinct()
        .order_by(AuditEvent.actor_username)).scalars())


def first_event_at(session: Session) -> datetime | None:
    query = select(col(AuditEvent.occurred_at)).order_by(col(AuditEvent.id)).limit(1)
    return session.execute(query).scalar_one_or_none()


@overload
def aware(value: datetime) -> datetime: ...
@overload
def aware(value: None) -> None: ...
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


def day_range(since: date | None, until: date | None,
              zone: ZoneInfo) -> tuple[datetime | None, datetime | None]:
    """From the start of ``since`` to the end of ``until`` (both days included), agency time."""
    start = datetime.combine(since, time.min, zone) if since else None
    end = None
    if until and until < date.max:
        end = datetime.combine(until + timedelta(days=1), time.min, zone)
    return start, end

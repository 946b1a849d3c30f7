"""How distribution follows the lifecycle (registered by its door, ``distribution/door.py``).

- A version ends (superseded or withdrawn): its open acknowledgement tasks close and its
  controlled paper copies go on the recall list.
- A version becomes effective: if it was distributed while approved, its recipients are
  told now; otherwise it goes to the previous version's distribution (the same targets,
  expanded again today), which the quality officer can change afterwards.
"""

from __future__ import annotations

from typing import TypedDict

from sqlalchemy import select, update
from sqlmodel import Session, col

from qms.audit import service as audit
from qms.core.config import current as current_settings
from qms.core.db import rowcount, utcnow
from qms.core.errors import ValidationFailed
from qms.distribution import service, tally
from qms.distribution.choices import CopyState, TaskState
from qms.distribution.models import Acknowledgement, Distribution, PaperCopy
from qms.distribution.targets import Targets, still_valid
from qms.documents.choices import Status
from qms.documents.events import ActorLike
from qms.documents.models import Document, Version, version_ref
from qms.documents.read import version_link
from qms.notify import notifications


class _ActorFields(TypedDict):
    actor: ActorLike | None
    actor_username: str | None


def _actor_fields(actor: ActorLike | None) -> _ActorFields:
    return {"actor": actor, "actor_username": None if actor else "system"}


def close_tasks_and_recall_copies(session: Session, document: Document, version: Version,
                                  actor: ActorLike | None) -> None:
    now = utcnow()
    outcome = "superseded" if version.status == Status.SUPERSEDED else "withdrawn"
    closed = rowcount(session.execute(
        update(Acknowledgement)
        .where(col(Acknowledgement.version_id) == version.id,
               col(Acknowledgement.status) == TaskState.PENDING)
        .values(status=outcome, closed_at=now)
    ))
    copies = session.execute(
        select(PaperCopy)
        .where(col(PaperCopy.version_id) == version.id, col(PaperCopy.status) == CopyState.ISSUED)
        .order_by(col(PaperCopy.number))
    ).scalars().all()
    for copy in copies:
        copy.status = CopyState.TO_RECALL
        copy.recall_requested_at = now
    session.add_all(copies)
    session.flush()
    tally.rebuild(session, version.id)
    ref = version_ref(document, version)
    if closed:
        audit.record(session, **_actor_fields(actor), action="distribution.close", object_type="version",
                     object_id=ref, details={"outcome": outcome, "open_tasks_closed": closed})
    if copies:
        for copy in copies:
            notifications.notify_many(session, [copy.holder_id], notifications.COPY_RECALL,
                                      {"code": document.code, "revision": version.revision,
                                       "number": f"{copy.number:02d}"},
                                      link=version_link(document, version))
        audit.record(session, **_actor_fields(actor), action="paper_copy.recall_requested",
                     object_type="version", object_id=ref,
                     details={"copies": [f"{copy.number:02d}" for copy in copies], "outcome": outcome})


def distribute_new_version(session: Session, document: Document, version: Version,
                           previous: Version | None, actor: ActorLike | None) -> None:
    zone = current_settings().zone
    pending = session.execute(
        select(col(Acknowledgement.user_id), col(Acknowledgement.due_at))
        .where(col(Acknowledgement.version_id) == version.id,
               col(Acknowledgement.status) == TaskState.PENDING)
    ).all()
    if pending or _distributed(session, version):
        # Distributed while approved: the recipients can read it from today.
        if pending:
            service.notify_recipients(session, document, version, [row.user_id for row in pending],
                                      min(row.due_at for row in pending), zone)
        return
    if previous is None:
        return
    earlier = session.execute(
        select(Distribution).where(col(Distribution.version_id) == previous.id).order_by(col(Distribution.id))
    ).scalars().all()
    if not earlier:
        return
    targets = Targets()
    for distribution in earlier:
        targets = targets.merge(Targets.from_json(distribution.targets))
    targets = still_valid(session, targets)
    if targets.empty:
        return
    try:
        plan = service.plan(session, document, version, targets, earlier[-1].due_days, [], zone)
    except ValidationFailed:
        return  # nobody left to receive it; the quality officer distributes by hand
    service.issue(session, actor, plan, earlier[-1].due_days, zone=zone,  # type: ignore[arg-type]
                  carried_over_from=previous.revision)


def _distributed(session: Session, version: Version) -> bool:
    return session.execute(
        select(col(Distribution.id)).where(col(Distribution.version_id) == version.id).limit(1)
    ).first() is not None

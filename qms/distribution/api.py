"""JSON API: distribution, reading list, acknowledgement, paper-copy recall."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Path, Query

from qms.accounts.deps import CurrentUser
from qms.core.api_docs import PROTECTED, error_responses
from qms.core.clock import local_today
from qms.core.deps import SessionDep, SettingsDep
from qms.distribution import paper, reading, reports, service
from qms.distribution.schemas import (
    AcknowledgementPublic,
    AcknowledgementSummary,
    DistributionRequest,
    MarkedRead,
    MarkRead,
    NotificationPublic,
    PaperCopyPublic,
    ReadingItem,
    RecallRecord,
    RecipientPublic,
)
from qms.documents.models import Version
from qms.notify import notifications

router = APIRouter(prefix="/api/v1", tags=["distribution"], responses=error_responses(*PROTECTED))
Code = Path(min_length=1, max_length=40)
Revision = Path(ge=1, le=10_000)
VERSION = "/documents/{code}/versions/{rev}"


@router.post(VERSION + "/distribution", response_model=list[RecipientPublic])
def distribute(body: DistributionRequest, session: SessionDep, user: CurrentUser, settings: SettingsDep,
               code: str = Code, rev: int = Revision,
               dry_run: bool = Query(False, description="only expand the targets; write nothing")
               ) -> list[RecipientPublic]:
    """Distribute the version; answers the expanded list of recipients (``new`` is false for
    those who had already received it)."""
    action = service.preview if dry_run else service.distribute
    plan = action(session, user, code, rev, body, settings.zone)
    due_at = plan.due_at.astimezone(settings.zone)
    return [RecipientPublic(username=r.person.username, full_name=r.person.full_name, unit=r.unit_code,
                            due_at=due_at, new=r.new) for r in plan.recipients]


def _local(value: datetime | None, settings: Any) -> str | None:
    return value.astimezone(settings.zone).isoformat() if value else None


@router.get(VERSION + "/distribution")
def distribution_record(session: SessionDep, user: CurrentUser, settings: SettingsDep, code: str = Code,
                        rev: int = Revision) -> dict[str, Any]:
    """The distribution record of the version: each distribution, recipient and paper copy."""
    record = reports.distribution_record(session, user, code, rev)
    return {
        "code": record.code, "revision": record.revision, "status": record.status,
        "distributions": [{
            "created_at": _local(d.created_at, settings), "created_by": d.created_by or "system",
            "units": [{"code": c, "include_subunits": s} for c, s in d.targets.units],
            "roles": list(d.targets.roles), "users": list(d.targets.users),
            "due_at": _local(d.due_at, settings), "recipients_added": d.recipients_added,
            "carried_over_from": d.carried_over_from,
        } for d in record.distributions],
        "recipients": [{
            "username": r.username, "full_name": r.full_name, "unit": r.unit_code, "status": r.status,
            "due_at": _local(r.due_at, settings), "acknowledged_at": _local(r.acknowledged_at, settings),
            "late": r.late,
        } for r in record.recipients],
        "paper_copies": [PaperCopyPublic(
            number=c.label, holder=c.holder, holder_name=c.holder_name, status=c.status,
            issued_at=c.issued_at.astimezone(settings.zone), recalled_on=c.recalled_on,
        ).model_dump(mode="json") for c in record.paper_copies],
    }


@router.get("/me/reading-list", response_model=list[ReadingItem])
def reading_list(session: SessionDep, user: CurrentUser, settings: SettingsDep) -> list[ReadingItem]:
    """The caller's open acknowledgement tasks, overdue first."""
    items = reading.reading_list(session, user)
    return [item.model_copy(update={"due_at": item.due_at.astimezone(settings.zone)}) for item in items]


@router.get("/me/notifications", response_model=list[NotificationPublic])
def my_notifications(session: SessionDep, user: CurrentUser, settings: SettingsDep,
                     unread: bool = Query(False, description="only those not read yet"),
                     limit: int | None = Query(None, ge=1, le=200, description="at most this many (25)"),
                     offset: int | None = Query(None, ge=0, le=1_000_000)) -> list[NotificationPublic]:
    """The caller's notifications, newest first."""
    page = notifications.list_notifications(session, user, limit=limit, offset=offset, unread=unread)
    return [NotificationPublic(id=n.id, kind=n.kind, text=n.text, link=n.link,
                               created_at=n.created_at.astimezone(settings.zone), read=n.read)
            for n in page.items]


@router.post("/me/notifications/read", response_model=MarkedRead)
def read_notifications(body: MarkRead, session: SessionDep, user: CurrentUser) -> MarkedRead:
    """Mark the listed notifications read, or all the caller's when ``ids`` is absent."""
    return MarkedRead(marked=notifications.mark_read(session, user, ids=body.ids))


@router.post(VERSION + "/acknowledge", response_model=AcknowledgementPublic)
def acknowledge(session: SessionDep, user: CurrentUser, settings: SettingsDep, code: str = Code,
                rev: int = Revision) -> AcknowledgementPublic:
    """Read and understood; idempotent. 403 when the version was not distributed to the caller,
    409 when it is no longer in force."""
    task = service.acknowledge(session, user, code, rev)
    return AcknowledgementPublic(code=code.upper(), revision=rev, status=task.status,
                                 acknowledged_at=task.acknowledged_at.astimezone(settings.zone)
                                 if task.acknowledged_at else None)


@router.get(VERSION + "/acknowledgements", response_model=AcknowledgementSummary)
def acknowledgements(session: SessionDep, user: CurrentUser, code: str = Code,
                     rev: int = Revision) -> AcknowledgementSummary:
    """How many recipients of a version have acknowledged it, who has not yet, and the counts by unit."""
    return reports.acknowledgement_summary(session, user, code, rev)


@router.post(VERSION + "/paper-copies/{number}/recall", response_model=PaperCopyPublic)
def recall_copy(body: RecallRecord, session: SessionDep, user: CurrentUser, settings: SettingsDep,
                code: str = Code, rev: int = Revision,
                number: int = Path(ge=1, le=10_000)) -> PaperCopyPublic:
    """Record a controlled copy of a version no longer in force as returned or destroyed."""
    copy = paper.record_recall(session, user, code, rev, number, body, local_today(settings.zone))
    version = session.get(Version, copy.version_id)
    assert version is not None  # the copy's foreign key
    row = next(c for c in paper.copies_of(session, version) if c.number == number)
    return PaperCopyPublic(number=row.label, holder=row.holder, holder_name=row.holder_name,
                           status=row.status, issued_at=row.issued_at.astimezone(settings.zone),
                           recalled_on=row.recalled_on)


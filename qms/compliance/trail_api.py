"""JSON API: the audit trail and its verification."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Query

from qms.accounts.deps import CurrentUser
from qms.audit import service
from qms.audit.schemas import AuditEventPublic, to_public
from qms.core.api_docs import error_responses
from qms.core.deps import SessionDep, SettingsDep
from qms.documents.integrity import check_integrity
from qms.files.storage import file_store

router = APIRouter(prefix="/api/v1/audit", tags=["audit"], responses=error_responses(401, 403, 422))


@router.get("", response_model=list[AuditEventPublic])
def list_audit_events(
    session: SessionDep,
    user: CurrentUser,
    object: str | None = Query(None, max_length=200, description="type or type:id, e.g. user:iso"),
    actor: str | None = Query(None, max_length=64),
    document: str | None = Query(None, max_length=40,
                                 description="a document code: events on it and its revisions"),
    action: str | None = Query(None, max_length=64, description="action or its prefix"),
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = Query(100, ge=1, le=1000),
    offset: int = Query(0, ge=0, le=1_000_000_000),
) -> list[AuditEventPublic]:
    """Events of the hash-chained audit trail, filtered by object, actor and date (auditor,
    administrator)."""
    events, _total = service.list_events(
        session, user,
        service.EventFilter(object=object, actor=actor, action=action, since=since, until=until,
                            document=(document or "").strip().upper() or None),
        limit=limit, offset=offset,
    )
    return [to_public(event) for event in events]


@router.get("/verify")
def verify_audit_chain(session: SessionDep, user: CurrentUser, settings: SettingsDep) -> dict[str, Any]:
    """The chain, and every version from submission on with its stored files, as stored now."""
    return check_integrity(session, user, file_store(settings)).as_json()

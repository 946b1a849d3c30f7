from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from pydantic import BaseModel

from qms.audit.models import AuditEvent


class AuditEventPublic(BaseModel):
    id: int
    occurred_at: datetime
    actor: str
    action: str
    object_type: str
    object_id: str
    details: dict[str, Any]
    address: str
    hash: str
    prev_hash: str


def to_public(event: AuditEvent) -> AuditEventPublic:
    return AuditEventPublic(
        id=event.id, occurred_at=event.occurred_at, actor=event.actor_username,
        action=event.action, object_type=event.object_type, object_id=event.object_id,
        details=json.loads(event.details), address=event.address, hash=event.hash,
        prev_hash=event.prev_hash,
    )

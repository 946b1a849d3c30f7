from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Index, Integer, Text
from sqlmodel import Field, SQLModel

from qms.core.db import UTCDateTime, utcnow

GENESIS_HASH = "0" * 64


class AuditEvent(SQLModel, table=True):
    """One recorded action. Rows are only ever inserted; ``hash`` chains them."""

    __tablename__ = "audit_event"
    __table_args__ = (
        Index("ix_audit_event_object", "object_type", "object_id"),
        Index("ix_audit_event_actor_username", "actor_username"),
        Index("ix_audit_event_occurred_at", "occurred_at"),
    )

    id: int = Field(sa_column=Column(Integer, primary_key=True, autoincrement=False))
    occurred_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    actor_id: int | None = Field(default=None)
    actor_username: str = Field(default="", max_length=64)
    action: str = Field(max_length=64)
    object_type: str = Field(default="", max_length=40)
    object_id: str = Field(default="", max_length=120)
    details: str = Field(default="{}", sa_column=Column(Text, nullable=False))
    address: str = Field(default="", max_length=64)
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)


class AuditHead(SQLModel, table=True):
    """The chain's last link; locking this row serialises writers of the chain."""

    __tablename__ = "audit_head"

    id: int = Field(default=1, primary_key=True)
    last_id: int = Field(default=0)
    last_hash: str = Field(default=GENESIS_HASH, max_length=64)

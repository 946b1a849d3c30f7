"""Tables of the document library: attachments, periodic reviews and change requests."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Column, Date, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from qms.core.db import UTCDateTime, foreign_key, one_of, utcnow
from qms.library.choices import RequestStatus, ReviewOutcome

REVIEW_OUTCOMES = ReviewOutcome.values()
REQUEST_STATUSES = RequestStatus.values()


class Attachment(SQLModel, table=True):
    """A file attached to a version (the fillable form, an annex); the bytes are in the file
    store under ``sha256``; ``name`` is for display and download only."""

    __tablename__ = "attachment"
    __table_args__ = (UniqueConstraint("version_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    version_id: int = Field(sa_column=foreign_key("document_version.id", ondelete="CASCADE", index=False))
    name: str = Field(max_length=160)
    sha256: str = Field(max_length=64, index=True)
    size: int
    media_type: str = Field(max_length=120)
    uploaded_by_id: int = Field(sa_column=foreign_key("user_account.id", index=False))
    uploaded_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class PeriodicReview(SQLModel, table=True):
    """The outcome of a periodic review of a document, as the quality officer recorded it."""

    __tablename__ = "periodic_review"
    __table_args__ = (CheckConstraint(f"outcome IN ({one_of(REVIEW_OUTCOMES)})", name="known_outcome"),)

    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(sa_column=foreign_key("document.id", ondelete="CASCADE"))
    revision: int | None = None
    outcome: str = Field(max_length=12)
    comment: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    due_on: date | None = Field(default=None, sa_column=Column(Date, nullable=True))
    next_review_on: date | None = Field(default=None, sa_column=Column(Date, nullable=True))
    opened_revision: int | None = None
    reviewed_by_id: int = Field(sa_column=foreign_key("user_account.id", index=False))
    signer_name: str = Field(max_length=120)
    signer_title: str = Field(default="", max_length=120)
    signed: bool = False
    reviewed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ChangeRequest(SQLModel, table=True):
    """A request to change a document (phiếu đề nghị sửa đổi tài liệu) and its outcome."""

    __tablename__ = "change_request"
    __table_args__ = (
        CheckConstraint(f"status IN ({one_of(REQUEST_STATUSES)})", name="known_status"),
        Index("ix_change_request_status_created_at", "status", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(sa_column=foreign_key("document.id", ondelete="CASCADE"))
    revision: int | None = None
    requested_by_id: int = Field(sa_column=foreign_key("user_account.id"))
    reason: str = Field(sa_column=Column(Text, nullable=False))
    proposal: str = Field(sa_column=Column(Text, nullable=False))
    status: str = Field(default="open", max_length=10)
    decided_by_id: int | None = Field(default=None, sa_column=foreign_key("user_account.id", nullable=True,
                                                                  index=False))
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    decision_comment: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    version_id: int | None = Field(default=None, sa_column=foreign_key("document_version.id", nullable=True,
                                                               ondelete="SET NULL"))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


__all__ = [
    "REQUEST_STATUSES",
    "REVIEW_OUTCOMES",
    "Attachment",
    "ChangeRequest",
    "PeriodicReview",
]

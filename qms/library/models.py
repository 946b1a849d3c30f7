"""Tables of the document library: attachments, external documents, the records register
and its yearly approval, periodic reviews and change requests."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Column, Date, ForeignKey, Index, Integer, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from qms.db import UTCDateTime, utcnow

EXTERNAL_STATUSES = ("in_force", "amended", "expired")
MEDIA = ("paper", "electronic", "both")
DISPOSALS = ("destroy", "archive_agency", "archive_historical", "reappraise")
REVIEW_OUTCOMES = ("no_change", "revise", "withdraw")
REQUEST_STATUSES = ("open", "accepted", "rejected", "closed")


def _in(values: tuple[str, ...]) -> str:
    return ", ".join(f"'{value}'" for value in values)


def _fk(target: str, *, nullable: bool = False, ondelete: str = "RESTRICT",
        index: bool = True) -> Column[int]:
    return Column(Integer, ForeignKey(target, ondelete=ondelete), nullable=nullable, index=index)


class Attachment(SQLModel, table=True):
    """A file attached to a version (the fillable form, an annex); the bytes are in the file
    store under ``sha256``; ``name`` is for display and download only."""

    __tablename__ = "attachment"
    __table_args__ = (UniqueConstraint("version_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    version_id: int = Field(sa_column=_fk("document_version.id", ondelete="CASCADE", index=False))
    name: str = Field(max_length=160)
    sha256: str = Field(max_length=64, index=True)
    size: int
    media_type: str = Field(max_length=120)
    uploaded_by_id: int = Field(sa_column=_fk("user_account.id", index=False))
    uploaded_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ExternalDetails(SQLModel, table=True):
    """What identifies an external document (law, decree, circular, standard)."""

    __tablename__ = "external_details"
    __table_args__ = (CheckConstraint(f"status IN ({_in(EXTERNAL_STATUSES)})", name="known_status"),)

    document_id: int = Field(
        sa_column=Column(Integer, ForeignKey("document.id", ondelete="CASCADE"), primary_key=True)
    )
    number: str = Field(default="", max_length=80, index=True)
    issuer: str = Field(default="", max_length=200)
    issued_on: date | None = Field(default=None, sa_column=Column(Date, nullable=True))
    status: str = Field(default="in_force", max_length=12)
    replaced_by: str = Field(default="", max_length=120)
    status_changed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class RecordEntry(SQLModel, table=True):
    """A line of the records register (danh mục hồ sơ): a record a procedure produces."""

    __tablename__ = "record_entry"
    __table_args__ = (
        CheckConstraint("(permanent AND retention_years IS NULL) OR "
                        "(NOT permanent AND retention_years BETWEEN 1 AND 100)", name="retention"),
        CheckConstraint(f"medium IN ({_in(MEDIA)})", name="known_medium"),
        CheckConstraint(f"disposal IN ({_in(DISPOSALS)})", name="known_disposal"),
        Index("ix_record_entry_document_position", "document_id", "position"),
    )

    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(sa_column=_fk("document.id", ondelete="CASCADE", index=False))
    position: int = 0
    name: str = Field(max_length=300)
    keeping_unit_id: int = Field(sa_column=_fk("unit.id"))
    permanent: bool = False
    retention_years: int | None = None
    category: str = Field(default="", max_length=40)
    medium: str = Field(default="paper", max_length=12)
    disposal: str = Field(default="destroy", max_length=20)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class RetentionCategory(SQLModel, table=True):
    """A retention category the agency added to those shipped with qms (for instance an item
    of the table of Thông tư 10/2022/TT-BNV, or of its own sector's rules)."""

    __tablename__ = "retention_category"
    __table_args__ = (
        CheckConstraint("(permanent AND years IS NULL) OR (NOT permanent AND years BETWEEN 1 AND 100)",
                        name="period"),
    )

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=40, unique=True)
    name: str = Field(max_length=300)
    permanent: bool = False
    years: int | None = None
    basis: str = Field(default="", max_length=300)
    created_by_id: int = Field(sa_column=_fk("user_account.id", index=False))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class RecordsListApproval(SQLModel, table=True):
    """The head of agency's signature on the records list of a year, over its rows' hash."""

    __tablename__ = "records_list_approval"

    id: int | None = Field(default=None, primary_key=True)
    year: int = Field(index=True)
    content_hash: str = Field(max_length=64)
    rows: str = Field(sa_column=Column(Text, nullable=False))
    approved_by_id: int = Field(sa_column=_fk("user_account.id", index=False))
    signer_name: str = Field(max_length=120)
    signer_title: str = Field(default="", max_length=120)
    comment: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    approved_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class PeriodicReview(SQLModel, table=True):
    """The outcome of a periodic review of a document, as the quality officer recorded it."""

    __tablename__ = "periodic_review"
    __table_args__ = (CheckConstraint(f"outcome IN ({_in(REVIEW_OUTCOMES)})", name="known_outcome"),)

    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(sa_column=_fk("document.id", ondelete="CASCADE"))
    revision: int | None = None
    outcome: str = Field(max_length=12)
    comment: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    due_on: date | None = Field(default=None, sa_column=Column(Date, nullable=True))
    next_review_on: date | None = Field(default=None, sa_column=Column(Date, nullable=True))
    opened_revision: int | None = None
    reviewed_by_id: int = Field(sa_column=_fk("user_account.id", index=False))
    signer_name: str = Field(max_length=120)
    signer_title: str = Field(default="", max_length=120)
    signed: bool = False
    reviewed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ChangeRequest(SQLModel, table=True):
    """A request to change a document (phiếu đề nghị sửa đổi tài liệu) and its outcome."""

    __tablename__ = "change_request"
    __table_args__ = (
        CheckConstraint(f"status IN ({_in(REQUEST_STATUSES)})", name="known_status"),
        Index("ix_change_request_status_created_at", "status", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(sa_column=_fk("document.id", ondelete="CASCADE"))
    revision: int | None = None
    requested_by_id: int = Field(sa_column=_fk("user_account.id"))
    reason: str = Field(sa_column=Column(Text, nullable=False))
    proposal: str = Field(sa_column=Column(Text, nullable=False))
    status: str = Field(default="open", max_length=10)
    decided_by_id: int | None = Field(default=None, sa_column=_fk("user_account.id", nullable=True,
                                                                  index=False))
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    decision_comment: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    version_id: int | None = Field(default=None, sa_column=_fk("document_version.id", nullable=True,
                                                               ondelete="SET NULL"))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


__all__ = [
    "DISPOSALS",
    "EXTERNAL_STATUSES",
    "MEDIA",
    "REQUEST_STATUSES",
    "REVIEW_OUTCOMES",
    "Attachment",
    "ChangeRequest",
    "ExternalDetails",
    "PeriodicReview",
    "RecordEntry",
    "RecordsListApproval",
]

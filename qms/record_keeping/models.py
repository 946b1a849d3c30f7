"""Tables of record keeping: the records register (danh mục hồ sơ), the agency's own retention
categories and the yearly approval of the records list."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Column, Index, Text
from sqlmodel import Field, SQLModel

from qms.core.db import UTCDateTime, foreign_key, one_of, utcnow
from qms.record_keeping.choices import Disposal, Medium

MEDIA = Medium.values()


DISPOSALS = Disposal.values()


class RecordEntry(SQLModel, table=True):
    """A line of the records register (danh mục hồ sơ): a record a procedure produces."""

    __tablename__ = "record_entry"
    __table_args__ = (
        CheckConstraint("(permanent AND retention_years IS NULL) OR "
                        "(NOT permanent AND retention_years BETWEEN 1 AND 100)", name="retention"),
        CheckConstraint(f"medium IN ({one_of(MEDIA)})", name="known_medium"),
        CheckConstraint(f"disposal IN ({one_of(DISPOSALS)})", name="known_disposal"),
        Index("ix_record_entry_document_position", "document_id", "position"),
    )

    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(sa_column=foreign_key("document.id", ondelete="CASCADE", index=False))
    position: int = 0
    name: str = Field(max_length=300)
    keeping_unit_id: int = Field(sa_column=foreign_key("unit.id"))
    permanent: bool = False
    retention_years: int | None = None
    category: str = Field(default="", max_length=40)
    medium: str = Field(default=Medium.PAPER, max_length=12)
    disposal: str = Field(default=Disposal.DESTROY, max_length=20)
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
    created_by_id: int = Field(sa_column=foreign_key("user_account.id", index=False))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class RecordsListApproval(SQLModel, table=True):
    """The head of agency's signature on the records list of a year, over its rows' hash."""

    __tablename__ = "records_list_approval"

    id: int | None = Field(default=None, primary_key=True)
    year: int = Field(index=True)
    content_hash: str = Field(max_length=64)
    rows: str = Field(sa_column=Column(Text, nullable=False))
    approved_by_id: int = Field(sa_column=foreign_key("user_account.id", index=False))
    signer_name: str = Field(max_length=120)
    signer_title: str = Field(default="", max_length=120)
    comment: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    approved_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)

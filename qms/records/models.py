"""The signed PDF of each version, kept content-addressed in the file storage."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, Integer
from sqlmodel import Field, SQLModel

from qms.db import UTCDateTime, utcnow


class SignedRecord(SQLModel, table=True):
    """The PDF of a version as issued, signed once with the agency certificate (PAdES)."""

    __tablename__ = "signed_record"

    id: int | None = Field(default=None, primary_key=True)
    version_id: int = Field(sa_column=Column(Integer, ForeignKey("document_version.id", ondelete="CASCADE"),
                                             nullable=False, unique=True))
    sha256: str = Field(max_length=64, index=True)
    size: int
    signed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    signer: str = Field(max_length=200)
    certificate_sha256: str = Field(max_length=64)
    demo: bool = Field(default=False)

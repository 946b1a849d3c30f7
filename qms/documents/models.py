from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlmodel import Field, SQLModel

from qms.core.db import UTCDateTime, foreign_key, one_of, utcnow
from qms.documents.choices import Confidentiality, ExternalStatus, Kind, Meaning, Section, Status
from qms.documents.lifecycle import OPEN_STATES

KINDS = Kind.values()
CONFIDENTIALITY = Confidentiality.values()
SECTIONS = Section.values()
MEANINGS = Meaning.values()
#: What each version keeps a copy of and signs with its content. The review interval, the parent,
#: the readers of a restricted document and the external details stay on the document: they are
#: settings of how the library manages it, not part of the text a signer vouches for.
SIGNED_METADATA = ("title", "kind", "owner_unit_id", "confidentiality")

_STATUS_VALUES = one_of(Status.values())
_OPEN_VALUES = ", ".join(f"'{s.value}'" for s in OPEN_STATES)


class Document(SQLModel, table=True):
    __tablename__ = "document"
    __table_args__ = (
        CheckConstraint(f"kind IN ({one_of(KINDS)})", name="known_kind"),
        CheckConstraint(f"confidentiality IN ({one_of(CONFIDENTIALITY)})", name="known_confidentiality"),
        CheckConstraint("review_interval_months BETWEEN 1 AND 120", name="review_interval"),
    )

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=40, unique=True)
    title: str = Field(max_length=300)
    kind: str = Field(max_length=20, index=True)
    owner_unit_id: int = Field(sa_column=foreign_key("unit.id"))
    confidentiality: str = Field(default=Confidentiality.INTERNAL, max_length=12)
    review_interval_months: int = Field(default=12)
    parent_id: int | None = Field(default=None, sa_column=foreign_key("document.id", nullable=True))
    latest_version_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("document_version.id", use_alter=True,
                                             name="fk_document_latest_version_id_document_version",
                                             ondelete="SET NULL"),
                         nullable=True),
    )
    effective_version_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("document_version.id", use_alter=True,
                                             name="fk_document_effective_version_id_document_version",
                                             ondelete="SET NULL"),
                         nullable=True),
    )
    needs_review: bool = Field(default=False)
    next_review_on: date | None = Field(default=None, sa_column=Column(Date, nullable=True))
    search_code: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    search_title: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    search_text: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class DocumentUnit(SQLModel, table=True):
    """For a restricted document: the units whose members may read it."""

    __tablename__ = "document_unit"

    document_id: int = Field(
        sa_column=Column(Integer, ForeignKey("document.id", ondelete="CASCADE"), primary_key=True)
    )
    unit_id: int = Field(
        sa_column=Column(Integer, ForeignKey("unit.id", ondelete="CASCADE"), primary_key=True)
    )


class Version(SQLModel, table=True):
    __tablename__ = "document_version"
    __table_args__ = (
        UniqueConstraint("document_id", "revision"),
        CheckConstraint(f"status IN ({_STATUS_VALUES})", name="known_status"),
        # Exactly one effective version, and at most one open (draft … approved) version.
        Index("uq_document_version_one_effective", "document_id", unique=True,
              sqlite_where=text("status = 'effective'"), postgresql_where=text("status = 'effective'")),
        Index("uq_document_version_one_open", "document_id", unique=True,
              sqlite_where=text(f"status IN ({_OPEN_VALUES})"),
              postgresql_where=text(f"status IN ({_OPEN_VALUES})")),
        Index("ix_document_version_status_effective_date", "status", "effective_date"),
    )

    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(sa_column=foreign_key("document.id", ondelete="CASCADE", index=False))
    revision: int
    status: str = Field(default=Status.DRAFT.value, max_length=20)
    # The metadata signed with this revision (see ``content.content_hash``). The document shows
    # those of its version in force, or of its draft while it has none.
    title: str = Field(default="", sa_column=Column(String(300), nullable=False, server_default=""))
    kind: str = Field(default="", sa_column=Column(String(20), nullable=False, server_default=""))
    # No ON DELETE clause: SQLite keeps none it could report for a column added to a table.
    owner_unit_id: int | None = Field(default=None,
                                      sa_column=Column(Integer, ForeignKey("unit.id"), nullable=True))
    confidentiality: str = Field(default="", sa_column=Column(String(12), nullable=False, server_default=""))
    purpose: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    scope: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    references: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    definitions: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    content: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    forms: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    records: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    change_summary: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    changed_sections: str = Field(default="", max_length=300)
    effective_date: date | None = Field(default=None, sa_column=Column(Date, nullable=True))
    content_hash: str | None = Field(default=None, max_length=64)
    #: How ``content_hash`` was computed (``content.HASH_SCHEMES``); set when the content is frozen.
    hash_scheme: int | None = Field(default=None)
    lock_version: int = Field(default=1)
    review_round: int = Field(default=0)
    drafter_id: int = Field(sa_column=foreign_key("user_account.id"))
    approver_id: int | None = Field(default=None, sa_column=foreign_key("user_account.id", nullable=True))
    submitted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    approved_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    effective_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    ended_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    withdrawal_reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    withdrawal_requested_by_id: int | None = Field(
        default=None, sa_column=foreign_key("user_account.id", nullable=True))
    withdrawal_approver_id: int | None = Field(
        default=None, sa_column=foreign_key("user_account.id", nullable=True))
    withdrawal_requested_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)

    def section_map(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in SECTIONS}

    def take_metadata(self, source: Document | Version) -> None:
        """Copy the signed metadata of ``source`` (a document, or another version)."""
        for name in SIGNED_METADATA:
            setattr(self, name, getattr(source, name))


class VersionStep(SQLModel, table=True):
    """One row of a procedure's process steps table."""

    __tablename__ = "version_step"

    version_id: int = Field(
        sa_column=Column(Integer, ForeignKey("document_version.id", ondelete="CASCADE"), primary_key=True)
    )
    position: int = Field(sa_column=Column(Integer, primary_key=True, autoincrement=False))
    step: str = Field(default="", max_length=40)
    responsibility: str = Field(default="", max_length=300)
    task: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    duration: str = Field(default="", max_length=100)
    output: str = Field(default="", max_length=500)


class VersionReviewer(SQLModel, table=True):
    """A reviewer named when the version was submitted."""

    __tablename__ = "version_reviewer"

    version_id: int = Field(
        sa_column=Column(Integer, ForeignKey("document_version.id", ondelete="CASCADE"), primary_key=True)
    )
    user_id: int = Field(
        sa_column=Column(Integer, ForeignKey("user_account.id", ondelete="RESTRICT"), primary_key=True)
    )
    position: int = 0


class Signature(SQLModel, table=True):
    """An electronic signature: who, when, what it means, and the content hash signed."""

    __tablename__ = "signature"
    __table_args__ = (
        CheckConstraint(f"meaning IN ({one_of(MEANINGS)})", name="known_meaning"),
        CheckConstraint("purpose IN ('issue', 'withdrawal')", name="known_purpose"),
    )

    id: int | None = Field(default=None, primary_key=True)
    version_id: int = Field(sa_column=foreign_key("document_version.id", ondelete="CASCADE"))
    user_id: int = Field(sa_column=foreign_key("user_account.id"))
    on_behalf_of_id: int | None = Field(
        default=None, sa_column=foreign_key("user_account.id", nullable=True, index=False))
    meaning: str = Field(max_length=12)
    purpose: str = Field(default="issue", max_length=12)
    review_round: int = 0
    signed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    comment: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    content_hash: str = Field(max_length=64)
    signer_name: str = Field(max_length=120)
    signer_title: str = Field(default="", max_length=120)
    on_behalf_of_title: str = Field(default="", max_length=120)


class RevisionHistory(SQLModel, table=True):
    """A line of the "Bảng theo dõi sửa đổi": one per revision that became effective."""

    __tablename__ = "revision_history"
    __table_args__ = (UniqueConstraint("document_id", "revision"),)

    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(sa_column=foreign_key("document.id", ondelete="CASCADE", index=False))
    revision: int
    effective_date: date = Field(sa_column=Column(Date, nullable=False))
    change_summary: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    changed_sections: str = Field(default="", max_length=300)


class Delegation(SQLModel, table=True):
    """The head of agency lets a deputy approve on their behalf within a date range."""

    __tablename__ = "delegation"
    __table_args__ = (CheckConstraint("ends_on >= starts_on", name="date_order"),)

    id: int | None = Field(default=None, primary_key=True)
    delegator_id: int = Field(sa_column=foreign_key("user_account.id"))
    delegate_id: int = Field(sa_column=foreign_key("user_account.id"))
    starts_on: date = Field(sa_column=Column(Date, nullable=False))
    ends_on: date = Field(sa_column=Column(Date, nullable=False))
    note: str = Field(default="", max_length=300)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


__all__ = [
    "CONFIDENTIALITY",
    "KINDS",
    "MEANINGS",
    "SECTIONS",
    "SIGNED_METADATA",
    "Delegation",
    "Document",
    "DocumentUnit",
    "RevisionHistory",
    "Signature",
    "Version",
    "VersionReviewer",
    "VersionStep",
]


def version_ref(document: Document, version: Version) -> str:
    """How a version is named in the audit trail and in messages: "QT-01/2"."""
    return f"{document.code}/{version.revision}"


EXTERNAL_STATUSES = ExternalStatus.values()


class ExternalDetails(SQLModel, table=True):
    """What identifies an external document (law, decree, circular, standard)."""

    __tablename__ = "external_details"
    __table_args__ = (CheckConstraint(f"status IN ({one_of(EXTERNAL_STATUSES)})", name="known_status"),)

    document_id: int = Field(
        sa_column=Column(Integer, ForeignKey("document.id", ondelete="CASCADE"), primary_key=True)
    )
    number: str = Field(default="", max_length=80, index=True)
    issuer: str = Field(default="", max_length=200)
    issued_on: date | None = Field(default=None, sa_column=Column(Date, nullable=True))
    status: str = Field(default=ExternalStatus.IN_FORCE, max_length=12)
    replaced_by: str = Field(default="", max_length=120)
    status_changed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)

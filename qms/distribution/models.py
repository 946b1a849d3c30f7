"""Tables of distribution: who received which version, who acknowledged it, and paper copies."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    Text,
    UniqueConstraint,
)
from sqlmodel import Field, SQLModel

from qms.core.db import UTCDateTime, foreign_key, one_of, utcnow
from qms.distribution.choices import STORED_TASK_STATES, CopyState, TaskState

#: An acknowledgement task is open while ``pending``; the others are final.
TASK_STATES = tuple(state.value for state in STORED_TASK_STATES)
COPY_STATES = CopyState.values()


def task_state(status: str, due_at: datetime, acknowledged_at: datetime | None, now: datetime) -> str:
    """What a task is shown as: ``overdue`` while pending past its due time, ``acknowledged_late``
    when acknowledged after it, else its status."""
    if status == TaskState.PENDING and due_at < now:
        return TaskState.OVERDUE
    if status == TaskState.ACKNOWLEDGED and acknowledged_at is not None and acknowledged_at > due_at:
        return TaskState.ACKNOWLEDGED_LATE
    return status


class Distribution(SQLModel, table=True):
    """One act of distribution of a version: its targets as given, expanded at that moment."""

    __tablename__ = "distribution"

    id: int | None = Field(default=None, primary_key=True)
    version_id: int = Field(sa_column=foreign_key("document_version.id", ondelete="CASCADE"))
    #: JSON: {"units": [{"code", "subunits"}], "roles": [...], "users": [...]}
    targets: str = Field(default="{}", sa_column=Column(Text, nullable=False))
    due_days: int
    due_at: datetime = Field(sa_type=UTCDateTime)
    recipients_added: int = 0
    #: The revision whose distribution this one repeats when a new version came into force.
    carried_over_from: int | None = None
    created_by_id: int | None = Field(default=None, sa_column=foreign_key("user_account.id", nullable=True,
                                                                  index=False))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Acknowledgement(SQLModel, table=True):
    """A recipient's task to read a version and confirm it ("đã đọc và hiểu").

    ``unit_id`` is the recipient's unit when the version was distributed: the record of who
    received what does not change when people move, and the dashboard groups by it
    without joining the users (the SQLite planner trap of TECH-NOTES).
    """

    __tablename__ = "acknowledgement"
    __table_args__ = (
        UniqueConstraint("version_id", "user_id"),
        CheckConstraint(f"status IN ({one_of(TASK_STATES)})", name="known_status"),
        Index("ix_acknowledgement_user_status", "user_id", "status"),
        Index("ix_acknowledgement_version_tally", "version_id", "status", "unit_id", "due_at"),
        Index("ix_acknowledgement_unit_tally", "unit_id", "status", "version_id", "due_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    version_id: int = Field(sa_column=foreign_key("document_version.id", ondelete="CASCADE", index=False))
    user_id: int = Field(sa_column=foreign_key("user_account.id", ondelete="CASCADE", index=False))
    unit_id: int = Field(sa_column=foreign_key("unit.id", index=False))
    distribution_id: int = Field(sa_column=foreign_key("distribution.id", ondelete="CASCADE"))
    status: str = Field(default="pending", max_length=16)
    assigned_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    due_at: datetime = Field(sa_type=UTCDateTime)
    acknowledged_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_reminded_on: date | None = Field(default=None, sa_column=Column(Date, nullable=True))
    reminders_sent: int = 0


class AcknowledgementTally(SQLModel, table=True):
    """Counts of open and acknowledged tasks per version, unit and distribution, kept up to date
    by the service, so that the dashboard reads thousands of rows instead of every task."""

    __tablename__ = "acknowledgement_tally"
    __table_args__ = (
        # Covering indexes: the dashboard reads the counts without touching the table.
        Index("ix_acknowledgement_tally_version_counts", "version_id", "due_at", "total", "acknowledged",
              "unit_id", "late"),
        Index("ix_acknowledgement_tally_unit_counts", "unit_id", "version_id", "due_at", "total",
              "acknowledged", "late"),
    )

    version_id: int = Field(sa_column=Column(Integer, ForeignKey("document_version.id", ondelete="CASCADE"),
                                             primary_key=True))
    unit_id: int = Field(sa_column=Column(Integer, ForeignKey("unit.id", ondelete="RESTRICT"),
                                          primary_key=True))
    distribution_id: int = Field(sa_column=Column(Integer, ForeignKey("distribution.id", ondelete="CASCADE"),
                                                  primary_key=True))
    due_at: datetime = Field(sa_type=UTCDateTime)
    total: int = 0
    acknowledged: int = 0
    late: int = Field(default=0, sa_column_kwargs={"server_default": "0"})  # acknowledged after due_at


class PaperCopy(SQLModel, table=True):
    """A controlled paper copy ("bản kiểm soát số NN") of a version, issued to a holder."""

    __tablename__ = "paper_copy"
    __table_args__ = (
        UniqueConstraint("version_id", "number"),
        CheckConstraint(f"status IN ({one_of(COPY_STATES)})", name="known_status"),
        CheckConstraint("number >= 1", name="positive_number"),
        Index("ix_paper_copy_status", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    version_id: int = Field(sa_column=foreign_key("document_version.id", ondelete="CASCADE", index=False))
    number: int
    holder_id: int = Field(sa_column=foreign_key("user_account.id"))
    holder_name: str = Field(max_length=120)
    holder_unit: str = Field(default="", max_length=200)
    status: str = Field(default="issued", max_length=12)
    issued_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    issued_by_id: int | None = Field(default=None, sa_column=foreign_key("user_account.id", nullable=True,
                                                                 index=False))
    recall_requested_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    recalled_on: date | None = Field(default=None, sa_column=Column(Date, nullable=True))
    recalled_by_id: int | None = Field(default=None, sa_column=foreign_key("user_account.id", nullable=True,
                                                                   index=False))
    recall_note: str = Field(default="", max_length=500)


__all__ = [
    "COPY_STATES",
    "TASK_STATES",
    "Acknowledgement",
    "AcknowledgementTally",
    "Distribution",
    "PaperCopy",
]

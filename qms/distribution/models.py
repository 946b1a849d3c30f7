"""Tables of distribution: who received which version, who acknowledged it, paper copies,
in-app notifications and the e-mail outbox."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    Text,
    UniqueConstraint,
    text,
)
from sqlmodel import Field, SQLModel

from qms.db import UTCDateTime, utcnow

#: An acknowledgement task is open while ``pending``; the others are final.
TASK_STATES = ("pending", "acknowledged", "superseded", "withdrawn", "removed")
COPY_STATES = ("issued", "to_recall", "returned", "destroyed")
MAIL_STATES = ("queued", "sending", "sent", "failed")


def task_state(status: str, due_at: datetime, acknowledged_at: datetime | None, now: datetime) -> str:
    """What a task is shown as: ``overdue`` while pending past its due time, ``acknowledged_late``
    when acknowledged after it, else its status."""
    if status == "pending" and due_at < now:
        return "overdue"
    if status == "acknowledged" and acknowledged_at is not None and acknowledged_at > due_at:
        return "acknowledged_late"
    return status


def _in(values: tuple[str, ...]) -> str:
    return ", ".join(f"'{value}'" for value in values)


def _fk(target: str, *, nullable: bool = False, ondelete: str = "RESTRICT",
        index: bool = True) -> Column[int]:
    return Column(Integer, ForeignKey(target, ondelete=ondelete), nullable=nullable, index=index)


class Distribution(SQLModel, table=True):
    """One act of distribution of a version: its targets as given, expanded at that moment."""

    __tablename__ = "distribution"

    id: int | None = Field(default=None, primary_key=True)
    version_id: int = Field(sa_column=_fk("document_version.id", ondelete="CASCADE"))
    #: JSON: {"units": [{"code", "subunits"}], "roles": [...], "users": [...]}
    targets: str = Field(default="{}", sa_column=Column(Text, nullable=False))
    due_days: int
    due_at: datetime = Field(sa_type=UTCDateTime)
    recipients_added: int = 0
    #: The revision whose distribution this one repeats when a new version came into force.
    carried_over_from: int | None = None
    created_by_id: int | None = Field(default=None, sa_column=_fk("user_account.id", nullable=True,
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
        CheckConstraint(f"status IN ({_in(TASK_STATES)})", name="known_status"),
        Index("ix_acknowledgement_user_status", "user_id", "status"),
        Index("ix_acknowledgement_version_tally", "version_id", "status", "unit_id", "due_at"),
        Index("ix_acknowledgement_unit_tally", "unit_id", "status", "version_id", "due_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    version_id: int = Field(sa_column=_fk("document_version.id", ondelete="CASCADE", index=False))
    user_id: int = Field(sa_column=_fk("user_account.id", ondelete="CASCADE", index=False))
    unit_id: int = Field(sa_column=_fk("unit.id", index=False))
    distribution_id: int = Field(sa_column=_fk("distribution.id", ondelete="CASCADE"))
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
        CheckConstraint(f"status IN ({_in(COPY_STATES)})", name="known_status"),
        CheckConstraint("number >= 1", name="positive_number"),
        Index("ix_paper_copy_status", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    version_id: int = Field(sa_column=_fk("document_version.id", ondelete="CASCADE", index=False))
    number: int
    holder_id: int = Field(sa_column=_fk("user_account.id"))
    holder_name: str = Field(max_length=120)
    holder_unit: str = Field(default="", max_length=200)
    status: str = Field(default="issued", max_length=12)
    issued_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    issued_by_id: int | None = Field(default=None, sa_column=_fk("user_account.id", nullable=True,
                                                                 index=False))
    recall_requested_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    recalled_on: date | None = Field(default=None, sa_column=Column(Date, nullable=True))
    recalled_by_id: int | None = Field(default=None, sa_column=_fk("user_account.id", nullable=True,
                                                                   index=False))
    recall_note: str = Field(default="", max_length=500)


class Notification(SQLModel, table=True):
    """An in-app message for one user; the text is made from ``kind`` and ``params`` when shown."""

    __tablename__ = "notification"
    __table_args__ = (Index("ix_notification_user_read", "user_id", "read_at"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(sa_column=_fk("user_account.id", ondelete="CASCADE", index=False))
    kind: str = Field(max_length=32)
    params: str = Field(default="{}", sa_column=Column(Text, nullable=False))
    link: str = Field(default="", max_length=300)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    read_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    #: Nobody is told the same thing twice: one key per kind, object, round (or day) and person.
    dedup_key: str | None = Field(default=None, max_length=120, unique=True)
    #: Waits for the person's daily digest e-mail (they chose a digest over immediate mail).
    digest_pending: bool = Field(default=False, sa_column=Column(Boolean, nullable=False,
                                                                 server_default=text("false")))


class MailOutbox(SQLModel, table=True):
    """An e-mail waiting to be sent by ``qms run-jobs``, with its attempts."""

    __tablename__ = "mail_outbox"
    __table_args__ = (
        CheckConstraint(f"status IN ({_in(MAIL_STATES)})", name="known_status"),
        Index("ix_mail_outbox_status_next_attempt_at", "status", "next_attempt_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    dedup_key: str = Field(max_length=120, unique=True)
    user_id: int | None = Field(default=None, sa_column=_fk("user_account.id", nullable=True,
                                                            ondelete="SET NULL"))
    to_address: str = Field(max_length=254)
    subject: str = Field(max_length=300)
    body: str = Field(sa_column=Column(Text, nullable=False))
    #: The HTML alternative of ``body``, when the message has one.
    html: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    status: str = Field(default="queued", max_length=12)
    attempts: int = 0
    next_attempt_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_error: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))


__all__ = [
    "COPY_STATES",
    "MAIL_STATES",
    "TASK_STATES",
    "Acknowledgement",
    "AcknowledgementTally",
    "Distribution",
    "MailOutbox",
    "Notification",
    "PaperCopy",
]

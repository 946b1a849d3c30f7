"""Tables of notices: in-app notifications and the e-mail outbox."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, Column, Index, Text, text
from sqlmodel import Field, SQLModel

from qms.core.db import UTCDateTime, foreign_key, one_of, utcnow

MAIL_STATES = ("queued", "sending", "sent", "failed")


class Notification(SQLModel, table=True):
    """An in-app message for one user; the text is made from ``kind`` and ``params`` when shown."""

    __tablename__ = "notification"
    __table_args__ = (Index("ix_notification_user_read", "user_id", "read_at"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(sa_column=foreign_key("user_account.id", ondelete="CASCADE", index=False))
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
        CheckConstraint(f"status IN ({one_of(MAIL_STATES)})", name="known_status"),
        Index("ix_mail_outbox_status_next_attempt_at", "status", "next_attempt_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    dedup_key: str = Field(max_length=120, unique=True)
    user_id: int | None = Field(default=None, sa_column=foreign_key("user_account.id", nullable=True,
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

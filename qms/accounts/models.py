from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, Column, ForeignKey, Index, Integer, String, text
from sqlmodel import Field, SQLModel

from qms.accounts.choices import NotificationMail
from qms.core.db import UTCDateTime, utcnow
from qms.core.roles import Role

_ROLE_VALUES = ", ".join(f"'{role.value}'" for role in Role)


class AgencyProfile(SQLModel, table=True):
    """The agency this installation serves; one row, shown on every record."""

    __tablename__ = "agency_profile"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    parent_name: str = Field(default="", max_length=200)
    short_name: str = Field(default="", max_length=50)
    address: str = Field(default="", max_length=300)


class Unit(SQLModel, table=True):
    __tablename__ = "unit"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=32, unique=True)
    name: str = Field(max_length=200)
    parent_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("unit.id", ondelete="RESTRICT"), index=True),
    )
    sort_order: int = Field(default=0)
    active: bool = Field(default=True)


class User(SQLModel, table=True):
    __tablename__ = "user_account"

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=64, unique=True)
    full_name: str = Field(max_length=120)
    search_name: str = Field(default="", max_length=120, index=True)
    title: str = Field(default="", max_length=120)
    unit_id: int = Field(
        sa_column=Column(Integer, ForeignKey("unit.id", ondelete="RESTRICT"), nullable=False, index=True)
    )
    email: str | None = Field(default=None, max_length=254)
    password_hash: str = Field(max_length=255)
    must_change_password: bool = Field(default=False)
    #: Set only by ``qms seed --demo``: the demo accounts keep their short shared password.
    password_policy_exempt: bool = Field(default=False, sa_column=Column(Boolean, nullable=False,
                                                                         server_default=text("false")))
    active: bool = Field(default=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    password_changed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    #: ``immediate``: one e-mail per notification; ``daily``: one digest e-mail a day.
    notification_mail: str = Field(default=NotificationMail.IMMEDIATE, max_length=10,
                                   sa_column_kwargs={"server_default": NotificationMail.IMMEDIATE.value})


class UserRole(SQLModel, table=True):
    __tablename__ = "user_role"
    __table_args__ = (CheckConstraint(f"role IN ({_ROLE_VALUES})", name="known_role"),)

    user_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
        )
    )
    role: str = Field(sa_column=Column(String(32), primary_key=True))


class AuthSession(SQLModel, table=True):
    """A signed-in browser or an API token; only the SHA-256 of the secret is kept."""

    __tablename__ = "auth_session"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    kind: str = Field(max_length=8)
    user_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("user_account.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)


class LoginAttempt(SQLModel, table=True):
    """Failed passwords, counted per username, per address and per known device to throttle
    guessing (:mod:`qms.accounts.throttle`)."""

    __tablename__ = "login_attempt"
    __table_args__ = (
        Index("ix_login_attempt_username_at", "username", "at"),
        Index("ix_login_attempt_address_at", "address", "at"),
        Index("ix_login_attempt_device_at", "device", "at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=64)
    address: str = Field(max_length=64)
    device: str = Field(default="", max_length=64, sa_column_kwargs={"server_default": ""})
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)

"""Shapes of accounts data going in and out of the API and forms."""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, EmailStr, Field, field_validator

from qms.accounts.choices import NotificationMail
from qms.core.roles import Role

USERNAME_PATTERN = re.compile(r"^[a-z][a-z0-9._-]{2,63}$")
UNIT_CODE_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9._-]{0,31}$")


CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")  # whitespace ones are folded


def _clean(value: str) -> str:
    """One line of text: runs of spaces become one; control characters are refused."""
    if CONTROL_CHARACTERS.search(value):
        raise ValueError("must not contain control characters")
    return " ".join(value.split())


class UserCreate(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    username: str = Field(min_length=3, max_length=64)
    full_name: str = Field(min_length=2, max_length=120)
    title: str = Field(default="", max_length=120)
    unit: str = Field(min_length=1, max_length=32, description="unit code")
    email: EmailStr | None = None
    roles: list[Role] = Field(default_factory=lambda: [Role.STAFF])
    password: str = Field(min_length=1, max_length=128)

    @field_validator("username")
    @classmethod
    def _username(cls, value: str) -> str:
        value = value.lower()
        if not USERNAME_PATTERN.match(value):
            raise ValueError("3–64 lowercase letters, digits, '.', '_' or '-', starting with a letter")
        return value

    @field_validator("full_name", "title")
    @classmethod
    def _spaces(cls, value: str) -> str:
        return _clean(value)

    @field_validator("email", mode="before")
    @classmethod
    def _empty_email(cls, value: object) -> object:
        return None if value == "" else value


class UserUpdate(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    full_name: str | None = Field(default=None, min_length=2, max_length=120)
    title: str | None = Field(default=None, max_length=120)
    unit: str | None = Field(default=None, min_length=1, max_length=32)
    email: EmailStr | None = None
    roles: list[Role] | None = None
    active: bool | None = None

    @field_validator("full_name", "title")
    @classmethod
    def _spaces(cls, value: str | None) -> str | None:
        return _clean(value) if value is not None else None

    @field_validator("email", mode="before")
    @classmethod
    def _empty_email(cls, value: object) -> object:
        return None if value == "" else value


class UserPublic(BaseModel):
    username: str
    full_name: str
    title: str
    unit: str
    roles: list[str]
    email: str | None = None
    active: bool = True
    #: ``immediate`` (an e-mail per notification) or ``daily`` (one digest a day).
    notification_mail: NotificationMail = NotificationMail.IMMEDIATE


class MeUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    notification_mail: NotificationMail | None = None


class UnitCreate(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    code: str = Field(min_length=1, max_length=32)
    name: str = Field(min_length=2, max_length=200)
    parent: str | None = Field(default=None, max_length=32)
    sort_order: int = Field(default=0, ge=0, le=10_000)

    @field_validator("code")
    @classmethod
    def _code(cls, value: str) -> str:
        value = value.upper()
        if not UNIT_CODE_PATTERN.match(value):
            raise ValueError("1–32 capital letters, digits, '.', '_' or '-'")
        return value

    @field_validator("name")
    @classmethod
    def _spaces(cls, value: str) -> str:
        return _clean(value)

    @field_validator("parent", mode="before")
    @classmethod
    def _empty_parent(cls, value: object) -> object:
        return None if value == "" else value


class UnitUpdate(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    name: str | None = Field(default=None, min_length=2, max_length=200)
    parent: str | None = Field(default=None, max_length=32)
    sort_order: int | None = Field(default=None, ge=0, le=10_000)
    active: bool | None = None

    @field_validator("name")
    @classmethod
    def _spaces(cls, value: str | None) -> str | None:
        return _clean(value) if value is not None else None


class UnitPublic(BaseModel):
    code: str
    name: str
    parent: str | None
    active: bool = True


class TokenRequest(BaseModel):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)


class TokenResponse(BaseModel):
    access_token: str
    token_type: str = "bearer"
    #: True when the password was set by someone else: the token then serves only
    #: ``GET /me`` and ``POST /me/password`` until a new password is chosen.
    password_change_required: bool = False


class PasswordChange(BaseModel):
    current_password: str = Field(min_length=1, max_length=256)
    new_password: str = Field(min_length=1, max_length=256)

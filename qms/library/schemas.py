"""Shapes of the library in the API and the forms."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from qms.core.markup import nfc
from qms.core.text import Text
from qms.documents.choices import Kind
from qms.library import choices


def _text(value: str) -> str:
    return nfc(value.replace("\r\n", "\n")).strip()


class AttachmentPublic(BaseModel):
    name: str
    sha256: str
    size: int
    media_type: str


class PeriodicReviewIn(BaseModel):
    """The outcome of a periodic review, with the reviewer's password when it is signed."""

    outcome: choices.ReviewOutcome
    comment: Text = Field(default="", max_length=5000)
    password: str | None = Field(default=None, max_length=256)
    approver: str | None = Field(default=None, max_length=64)

    @field_validator("comment")
    @classmethod
    def _comment(cls, value: str) -> str:
        return _text(value)


class ReviewOutcomePublic(BaseModel):
    code: str
    outcome: choices.ReviewOutcome
    revision: int | None
    comment: str
    next_review_on: date | None
    opened_revision: int | None
    signed: bool
    reviewed_at: datetime


class DueReviewPublic(BaseModel):
    code: str
    title: str
    kind: Kind
    owner_unit: str
    revision: int
    next_review_on: date | None
    days_left: int | None
    overdue: bool
    needs_review: bool
    open_revision: int | None


class DueReviewList(BaseModel):
    items: list[DueReviewPublic]
    total: int


class ChangeRequestCreate(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    document_code: str = Field(min_length=1, max_length=40)
    reason: Text = Field(min_length=3, max_length=5000)
    proposal: Text = Field(min_length=3, max_length=10000)

    @field_validator("reason", "proposal")
    @classmethod
    def _normalise(cls, value: str) -> str:
        return _text(value)


class ChangeRequestDecision(BaseModel):
    decision: Literal[choices.RequestStatus.ACCEPTED, choices.RequestStatus.REJECTED]
    comment: Text = Field(default="", max_length=5000)

    @field_validator("comment")
    @classmethod
    def _comment(cls, value: str) -> str:
        return _text(value)


class ChangeRequestPublic(BaseModel):
    id: int
    status: choices.RequestStatus
    document_code: str
    document_title: str
    revision: int | None
    reason: str
    proposal: str
    requested_by: str
    requested_by_name: str
    created_at: datetime
    decided_by: str | None
    decided_at: datetime | None
    decision_comment: str
    draft_revision: int | None


class ChangeRequestList(BaseModel):
    items: list[ChangeRequestPublic]
    total: int



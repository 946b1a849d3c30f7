"""Shapes of the distribution API (``shared/API.md``, "Distribution and acknowledgement")."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from qms.core.dates import Day
from qms.core.text import Text
from qms.distribution.choices import CopyState, TaskState


class PaperCopyRequest(BaseModel):
    holder: str = Field(min_length=1, max_length=64, description="username of the holder")

    @field_validator("holder")
    @classmethod
    def _username(cls, value: str) -> str:
        return value.strip().lower()


class DistributionRequest(BaseModel):
    units: list[str] = Field(default_factory=list, max_length=500,
                             description="unit codes; their members receive the version")
    include_subunits: bool = Field(True, description="whether the units' sub-units are included")
    roles: list[str] = Field(default_factory=list, max_length=20)
    users: list[str] = Field(default_factory=list, max_length=2000, description="usernames")
    due_days: int = Field(7, ge=1, le=365, description="days from issue to acknowledge")
    paper_copies: list[PaperCopyRequest] = Field(default_factory=list, max_length=200)

    @field_validator("units", "roles", "users")
    @classmethod
    def _clean(cls, values: list[str]) -> list[str]:
        cleaned = [value.strip() for value in values if value and value.strip()]
        for value in cleaned:
            if len(value) > 64:
                raise ValueError("Must have at most 64 characters.")
        return list(dict.fromkeys(cleaned))


class RecipientPublic(BaseModel):
    username: str
    full_name: str
    unit: str
    due_at: datetime
    new: bool = Field(description="false when the person had already received this version")


class PaperCopyPublic(BaseModel):
    number: str
    holder: str
    holder_name: str
    status: CopyState
    issued_at: datetime
    recalled_on: date | None = None


class ReadingItem(BaseModel):
    code: str
    title: str
    revision: int
    due_at: datetime
    overdue: bool
    change_summary: str = ""
    previous_revision: int | None = None
    effective_date: date | None = None


class AcknowledgementPublic(BaseModel):
    code: str
    revision: int
    status: TaskState
    acknowledged_at: datetime | None


class UnitTally(BaseModel):
    unit: str
    total: int
    acknowledged: int


class AcknowledgementSummary(BaseModel):
    total: int
    acknowledged: int
    pending: list[str]
    overdue: list[str] = Field(default_factory=list)
    by_unit: list[UnitTally]


class RecallRecord(BaseModel):
    outcome: Literal[CopyState.RETURNED, CopyState.DESTROYED]
    on: Day
    note: Text = Field("", max_length=500)


class NotificationPublic(BaseModel):
    id: int
    kind: str
    text: str
    link: str
    created_at: datetime
    read: bool


class MarkRead(BaseModel):
    model_config = ConfigDict(extra="forbid")

    #: Absent: every notification of the caller.
    ids: list[Annotated[int, Field(ge=1, le=2**31 - 1)]] | None = Field(default=None, max_length=1000)


class MarkedRead(BaseModel):
    marked: int

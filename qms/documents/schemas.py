"""Shapes of documents and versions in the API and forms."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from qms.core.dates import Day, OptionalDay
from qms.core.i18n import _
from qms.core.markup import nfc
from qms.core.text import Text
from qms.documents.choices import Confidentiality, ExternalStatus, Kind, Meaning, Status

CODE_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9._-]{0,39}$")
MAX_SECTION = 200_000
MAX_STEPS = 200


def _one_line(value: str) -> str:
    return " ".join(nfc(value).split())


class ExternalInfo(BaseModel):
    """What identifies an external document (law, decree, circular, standard)."""

    model_config = ConfigDict(str_strip_whitespace=True)

    number: Text | None = Field(default=None, max_length=80)
    issuer: Text | None = Field(default=None, max_length=200)
    issued_on: OptionalDay = None
    status: ExternalStatus | None = None
    replaced_by: Text | None = Field(default=None, max_length=120)

    @field_validator("number", "issuer", "replaced_by")
    @classmethod
    def _line(cls, value: str | None) -> str | None:
        return _one_line(value) if value is not None else None


class DocumentCreate(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    code: str = Field(min_length=1, max_length=40)
    title: Text = Field(min_length=3, max_length=300)
    kind: Kind
    owner_unit: str = Field(min_length=1, max_length=32)
    confidentiality: Confidentiality = Confidentiality.INTERNAL
    review_interval_months: int = Field(default=12, ge=1, le=120)
    parent_code: str | None = Field(default=None, max_length=40)
    allowed_units: list[str] = Field(default_factory=list, max_length=100)
    drafter: str | None = Field(default=None, max_length=64)
    external: ExternalInfo | None = None

    @field_validator("code")
    @classmethod
    def _code(cls, value: str) -> str:
        value = value.upper()
        if not CODE_PATTERN.match(value):
            raise ValueError(_("Use capital letters, digits, '.', '_' and '-' (e.g. QT-01 or BM-QT01-01)."))
        return value

    @field_validator("title")
    @classmethod
    def _title(cls, value: str) -> str:
        return _one_line(value)

    @field_validator("parent_code", "drafter", mode="before")
    @classmethod
    def _blank(cls, value: object) -> object:
        return None if value == "" else value


class DocumentUpdate(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    title: Text | None = Field(default=None, min_length=3, max_length=300)
    kind: Kind | None = None
    owner_unit: str | None = Field(default=None, min_length=1, max_length=32)
    confidentiality: Confidentiality | None = None
    review_interval_months: int | None = Field(default=None, ge=1, le=120)
    allowed_units: list[str] | None = Field(default=None, max_length=100)
    external: ExternalInfo | None = None

    @field_validator("title")
    @classmethod
    def _title(cls, value: str | None) -> str | None:
        return _one_line(value) if value is not None else None


class Step(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    step: Text = Field(default="", max_length=40)
    responsibility: Text = Field(default="", max_length=300)
    task: Text = Field(default="", max_length=5000)
    duration: Text = Field(default="", max_length=100)
    output: Text = Field(default="", max_length=500)

    @field_validator("step", "responsibility", "task", "duration", "output")
    @classmethod
    def _normalise(cls, value: str) -> str:
        return nfc(value)

    def is_blank(self) -> bool:
        return not any((self.step, self.responsibility, self.task, self.duration, self.output))


class Sections(BaseModel):
    purpose: Text | None = Field(default=None, max_length=MAX_SECTION)
    scope: Text | None = Field(default=None, max_length=MAX_SECTION)
    references: Text | None = Field(default=None, max_length=MAX_SECTION)
    definitions: Text | None = Field(default=None, max_length=MAX_SECTION)
    content: Text | None = Field(default=None, max_length=MAX_SECTION)
    forms: Text | None = Field(default=None, max_length=MAX_SECTION)
    records: Text | None = Field(default=None, max_length=MAX_SECTION)


class VersionUpdate(BaseModel):
    sections: Sections | None = None
    steps: list[Step] | None = Field(default=None, max_length=MAX_STEPS)
    change_summary: Text | None = Field(default=None, max_length=5000)
    changed_sections: Text | None = Field(default=None, max_length=300)
    effective_date: OptionalDay = None


class NewVersion(BaseModel):
    drafter: str | None = Field(default=None, max_length=64)


class Submission(BaseModel):
    reviewers: list[str] = Field(default_factory=list, max_length=20)
    approver: str = Field(min_length=1, max_length=64)
    password: str | None = Field(default=None, max_length=256)
    comment: Text = Field(default="", max_length=5000)


class Decision(BaseModel):
    #: A review answers reviewed or rejected, an approval approved or rejected (the service
    #: refuses the other with 422 naming ``decision``).
    decision: Literal[Meaning.REVIEWED, Meaning.APPROVED, Meaning.REJECTED]
    comment: Text = Field(default="", max_length=5000)
    #: Optional here so that a missing password is refused by the signing check with 401.
    password: str | None = Field(default=None, max_length=256)


class WithdrawalRequest(BaseModel):
    """Sent by the quality officer to start a withdrawal, or by the approver to sign it."""

    reason: Text | None = Field(default=None, max_length=5000)
    approver: str | None = Field(default=None, max_length=64)
    decision: Literal[Meaning.APPROVED, Meaning.REJECTED] | None = None
    comment: Text = Field(default="", max_length=5000)
    password: str | None = Field(default=None, max_length=256)


class DelegationCreate(BaseModel):
    delegate: str = Field(min_length=1, max_length=64)
    starts_on: Day
    ends_on: Day
    note: Text = Field(default="", max_length=300)
    #: The caller, if given at all: nobody records a delegation for someone else.
    delegator: str | None = Field(default=None, max_length=64)
    password: str | None = Field(default=None, max_length=256)


class InProgress(BaseModel):
    """A newer version of a document in force, not yet in force itself."""

    revision: int
    status: Status


class DocumentSummary(BaseModel):
    code: str
    title: str
    kind: Kind
    owner_unit: str
    confidentiality: Confidentiality
    current_revision: int | None
    effective_date: date | None
    status: Status | None
    in_progress: InProgress | None = None


class DocumentList(BaseModel):
    items: list[DocumentSummary]
    total: int


class VersionBrief(BaseModel):
    revision: int
    status: Status
    effective_date: date | None
    content_hash: str | None


class DocumentDetail(DocumentSummary):
    review_interval_months: int
    parent_code: str | None
    needs_review: bool
    next_review_on: date | None
    allowed_units: list[str]
    forms: list[str]
    versions: list[VersionBrief]
    external: ExternalInfo | None = None
    cited_by: list[str] = Field(default_factory=list)


class SignaturePublic(BaseModel):
    username: str
    full_name: str
    title: str
    meaning: Meaning
    purpose: str
    signed_at: datetime
    comment: str
    content_hash: str
    on_behalf_of: str | None
    on_behalf_of_title: str = ""


class VersionDetail(BaseModel):
    code: str
    revision: int
    status: Status
    title: str
    kind: Kind
    owner_unit: str
    confidentiality: Confidentiality
    sections: dict[str, str]
    steps: list[Step]
    change_summary: str
    changed_sections: str
    effective_date: date | None
    content_hash: str | None
    etag: str
    drafter: str
    approver: str | None
    reviewers: list[str]
    signatures: list[SignaturePublic]


class DelegationPublic(BaseModel):
    id: int
    delegator: str
    delegate: str
    starts_on: date
    ends_on: date
    note: str
    active: bool

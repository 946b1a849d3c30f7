"""Shapes of record keeping in the API and the forms."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator

from qms.core.markup import nfc
from qms.core.text import Text
from qms.record_keeping.choices import Disposal, Medium


class RecordEntryIn(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    name: Text = Field(min_length=2, max_length=300)
    keeping_unit: str = Field(min_length=1, max_length=32)
    retention: Text = Field(min_length=1, max_length=40, description="a category code, 'permanent' or a "
                                                                      "number of years")
    medium: Medium = Medium.PAPER
    disposal: Disposal = Disposal.DESTROY

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        return " ".join(nfc(value).split())


class RecordEntryPublic(BaseModel):
    document_code: str
    name: str
    keeping_unit: str
    keeping_unit_name: str
    permanent: bool
    retention_years: int | None
    retention: str
    category: str
    basis: str
    medium: Medium
    disposal: Disposal


class ProposedRecordPublic(BaseModel):
    """A line the procedure's "records to keep" section suggests, to be checked and saved with
    ``PUT …/records``; ``as_written`` holds the procedure's words when the period could not be
    read from them exactly."""

    name: str
    keeping_unit: str
    retention: str
    medium: Medium
    disposal: Disposal
    as_written: str


class RetentionCategoryIn(BaseModel):
    """A retention category the agency adds: permanent, or kept for a number of years."""

    model_config = ConfigDict(str_strip_whitespace=True)

    code: str = Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9][A-Za-z0-9-]*$",
                      description="short and unique: letters, digits and '-'")
    name: Text = Field(min_length=2, max_length=300)
    permanent: bool = False
    years: int | None = Field(default=None, ge=1, le=100)
    basis: Text = Field(default="", max_length=300, description="the legal basis: document, article, item")

    @field_validator("code")
    @classmethod
    def _code(cls, value: str) -> str:
        return value.upper()

    @field_validator("name", "basis")
    @classmethod
    def _words(cls, value: str) -> str:
        return " ".join(nfc(value).split())


class RetentionCategoryPublic(BaseModel):
    code: str
    name: str
    permanent: bool
    years: int | None
    basis: str
    shipped: bool = Field(description="shipped with qms (read-only) rather than added by the agency")


class RecordsApprovalIn(BaseModel):
    year: int = Field(ge=2000, le=2100)
    password: str | None = Field(default=None, max_length=256)
    comment: Text = Field(default="", max_length=2000)


class RecordsApprovalPublic(BaseModel):
    year: int
    content_hash: str
    approved_by: str
    signer_name: str
    signer_title: str
    approved_at: datetime
    rows: int
    current: bool

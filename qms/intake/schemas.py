"""Shapes of intake in the API."""

from __future__ import annotations

from pydantic import BaseModel

from qms.documents.choices import Status


class ImportResult(BaseModel):
    code: str
    revision: int
    status: Status
    title: str
    unmapped: list[str]

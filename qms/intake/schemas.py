"""Shapes of intake in the API."""

from __future__ import annotations

from pydantic import BaseModel


class ImportResult(BaseModel):
    code: str
    revision: int
    status: str
    title: str
    unmapped: list[str]

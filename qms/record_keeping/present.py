"""Rows of the records register in the shape of the API."""

from __future__ import annotations

from qms.record_keeping.register import RecordsListRow
from qms.record_keeping.schemas import RecordEntryPublic


def record_entry_public(row: RecordsListRow) -> RecordEntryPublic:
    return RecordEntryPublic(
        document_code=row.document_code, name=row.name, keeping_unit=row.keeping_unit_code,
        keeping_unit_name=row.keeping_unit_name, permanent=row.permanent, retention_years=row.retention_years,
        retention=row.retention, category=row.category, basis=row.basis, medium=row.medium,
        disposal=row.disposal,
    )

"""The records a procedure lists in its "Hồ sơ cần lưu" section, read as lines of the records
register, so that the quality officer checks them instead of typing them again.

The section is a table whose columns are found by their headings (name, where kept, how
long). A unit is the one whose name the "where kept" cell contains (the longest one), else
the document's owner; a period the register cannot express ("until replaced") is left for
the quality officer, with the words of the procedure shown beside it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import select
from sqlmodel import Session

from qms.accounts.auth import Principal
from qms.accounts.models import Unit
from qms.documents import access
from qms.documents.models import Document, Version
from qms.documents.service import load_document
from qms.documents.source import table_cells
from qms.errors import ValidationFailed
from qms.library import retention
from qms.search import fold

_LEADING_YEARS = re.compile(r"^(\d{1,3})\s*nam\b")
_ELECTRONIC_WORDS = ("phan mem", "dien tu", "he thong")


@dataclass(frozen=True)
class ProposedRecord:
    name: str
    keeping_unit: str
    retention: str
    medium: str
    disposal: str
    as_written: str


def _columns(header: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, cell in enumerate(fold(c) for c in header):
        if "name" not in found and cell.startswith("ten"):
            found["name"] = index
        elif "unit" not in found and ("noi luu" in cell or "don vi" in cell or "bo phan" in cell):
            found["unit"] = index
        elif "retention" not in found and ("thoi gian" in cell or "thoi han" in cell):
            found["retention"] = index
    return found


def _first_table(text: str) -> list[list[str]]:
    rows: list[list[str]] = []
    for line in text.splitlines():
        if line.strip().startswith("|"):
            rows.append(table_cells(line))
        elif rows:
            break
    return [row for row in rows if not all(set(cell) <= set("-: ") for cell in row)]


def _period(known: Mapping[str, retention.Category], written: str) -> tuple[retention.Retention | None, bool]:
    """The period the words give, and whether it is all they say ("05 năm kể từ khi …" gives
    5 years, not exactly)."""
    try:
        return retention.resolve(known, written), True
    except ValidationFailed:
        leading = _LEADING_YEARS.match(fold(written))
        if leading is None or not 1 <= int(leading.group(1)) <= retention.MAX_YEARS:
            return None, False
        return retention.Retention(False, int(leading.group(1))), False


def _cell(row: list[str], index: int | None) -> str:
    return row[index].strip() if index is not None and index < len(row) else ""


def _unit(units: list[tuple[str, str]], written: str, default: str) -> str:
    folded = fold(written)
    matches = [(len(name), code) for code, name in units if name and name in folded]
    return max(matches)[1] if matches else default


def proposed_for(session: Session, actor: Principal, code: str) -> list[ProposedRecord]:
    """What the quality officer is offered for the records register of ``code``."""
    access.require_manager(actor)
    return proposed_records(session, load_document(session, actor, code))


def proposed_records(session: Session, document: Document) -> list[ProposedRecord]:
    """The lines of the records table of the version in force (else the latest one); none when
    the section has no table with a name column."""
    version_id = document.effective_version_id or document.latest_version_id
    version = session.get(Version, version_id) if version_id else None
    table = _first_table(version.records) if version else []
    columns = _columns(table[0]) if table else {}
    if "name" not in columns:
        return []
    units = [(code, fold(name)) for code, name in session.execute(select(Unit.code, Unit.name)).all()]
    owner = session.get(Unit, document.owner_unit_id)
    known = retention.categories(session)
    proposed: list[ProposedRecord] = []
    for row in table[1:]:
        name = " ".join(_cell(row, columns["name"]).split())[:300]
        where, how_long = _cell(row, columns.get("unit")), _cell(row, columns.get("retention"))
        if len(name) < 2:
            continue
        kept, exact = _period(known, how_long) if how_long else (None, True)
        electronic = any(word in fold(f"{name} {where}") for word in _ELECTRONIC_WORDS)
        proposed.append(ProposedRecord(
            name=name, keeping_unit=_unit(units, where, owner.code if owner else ""),
            retention=retention.as_typed(kept) if kept else "",
            medium="electronic" if electronic else "paper",
            disposal="archive_agency" if kept and kept.permanent else "destroy",
            as_written="" if exact else how_long))
    return proposed

"""The records a procedure lists in its "Hồ sơ cần lưu" section, proposed as lines of the
records register, so that the quality officer checks them instead of typing them again.

The rows come from :func:`qms.record_keeping.section.listed_records`. A unit is the one
whose name the "where kept" cell contains (the longest one), else the document's owner; a
period the register cannot express ("until replaced") is left for the quality officer, with
the words of the procedure shown beside it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlmodel import Session, col

from qms.accounts.auth import Principal
from qms.accounts.models import Unit
from qms.core.errors import ValidationFailed
from qms.core.search import fold
from qms.documents.models import Document, Version
from qms.documents.policy import can_manage_documents
from qms.documents.service import load_document
from qms.record_keeping import retention
from qms.record_keeping.choices import Disposal, Medium
from qms.record_keeping.section import listed_records

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


@dataclass(frozen=True)
class Proposal:
    """The lines read from ``revision`` (the version in force, else the latest one)."""

    revision: int | None
    lines: list[ProposedRecord] = field(default_factory=list)


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


def _unit(units: list[tuple[str, str]], written: str, default: str) -> str:
    folded = fold(written)
    matches = [(len(name), code) for code, name in units if name and name in folded]
    return max(matches)[1] if matches else default


def proposed_for(session: Session, actor: Principal, code: str) -> Proposal:
    """What the quality officer is offered for the records register of ``code``."""
    can_manage_documents.require(actor)
    return proposal(session, load_document(session, actor, code))


def proposal(session: Session, document: Document) -> Proposal:
    version_id = document.effective_version_id or document.latest_version_id
    version = session.get(Version, version_id) if version_id else None
    if version is None:
        return Proposal(None)
    names = session.execute(select(col(Unit.code), col(Unit.name))).all()
    units = [(code, fold(name)) for code, name in names]
    owner = session.get(Unit, document.owner_unit_id)
    known = retention.categories(session)
    lines: list[ProposedRecord] = []
    for listed in listed_records(version.records):
        name = " ".join(listed.name.split())[:300]
        if len(name) < 2:
            continue
        kept, exact = _period(known, listed.retention) if listed.retention else (None, True)
        electronic = any(word in fold(f"{name} {listed.place}") for word in _ELECTRONIC_WORDS)
        lines.append(ProposedRecord(
            name=name, keeping_unit=_unit(units, listed.place, owner.code if owner else ""),
            retention=retention.as_typed(kept) if kept else "",
            medium=Medium.ELECTRONIC if electronic else Medium.PAPER,
            disposal=Disposal.ARCHIVE_AGENCY if kept and kept.permanent else Disposal.DESTROY,
            as_written="" if exact else listed.retention))
    return Proposal(version.revision, lines)

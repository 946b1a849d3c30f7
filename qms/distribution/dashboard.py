"""Who acknowledged what: per document, per unit, and the names behind each count.

Counts are taken over the versions in force. Every query reads the acknowledgement
rows through a covering index that starts with the version (or the unit) and carries
the status, the recipient's unit and the due time, so no user row is joined.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Integer, case, func, select
from sqlmodel import Session

from qms.accounts.auth import Principal
from qms.accounts.models import Unit, User
from qms.accounts.roles import require_any
from qms.db import utcnow
from qms.distribution.models import Acknowledgement
from qms.distribution.service import FOLLOW_UP, load_followed_version
from qms.documents.models import Document, Version
from qms.pagination import Page, clamp, parse_sort

COUNTED = ("pending", "acknowledged")
DOCUMENT_SORTS = ("code", "title", "total", "acknowledged", "pending", "overdue", "rate")
UNIT_SORTS = ("name", "total", "acknowledged", "pending", "overdue", "rate")


@dataclass(frozen=True)
class Tally:
    total: int
    acknowledged: int
    overdue: int

    @property
    def pending(self) -> int:
        return self.total - self.acknowledged

    @property
    def percent(self) -> int:
        return round(100 * self.acknowledged / self.total) if self.total else 0


@dataclass(frozen=True)
class DocumentTally(Tally):
    code: str
    title: str
    revision: int


@dataclass(frozen=True)
class UnitTally(Tally):
    code: str
    name: str


def _counts(now: datetime) -> tuple:  # type: ignore[type-arg]
    acknowledged = func.sum(case((Acknowledgement.status == "acknowledged", 1), else_=0)).cast(Integer)
    overdue = func.sum(case(((Acknowledgement.status == "pending") & (Acknowledgement.due_at < now), 1),
                            else_=0)).cast(Integer)
    return func.count().label("total"), acknowledged.label("acknowledged"), overdue.label("overdue")


def _order(columns: dict[str, object], sort: str | None, allowed: tuple[str, ...], default: str) -> list:
    key, descending = parse_sort(sort, allowed, default)
    column = columns[key]
    return [column.desc() if descending else column.asc()]  # type: ignore[attr-defined]


def by_document(session: Session, actor: Principal, *, sort: str | None = None, limit: int | None = None,
                offset: int | None = None, unit_code: str | None = None,
                now: datetime | None = None) -> Page[DocumentTally]:
    require_any(actor.roles, FOLLOW_UP)
    limit, offset = clamp(limit, offset)
    total, acknowledged, overdue = _counts(now or utcnow())
    query = (
        select(Document.code, Document.title, Version.revision, total, acknowledged, overdue)
        .select_from(Document)
        .join(Acknowledgement, Acknowledgement.version_id == Document.effective_version_id)
        .join(Version, Version.id == Document.effective_version_id)
        .where(Acknowledgement.status.in_(COUNTED))
        .group_by(Document.id, Document.code, Document.title, Version.revision)
    )
    if unit_code:
        query = query.where(Acknowledgement.unit_id == select(Unit.id).where(Unit.code == unit_code.upper())
                            .scalar_subquery())
    count = session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    pending = total - acknowledged
    rate = acknowledged * 1.0 / total
    order = _order({"code": Document.code, "title": Document.title, "total": total,
                    "acknowledged": acknowledged, "pending": pending, "overdue": overdue, "rate": rate},
                   sort, DOCUMENT_SORTS, "-overdue")
    rows = session.execute(query.order_by(*order, Document.code).limit(limit).offset(offset)).all()
    items = [DocumentTally(total=row.total, acknowledged=row.acknowledged, overdue=row.overdue,
                           code=row.code, title=row.title, revision=row.revision) for row in rows]
    return Page(items, count, limit, offset)


def by_unit(session: Session, actor: Principal, *, sort: str | None = None,
            now: datetime | None = None) -> list[UnitTally]:
    """Every unit with recipients, over all versions in force (a short list: one row per unit)."""
    require_any(actor.roles, FOLLOW_UP)
    total, acknowledged, overdue = _counts(now or utcnow())
    grouped = (
        select(Acknowledgement.unit_id, total, acknowledged, overdue)
        .select_from(Document)
        .join(Acknowledgement, Acknowledgement.version_id == Document.effective_version_id)
        .where(Acknowledgement.status.in_(COUNTED))
        .group_by(Acknowledgement.unit_id)
    ).subquery()
    rows = session.execute(
        select(Unit.code, Unit.name, grouped.c.total, grouped.c.acknowledged, grouped.c.overdue)
        .join(grouped, grouped.c.unit_id == Unit.id)
    ).all()
    items = [UnitTally(total=row.total, acknowledged=row.acknowledged, overdue=row.overdue,
                       code=row.code, name=row.name) for row in rows]
    key, descending = parse_sort(sort, UNIT_SORTS, "name")
    value = {"name": lambda t: t.name, "total": lambda t: t.total, "acknowledged": lambda t: t.acknowledged,
             "pending": lambda t: t.pending, "overdue": lambda t: t.overdue,
             "rate": lambda t: t.percent}[key]
    return sorted(items, key=value, reverse=descending)


def agency_tally(session: Session, actor: Principal, now: datetime | None = None) -> Tally:
    """One line for the whole agency: the head's "at a glance"."""
    require_any(actor.roles, FOLLOW_UP)
    total, acknowledged, overdue = _counts(now or utcnow())
    row = session.execute(
        select(total, acknowledged, overdue).select_from(Document)
        .join(Acknowledgement, Acknowledgement.version_id == Document.effective_version_id)
        .where(Acknowledgement.status.in_(COUNTED))
    ).one()
    return Tally(total=row.total or 0, acknowledged=row.acknowledged or 0, overdue=row.overdue or 0)


@dataclass(frozen=True)
class RecipientRow:
    username: str
    full_name: str
    title: str
    unit_code: str
    unit_name: str
    status: str
    due_at: datetime
    acknowledged_at: datetime | None
    overdue: bool


RECIPIENT_SORTS = ("name", "unit", "status", "acknowledged_at")
RECIPIENT_STATES = ("pending", "overdue", "acknowledged", "superseded", "withdrawn")


def recipients(session: Session, actor: Principal, code: str, revision: int, *, unit: str | None = None,
               status: str | None = None, sort: str | None = None, limit: int | None = None,
               offset: int | None = None, now: datetime | None = None) -> Page[RecipientRow]:
    """The names behind the counts of one version, filtered by unit and status."""
    _document, version = load_followed_version(session, actor, code, revision)
    now = now or utcnow()
    limit, offset = clamp(limit, offset)
    query = (
        select(User.username, User.full_name, User.title, Unit.code.label("unit_code"),
               Unit.name.label("unit_name"), Acknowledgement.status, Acknowledgement.due_at,
               Acknowledgement.acknowledged_at)
        .select_from(Acknowledgement)
        .join(User, User.id == Acknowledgement.user_id)
        .join(Unit, Unit.id == Acknowledgement.unit_id)
        .where(Acknowledgement.version_id == version.id, Acknowledgement.status != "removed")
    )
    if unit:
        query = query.where(Unit.code == unit.upper())
    if status == "overdue":
        query = query.where(Acknowledgement.status == "pending", Acknowledgement.due_at < now)
    elif status in RECIPIENT_STATES:
        query = query.where(Acknowledgement.status == status)
    total = session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    order = _order({"name": User.full_name, "unit": Unit.name, "status": Acknowledgement.status,
                    "acknowledged_at": Acknowledgement.acknowledged_at}, sort, RECIPIENT_SORTS, "unit")
    rows = session.execute(query.order_by(*order, User.full_name, User.username)
                           .limit(limit).offset(offset)).all()
    items = [RecipientRow(row.username, row.full_name, row.title, row.unit_code, row.unit_name, row.status,
                          row.due_at, row.acknowledged_at,
                          row.status == "pending" and row.due_at < now) for row in rows]
    return Page(items, total, limit, offset)

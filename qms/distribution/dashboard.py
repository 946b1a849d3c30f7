"""Who acknowledged what: per document, per unit, and the names behind each count.

Counts are taken over the versions in force from the acknowledgement tally (a few rows per
version and unit, see ``tally.py``), so the dashboard reads thousands of rows, not one per
task; the names behind a count come from the acknowledgement rows of one version.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Integer, Label, Select, UnaryExpression, case, func, select
from sqlalchemy.orm import Mapped
from sqlmodel import Session, col

from qms.accounts.auth import Principal
from qms.accounts.models import Unit, User
from qms.core.db import utcnow
from qms.core.pagination import Page, clamp, parse_sort
from qms.distribution.choices import TaskState
from qms.distribution.models import Acknowledgement, AcknowledgementTally, task_state
from qms.distribution.policy import can_follow_distribution
from qms.distribution.service import load_followed_version
from qms.documents.models import Document, Version

DOCUMENT_SORTS = ("code", "title", "total", "acknowledged", "pending", "overdue", "rate")
UNIT_SORTS = ("name", "total", "acknowledged", "pending", "overdue", "rate")


@dataclass(frozen=True)
class Tally:
    total: int
    acknowledged: int
    overdue: int
    late: int  # of the acknowledged, those acknowledged after their due date

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


def _counts(now: datetime) -> tuple[Label[int], Label[int], Label[int], Label[int]]:
    total = func.coalesce(func.sum(AcknowledgementTally.total), 0).cast(Integer)
    acknowledged = func.coalesce(func.sum(AcknowledgementTally.acknowledged), 0).cast(Integer)
    overdue = func.coalesce(func.sum(case(
        (col(AcknowledgementTally.due_at) < now,
         col(AcknowledgementTally.total) - col(AcknowledgementTally.acknowledged)),
        else_=0)), 0).cast(Integer)
    late = func.coalesce(func.sum(AcknowledgementTally.late), 0).cast(Integer)
    return (total.label("total"), acknowledged.label("acknowledged"), overdue.label("overdue"),
            late.label("late"))


def _order(columns: dict[str, ColumnElement[Any] | Mapped[Any]], sort: str | None, allowed: tuple[str, ...],
           default: str) -> list[UnaryExpression[Any]]:
    key, descending = parse_sort(sort, allowed, default)
    column = columns[key]
    return [column.desc() if descending else column.asc()]


def by_document_query(now: datetime | None = None, unit_code: str | None = None) -> Select[*tuple[Any, ...]]:
    """Per document in force: recipients, acknowledged, overdue (one GROUP BY over the covering index)."""
    total, acknowledged, overdue, late = _counts(now or utcnow())
    query = (
        select(col(Document.code), col(Document.title), col(Version.revision), total, acknowledged, overdue,
               late)
        .select_from(Document)
        .join(AcknowledgementTally, col(AcknowledgementTally.version_id) == Document.effective_version_id)
        .join(Version, col(Version.id) == Document.effective_version_id)
        .group_by(col(Document.id), col(Document.code), col(Document.title), col(Version.revision))
        .having(func.sum(AcknowledgementTally.total) > 0)
    )
    if unit_code:
        query = query.where(col(AcknowledgementTally.unit_id) == select(col(Unit.id))
                            .where(col(Unit.code) == unit_code.upper()).scalar_subquery())
    return query


def by_document(session: Session, actor: Principal, *, sort: str | None = None, limit: int | None = None,
                offset: int | None = None, unit_code: str | None = None,
                now: datetime | None = None) -> Page[DocumentTally]:
    can_follow_distribution.require(actor)
    limit, offset = clamp(limit, offset)
    query = by_document_query(now, unit_code)
    columns = query.selected_columns
    total, acknowledged, overdue = columns.total, columns.acknowledged, columns.overdue
    pending = total - acknowledged
    rate = acknowledged * 1.0 / total
    order = _order({"code": col(Document.code), "title": col(Document.title), "total": total,
                    "acknowledged": acknowledged, "pending": pending, "overdue": overdue, "rate": rate},
                   sort, DOCUMENT_SORTS, "-overdue")
    # The number of documents comes with the page (a window over the groups): one pass, not two.
    rows = session.execute(query.add_columns(func.count().over().label("documents"))
                           .order_by(*order, Document.code).limit(limit).offset(offset)).all()
    if rows:
        count = rows[0].documents
    else:
        count = session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    items = [DocumentTally(total=row.total, acknowledged=row.acknowledged, overdue=row.overdue, late=row.late,
                           code=row.code, title=row.title, revision=row.revision) for row in rows]
    return Page(items, count, limit, offset)


def by_unit_query(now: datetime | None = None) -> Select[*tuple[Any, ...]]:
    total, acknowledged, overdue, late = _counts(now or utcnow())
    grouped = (
        select(col(AcknowledgementTally.unit_id), total, acknowledged, overdue, late)
        .select_from(Document)
        .join(AcknowledgementTally, col(AcknowledgementTally.version_id) == Document.effective_version_id)
        .group_by(col(AcknowledgementTally.unit_id))
        .having(func.sum(AcknowledgementTally.total) > 0)
    ).subquery()
    return (select(col(Unit.code), col(Unit.name), grouped.c.total, grouped.c.acknowledged, grouped.c.overdue,
                   grouped.c.late)
            .join(grouped, grouped.c.unit_id == Unit.id))


def by_unit(session: Session, actor: Principal, *, sort: str | None = None,
            now: datetime | None = None) -> list[UnitTally]:
    """Every unit with recipients, over all versions in force (a short list: one row per unit)."""
    can_follow_distribution.require(actor)
    rows = session.execute(by_unit_query(now)).all()
    items = [UnitTally(total=row.total, acknowledged=row.acknowledged, overdue=row.overdue, late=row.late,
                       code=row.code, name=row.name) for row in rows]
    key, descending = parse_sort(sort, UNIT_SORTS, "name")
    value = {"name": lambda t: t.name, "total": lambda t: t.total, "acknowledged": lambda t: t.acknowledged,
             "pending": lambda t: t.pending, "overdue": lambda t: t.overdue,
             "rate": lambda t: t.percent}[key]
    return sorted(items, key=value, reverse=descending)


def agency_tally(session: Session, actor: Principal, now: datetime | None = None) -> Tally:
    """One line for the whole agency: the head's "at a glance"."""
    can_follow_distribution.require(actor)
    total, acknowledged, overdue, late = _counts(now or utcnow())
    row = session.execute(
        select(total, acknowledged, overdue, late).select_from(Document)
        .join(AcknowledgementTally, col(AcknowledgementTally.version_id) == Document.effective_version_id)
    ).one()
    return Tally(total=row.total or 0, acknowledged=row.acknowledged or 0, overdue=row.overdue or 0,
                 late=row.late or 0)


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
    state: str  # models.task_state: overdue and acknowledged_late told apart


RECIPIENT_SORTS = ("name", "unit", "status", "acknowledged_at")
RECIPIENT_STATES = (TaskState.PENDING, TaskState.OVERDUE, TaskState.ACKNOWLEDGED, TaskState.ACKNOWLEDGED_LATE,
                    TaskState.SUPERSEDED, TaskState.WITHDRAWN)


def recipients(session: Session, actor: Principal, code: str, revision: int, *, unit: str | None = None,
               status: str | None = None, sort: str | None = None, limit: int | None = None,
               offset: int | None = None, now: datetime | None = None) -> Page[RecipientRow]:
    """The names behind the counts of one version, filtered by unit and status."""
    _document, version = load_followed_version(session, actor, code, revision)
    now = now or utcnow()
    limit, offset = clamp(limit, offset)
    query: Select[*tuple[Any, ...]] = (
        select(col(User.username), col(User.full_name), col(User.title), col(Unit.code).label("unit_code"),
               col(Unit.name).label("unit_name"), col(Acknowledgement.status), col(Acknowledgement.due_at),
               col(Acknowledgement.acknowledged_at))
        .select_from(Acknowledgement)
        .join(User, col(User.id) == Acknowledgement.user_id)
        .join(Unit, col(Unit.id) == Acknowledgement.unit_id)
        .where(col(Acknowledgement.version_id) == version.id,
               col(Acknowledgement.status) != TaskState.REMOVED)
    )
    if unit:
        query = query.where(col(Unit.code) == unit.upper())
    if status == TaskState.OVERDUE:
        query = query.where(col(Acknowledgement.status) == TaskState.PENDING,
                            col(Acknowledgement.due_at) < now)
    elif status == TaskState.ACKNOWLEDGED_LATE:
        query = query.where(col(Acknowledgement.status) == TaskState.ACKNOWLEDGED,
                            col(Acknowledgement.acknowledged_at) > Acknowledgement.due_at)
    elif status in RECIPIENT_STATES:
        query = query.where(col(Acknowledgement.status) == status)
    total = session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    order = _order({"name": col(User.full_name), "unit": col(Unit.name),
                    "status": col(Acknowledgement.status),
                    "acknowledged_at": col(Acknowledgement.acknowledged_at)}, sort, RECIPIENT_SORTS, "unit")
    rows = session.execute(query.order_by(*order, User.full_name, User.username)
                           .limit(limit).offset(offset)).all()
    items = [RecipientRow(row.username, row.full_name, row.title, row.unit_code, row.unit_name, row.status,
                          row.due_at, row.acknowledged_at,
                          row.status == TaskState.PENDING and row.due_at < now,
                          task_state(row.status, row.due_at, row.acknowledged_at, now)) for row in rows]
    return Page(items, total, limit, offset)

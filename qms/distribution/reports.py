"""The data of the records about distribution, for the API, the pages and the rendered reports.

- :func:`acknowledgement_summary`: one version, as ``GET …/acknowledgements`` returns it.
- :func:`distribution_record`: one version's "Sổ theo dõi phân phối": each distribution,
  each recipient with their acknowledgement, each controlled paper copy.
- :func:`acknowledgement_report`: per unit, the documents in force and who has not
  acknowledged them yet; :func:`acknowledgement_csv` writes it for Excel.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from qms.accounts.auth import Principal
from qms.accounts.models import Unit, User
from qms.core.csv_export import csv_bytes
from qms.core.db import utcnow
from qms.core.errors import ValidationFailed
from qms.core.i18n import _
from qms.distribution.choices import TaskState
from qms.distribution.labels import task_label
from qms.distribution.models import Acknowledgement, Distribution, task_state
from qms.distribution.paper import CopyRow, copies_of
from qms.distribution.policy import can_follow_distribution
from qms.distribution.schemas import AcknowledgementSummary, UnitTally
from qms.distribution.service import load_followed_version
from qms.distribution.targets import Targets
from qms.documents.choices import Status
from qms.documents.models import Document, Version


def acknowledgement_summary(session: Session, actor: Principal, code: str, revision: int,
                            now: datetime | None = None) -> AcknowledgementSummary:
    _document, version = load_followed_version(session, actor, code, revision)
    now = now or utcnow()
    rows = session.execute(
        select(col(User.username), col(Unit.code), col(Acknowledgement.status), col(Acknowledgement.due_at))
        .select_from(Acknowledgement)
        .join(User, col(User.id) == Acknowledgement.user_id)
        .join(Unit, col(Unit.id) == Acknowledgement.unit_id)
        .where(col(Acknowledgement.version_id) == version.id,
               col(Acknowledgement.status) != TaskState.REMOVED)
        .order_by(Unit.code, User.username)
    ).all()
    by_unit: dict[str, list[int]] = {}
    pending, overdue = [], []
    for username, unit, status, due_at in rows:
        tally = by_unit.setdefault(unit, [0, 0])
        tally[0] += 1
        if status == TaskState.ACKNOWLEDGED:
            tally[1] += 1
        elif status == TaskState.PENDING:
            pending.append(username)
            if due_at < now:
                overdue.append(username)
    return AcknowledgementSummary(
        total=len(rows), acknowledged=sum(t[1] for t in by_unit.values()), pending=pending,
        overdue=overdue,
        by_unit=[UnitTally(unit=unit, total=t[0], acknowledged=t[1]) for unit, t in by_unit.items()],
    )


@dataclass(frozen=True)
class DistributionEntry:
    created_at: datetime
    created_by: str  # full name, or "" for the system
    targets: Targets
    due_at: datetime
    recipients_added: int
    carried_over_from: int | None


@dataclass(frozen=True)
class RecipientEntry:
    full_name: str
    username: str
    title: str
    unit_code: str
    unit_name: str
    status: str
    assigned_at: datetime
    due_at: datetime
    acknowledged_at: datetime | None

    @property
    def late(self) -> bool:
        """Acknowledged after the due date."""
        state = task_state(self.status, self.due_at, self.acknowledged_at, self.due_at)
        return state == TaskState.ACKNOWLEDGED_LATE

    def state(self, now: datetime) -> str:
        return task_state(self.status, self.due_at, self.acknowledged_at, now)


@dataclass
class DistributionRecord:
    code: str
    title: str
    revision: int
    status: str
    effective_date: date | None
    distributions: list[DistributionEntry] = field(default_factory=list)
    recipients: list[RecipientEntry] = field(default_factory=list)
    paper_copies: list[CopyRow] = field(default_factory=list)
    unit_names: dict[str, str] = field(default_factory=dict)
    user_names: dict[str, str] = field(default_factory=dict)  # of the people named in the targets


def distribution_record(session: Session, actor: Principal, code: str, revision: int) -> DistributionRecord:
    """Everything the distribution record of a version shows, in a few queries."""
    document, version = load_followed_version(session, actor, code, revision)
    creator = aliased(User)
    record = DistributionRecord(document.code, document.title, version.revision, version.status,
                                version.effective_date)
    for distribution, name in session.execute(
        select(Distribution, col(creator.full_name))
        .outerjoin(creator, col(creator.id) == Distribution.created_by_id)
        .where(col(Distribution.version_id) == version.id)
        .order_by(col(Distribution.created_at), col(Distribution.id))
    ).all():
        record.distributions.append(DistributionEntry(
            distribution.created_at, name or "", Targets.from_json(distribution.targets),
            distribution.due_at, distribution.recipients_added, distribution.carried_over_from))
    record.recipients = [RecipientEntry(*row) for row in session.execute(
        select(col(User.full_name), col(User.username), col(User.title), col(Unit.code), col(Unit.name),
               col(Acknowledgement.status), col(Acknowledgement.assigned_at), col(Acknowledgement.due_at),
               col(Acknowledgement.acknowledged_at))
        .select_from(Acknowledgement)
        .join(User, col(User.id) == Acknowledgement.user_id)
        .join(Unit, col(Unit.id) == Acknowledgement.unit_id)
        .where(col(Acknowledgement.version_id) == version.id,
               col(Acknowledgement.status) != TaskState.REMOVED)
        .order_by(Unit.name, User.full_name, User.username)
    ).all()]
    record.paper_copies = copies_of(session, version)
    record.unit_names = dict(session.execute(select(col(Unit.code), col(Unit.name))).all())
    named = {user for entry in record.distributions for user in entry.targets.users}
    if named:
        record.user_names = dict(session.execute(
            select(col(User.username), col(User.full_name)).where(col(User.username).in_(named))).all())
    return record


@dataclass(frozen=True)
class ReportLine:
    """One recipient of a document in force, in the acknowledgement report."""

    unit_code: str
    unit_name: str
    code: str
    title: str
    revision: int
    full_name: str
    username: str
    status: str
    due_at: datetime
    acknowledged_at: datetime | None

    def is_overdue(self, now: datetime) -> bool:
        return self.status == TaskState.PENDING and self.due_at < now

    def state(self, now: datetime) -> str:
        """pending, overdue, acknowledged or acknowledged_late (:func:`models.task_state`)."""
        return task_state(self.status, self.due_at, self.acknowledged_at, now)


@dataclass
class AcknowledgementReport:
    generated_at: datetime
    unit: tuple[str, str] | None  # (code, name) when the report covers one unit
    lines: list[ReportLine] = field(default_factory=list)

    def by_unit(self) -> dict[tuple[str, str], list[ReportLine]]:
        grouped: dict[tuple[str, str], list[ReportLine]] = {}
        for line in self.lines:
            grouped.setdefault((line.unit_code, line.unit_name), []).append(line)
        return grouped


def acknowledgement_report(session: Session, actor: Principal, unit: str | None = None,
                           now: datetime | None = None) -> AcknowledgementReport:
    """Per unit (all units, or ``unit`` only), each recipient of each document in force."""
    can_follow_distribution.require(actor)
    chosen = None
    query = (
        select(col(Unit.code), col(Unit.name), col(Document.code), col(Document.title), col(Version.revision),
               col(User.full_name), col(User.username), col(Acknowledgement.status),
               col(Acknowledgement.due_at), col(Acknowledgement.acknowledged_at))
        .select_from(Acknowledgement)
        .join(Version, col(Version.id) == Acknowledgement.version_id)
        .join(Document, col(Document.effective_version_id) == Version.id)
        .join(User, col(User.id) == Acknowledgement.user_id)
        .join(Unit, col(Unit.id) == Acknowledgement.unit_id)
        .where(col(Acknowledgement.status).in_((TaskState.PENDING, TaskState.ACKNOWLEDGED)),
               col(Version.status) == Status.EFFECTIVE)
    )
    if unit:
        found = session.execute(select(Unit).where(col(Unit.code) == unit.upper())).scalar_one_or_none()
        if found is None:
            raise ValidationFailed("unit", _("Unit %(code)s does not exist.", code=unit))
        chosen = (found.code, found.name)
        query = query.where(Acknowledgement.unit_id == found.id)
    rows = session.execute(query.order_by(Unit.name, Document.code, User.full_name, User.username)).all()
    return AcknowledgementReport(now or utcnow(), chosen, [ReportLine(*row) for row in rows])


def acknowledgement_csv(report: AcknowledgementReport, zone: ZoneInfo) -> bytes:
    """For Excel, through :func:`qms.core.csv_export.csv_bytes` like every export."""
    rows: list[list[str]] = [[_("Unit"), _("Code"), _("Title"), _("Revision"), _("Full name"), _("Username"),
                              _("Status"), _("Due date"), _("Acknowledged at")]]
    for line in report.lines:
        status = task_label(line.state(report.generated_at))
        rows.append([
            line.unit_name, line.code, line.title, f"{line.revision:02d}", line.full_name, line.username,
            status, line.due_at.astimezone(zone).strftime("%d/%m/%Y"),
            line.acknowledged_at.astimezone(zone).strftime("%d/%m/%Y %H:%M")
            if line.acknowledged_at else "",
        ])
    return csv_bytes(rows)

"""Distributing a version to units, roles and people, and acknowledging it.

A distribution is expanded to the active users it covers at the moment of issue; each
gets an acknowledgement task with a due date. The rows are written with Core bulk
inserts, so a distribution to a thousand people is a handful of statements.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, insert, select, update
from sqlmodel import Session, col

from qms.accounts.auth import Principal
from qms.accounts.models import Unit, User
from qms.audit import service as audit
from qms.core.clock import local_today
from qms.core.db import pk, utcnow
from qms.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from qms.core.i18n import _
from qms.distribution import tally
from qms.distribution.choices import CopyState, TaskState
from qms.distribution.models import Acknowledgement, Distribution, PaperCopy, task_state
from qms.distribution.policy import can_distribute, can_follow_distribution
from qms.distribution.schemas import DistributionRequest
from qms.distribution.targets import Expansion, Person, Targets, due_after, expand
from qms.documents import access
from qms.documents.choices import Status
from qms.documents.models import Document, Version, version_ref
from qms.documents.read import version_link
from qms.documents.service import allowed_unit_ids, load_version
from qms.notify import notifications

DISTRIBUTABLE = (Status.APPROVED, Status.EFFECTIVE)


@dataclass(frozen=True)
class Recipient:
    person: Person
    unit_code: str
    unit_name: str
    new: bool
    #: Taken off the distribution earlier and now given the task again.
    reopened: bool = False


@dataclass
class Plan:
    """What a distribution would do; the preview shows it, the confirmation writes it."""

    document: Document
    version: Version
    targets: Targets
    due_at: datetime
    recipients: list[Recipient] = field(default_factory=list)
    not_allowed: int = 0
    copy_holders: list[User] = field(default_factory=list)

    @property
    def new_count(self) -> int:
        return sum(recipient.new for recipient in self.recipients)


def targets_of(data: DistributionRequest) -> Targets:
    return Targets(units=tuple((code.upper(), data.include_subunits) for code in data.units),
                   roles=tuple(data.roles), users=tuple(name.lower() for name in data.users))


def _unit_labels(session: Session, unit_ids: set[int]) -> dict[int, tuple[str, str]]:
    if not unit_ids:
        return {}
    return {row.id: (row.code, row.name) for row in session.execute(
        select(col(Unit.id), col(Unit.code), col(Unit.name)).where(col(Unit.id).in_(list(unit_ids)))).all()}


def _holders(session: Session, usernames: list[str]) -> list[User]:
    found = {user.username: user for user in session.execute(
        select(User).where(col(User.username).in_(usernames))).scalars()} if usernames else {}
    holders = []
    for name in usernames:
        user = found.get(name)
        if user is None or not user.active:
            raise ValidationFailed("paper_copies", _("User %(username)s does not exist or is inactive.",
                                                     username=name))
        holders.append(user)
    return holders


def _start_day(version: Version, zone: ZoneInfo) -> date:
    today = local_today(zone)
    if version.effective_date and version.effective_date > today:
        return version.effective_date
    return today


def plan(session: Session, document: Document, version: Version, targets: Targets, due_days: int,
          holders: list[str], zone: ZoneInfo) -> Plan:
    if version.status not in DISTRIBUTABLE:
        raise Conflict(_("Only an approved or effective version can be distributed; revision %(rev)s is "
                         "%(status)s.", rev=f"{version.revision:02d}",
                         status=Status.in_sentence(version.status)))
    expansion: Expansion = expand(session, document, targets)
    existing = dict(session.execute(
        select(col(Acknowledgement.user_id), col(Acknowledgement.status))
        .where(col(Acknowledgement.version_id) == version.id)).all())
    labels = _unit_labels(session, {person.unit_id for person in expansion.people})
    result = Plan(document, version, targets, due_after(_start_day(version, zone), due_days, zone),
                not_allowed=expansion.not_allowed,
                copy_holders=_without_copy(session, version, _holders(session, holders)))
    result.recipients = [
        Recipient(person, *labels[person.unit_id], new=existing.get(person.id) in (None, TaskState.REMOVED),
                  reopened=existing.get(person.id) == TaskState.REMOVED)
        for person in expansion.people
    ]
    if not result.recipients and not result.copy_holders:
        if targets.empty:
            raise ValidationFailed("units", _("Choose at least one unit, role or person, or a holder of a "
                                              "paper copy."))
        raise ValidationFailed("units", _("No active user belongs to the units and roles chosen."))
    return result


def require_distributor(actor: Principal) -> None:
    can_distribute.require(actor)


def _load_for_distribution(session: Session, actor: Principal, code: str, revision: int,
                           lock: bool = False) -> tuple[Document, Version]:
    can_distribute.require(actor)
    return load_version(session, actor, code, revision, lock=lock)


def preview(session: Session, actor: Principal, code: str, revision: int, data: DistributionRequest,
            zone: ZoneInfo) -> Plan:
    """Who a distribution would reach, without writing anything."""
    document, version = _load_for_distribution(session, actor, code, revision)
    return plan(session, document, version, targets_of(data), data.due_days,
                 [copy.holder for copy in data.paper_copies], zone)


def distribute(session: Session, actor: Principal, code: str, revision: int, data: DistributionRequest,
               zone: ZoneInfo) -> Plan:
    document, version = _load_for_distribution(session, actor, code, revision, lock=True)
    planned = plan(session, document, version, targets_of(data), data.due_days,
                   [copy.holder for copy in data.paper_copies], zone)
    issue(session, actor, planned, data.due_days, zone=zone)
    return planned


def issue(session: Session, actor: Principal | None, planned: Plan, due_days: int, *, zone: ZoneInfo,
          carried_over_from: int | None = None) -> Distribution:
    """Write a planned distribution: tasks, notifications, paper copies, one audit event."""
    document, version = planned.document, planned.version
    now = utcnow()
    new = [recipient for recipient in planned.recipients if recipient.new]
    distribution = Distribution(version_id=pk(version), targets=planned.targets.to_json(), due_days=due_days,
                                due_at=planned.due_at, recipients_added=len(new),
                                carried_over_from=carried_over_from,
                                # A carried-over distribution is the system's, whoever's action caused it.
                                created_by_id=actor.id if actor and carried_over_from is None else None,
                                created_at=now)
    session.add(distribution)
    session.flush()
    reopened = [r.person.id for r in new if r.reopened]
    if reopened:
        session.execute(update(Acknowledgement).where(
            col(Acknowledgement.version_id) == version.id, col(Acknowledgement.user_id).in_(reopened)
        ).values(status=TaskState.PENDING, distribution_id=distribution.id, assigned_at=now,
                 due_at=planned.due_at, closed_at=None, acknowledged_at=None, last_reminded_on=None))
    fresh = [r for r in new if not r.reopened]
    if fresh:
        session.execute(insert(Acknowledgement), [
            {"version_id": version.id, "user_id": r.person.id, "unit_id": r.person.unit_id,
             "distribution_id": distribution.id, "status": TaskState.PENDING, "assigned_at": now,
             "due_at": planned.due_at, "reminders_sent": 0}
            for r in fresh
        ])
    if version.status == Status.EFFECTIVE:
        notify_recipients(session, document, version, [r.person.id for r in new], planned.due_at, zone)
    tally.rebuild(session, version.id)
    copies = issue_copies(session, actor, version, planned.copy_holders, distribution.id)
    audit.record(session, actor=actor, actor_username=None if actor else "system",
                 action="distribution.create", object_type="version",
                 object_id=version_ref(document, version),
                 details={"targets": planned.targets.to_json(), "due_at": planned.due_at.isoformat(),
                          "recipients": len(planned.recipients), "added": len(new),
                          "paper_copies": [f"{copy.number:02d}" for copy in copies],
                          "carried_over_from": carried_over_from})
    return distribution


def notify_recipients(session: Session, document: Document, version: Version, user_ids: list[int],
                      due_at: datetime, zone: ZoneInfo) -> None:
    due = due_at.astimezone(zone).strftime("%d/%m/%Y")
    notifications.send(session, user_ids, notifications.DISTRIBUTED,
                       {"code": document.code, "title": version.title or document.title,
                        "revision": version.revision, "due": due},
                       version_link(document, version), key=f"{notifications.DISTRIBUTED}:{version.id}")


def issue_copies(session: Session, actor: Principal | None, version: Version, holders: list[User],
                 distribution_id: int | None) -> list[PaperCopy]:
    """Controlled copies numbered 01, 02, … per version, in the order the holders were given."""
    holders = _without_copy(session, version, holders)
    if not holders:
        return []
    last = session.execute(select(col(PaperCopy.number)).where(col(PaperCopy.version_id) == version.id)
                           .order_by(col(PaperCopy.number).desc()).limit(1)).scalar_one_or_none() or 0
    labels = _unit_labels(session, {holder.unit_id for holder in holders})
    copies = [PaperCopy(version_id=pk(version), number=last + index, holder_id=pk(holder),
                        holder_name=holder.full_name, holder_unit=labels[holder.unit_id][1],
                        issued_by_id=actor.id if actor else None)
              for index, holder in enumerate(holders, start=1)]
    session.add_all(copies)
    session.flush()
    return copies


def _without_copy(session: Session, version: Version, holders: list[User]) -> list[User]:
    """The holders, each once, less those who already hold a copy of ``version`` in force: a
    distribution repeated to the same people issues no second copy."""
    held = set(session.execute(select(col(PaperCopy.holder_id)).where(
        col(PaperCopy.version_id) == version.id,
        col(PaperCopy.status) == CopyState.ISSUED)).scalars()) if holders else set()
    kept: list[User] = []
    for holder in holders:
        if holder.id not in held:
            held.add(holder.id)
            kept.append(holder)
    return kept


def remove_recipient(session: Session, actor: Principal, code: str, revision: int, username: str) -> None:
    """Take someone off the distribution of a version before they acknowledged it."""
    document, version = _load_for_distribution(session, actor, code, revision, lock=True)
    task = session.execute(
        select(Acknowledgement).join(User, col(User.id) == Acknowledgement.user_id)
        .where(col(Acknowledgement.version_id) == version.id, col(User.username) == username.lower())
        .with_for_update(of=Acknowledgement)
    ).scalar_one_or_none()
    if task is None or task.status == TaskState.REMOVED:
        raise NotFound(_("%(username)s is not among the recipients of this version.", username=username))
    if task.status != TaskState.PENDING:
        raise Conflict(_("%(username)s has already acknowledged this version; the record is kept.",
                         username=username))
    task.status = TaskState.REMOVED
    task.closed_at = utcnow()
    session.add(task)
    session.flush()
    tally.rebuild(session, version.id)
    audit.record(session, actor=actor, action="distribution.remove_recipient", object_type="version",
                 object_id=version_ref(document, version), details={"username": username.lower()})


def acknowledge(session: Session, actor: Principal, code: str, revision: int) -> Acknowledgement:
    """The recipient confirms they read and understood the version; idempotent.

    Shared locks on the document's row, then the version's, taken in the order every writer
    follows (the lifecycle and distribution take them exclusively, before the audit chain's):
    the version cannot end, nor its tally be rebuilt, until this commits, and nobody waits
    on anyone in a circle.
    """
    document = session.execute(select(Document).where(col(Document.code) == code.upper())
                               .with_for_update(read=True)).scalar_one_or_none()
    version = session.execute(select(Version).where(
        Version.document_id == document.id, col(Version.revision) == revision).with_for_update(read=True)
    ).scalar_one_or_none() if document is not None else None
    task = session.execute(select(Acknowledgement).where(
        Acknowledgement.version_id == version.id, col(Acknowledgement.user_id) == actor.id
    ).with_for_update()).scalar_one_or_none() if version is not None else None
    if task is None or task.status == TaskState.REMOVED:
        if document is None or not access.can_see(actor, document, allowed_unit_ids(session, document)):
            raise access.not_found(code)
        if version is None:
            raise NotFound(_("Revision %(rev)s of %(code)s does not exist.", rev=f"{revision:02d}",
                             code=document.code))
        raise Forbidden(_("This version of %(code)s was not distributed to you.", code=document.code))
    assert document is not None and version is not None
    if version.status != Status.EFFECTIVE:
        if version.status == Status.APPROVED:
            raise Conflict(_("Revision %(rev)s of %(code)s is not in force yet.",
                             rev=f"{revision:02d}", code=document.code))
        raise Conflict(_("Revision %(rev)s of %(code)s is no longer in force; read the current one.",
                         rev=f"{revision:02d}", code=document.code))
    if task.status == TaskState.ACKNOWLEDGED:
        return task
    task.status = TaskState.ACKNOWLEDGED
    task.acknowledged_at = utcnow()
    session.add(task)
    session.flush()
    tally.count_acknowledgement(session, task)
    notifications.mark_read(session, actor, link=version_link(document, version))
    audit.record(session, actor=actor, action="distribution.acknowledge", object_type="version",
                 object_id=version_ref(document, version),
                 details={"content_hash": version.content_hash,
                          "overdue": task.due_at < task.acknowledged_at})
    return task


def my_task(session: Session, actor: Principal, version: Version) -> Acknowledgement | None:
    """The actor's acknowledgement task for ``version``, if it was distributed to them."""
    task = session.execute(select(Acknowledgement).where(
        col(Acknowledgement.version_id) == version.id,
        col(Acknowledgement.user_id) == actor.id)).scalar_one_or_none()
    return None if task is None or task.status == TaskState.REMOVED else task


@dataclass(frozen=True)
class TaskView:
    status: str
    due_at: datetime
    acknowledged_at: datetime | None
    #: The revision in force before this one, to show what changed since.
    previous_revision: int | None = None

    @property
    def overdue(self) -> bool:
        return self.status == TaskState.PENDING and self.due_at < utcnow()

    @property
    def late(self) -> bool:
        """Acknowledged, but after the due date."""
        state = task_state(self.status, self.due_at, self.acknowledged_at, utcnow())
        return state == TaskState.ACKNOWLEDGED_LATE


def task_view(session: Session, actor: Principal, version: Version) -> TaskView | None:
    """What the version page says to the actor about their acknowledgement, if any."""
    task = my_task(session, actor, version)
    if task is None:
        return None
    previous = None
    if task.status == TaskState.PENDING:
        previous = session.execute(select(func.max(Version.revision)).where(
            col(Version.document_id) == version.document_id, col(Version.revision) < version.revision,
            col(Version.status).in_((Status.SUPERSEDED, Status.OBSOLETE)))).scalar_one_or_none()
    return TaskView(task.status, task.due_at, task.acknowledged_at, previous)


def load_followed_version(session: Session, actor: Principal, code: str,
                          revision: int) -> tuple[Document, Version]:
    """A version whose distribution the actor may follow (quality officer, head, auditor)."""
    can_follow_distribution.require(actor)
    return load_version(session, actor, code, revision)

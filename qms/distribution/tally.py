"""The acknowledgement tally: per version, unit and distribution, how many tasks are open or
acknowledged. The dashboard reads it instead of every acknowledgement row.

It is rebuilt for one version from its rows after every change of many rows (a distribution,
a recipient removed, the version ending), and incremented when someone acknowledges. An
acknowledgement holds shared locks on its document's and version's rows, a distribution or a
lifecycle change exclusive ones, so a rebuild never misses an acknowledgement in progress.
"""

from __future__ import annotations

from sqlalchemy import case, delete, func, insert, select, update
from sqlalchemy.engine import Connection
from sqlmodel import Session, col

from qms.distribution.choices import TaskState
from qms.distribution.models import Acknowledgement, AcknowledgementTally

COUNTED = (TaskState.PENDING, TaskState.ACKNOWLEDGED)


def rebuild(session: Session | Connection, version_id: int | None = None) -> None:
    """Count again from the acknowledgement rows: of one version, or of all (``version_id=None``)."""
    clear = delete(AcknowledgementTally)
    acknowledged = func.sum(case((col(Acknowledgement.status) == TaskState.ACKNOWLEDGED, 1), else_=0))
    late = func.sum(case(((col(Acknowledgement.status) == TaskState.ACKNOWLEDGED)
                          & (col(Acknowledgement.acknowledged_at) > Acknowledgement.due_at), 1), else_=0))
    grouped = (
        select(col(Acknowledgement.version_id), col(Acknowledgement.unit_id),
               col(Acknowledgement.distribution_id), func.max(col(Acknowledgement.due_at)), func.count(),
               acknowledged, late)
        .where(col(Acknowledgement.status).in_(COUNTED))
        .group_by(col(Acknowledgement.version_id), col(Acknowledgement.unit_id),
                  col(Acknowledgement.distribution_id))
    )
    if version_id is not None:
        clear = clear.where(col(AcknowledgementTally.version_id) == version_id)
        grouped = grouped.where(col(Acknowledgement.version_id) == version_id)
    session.execute(clear)
    session.execute(insert(AcknowledgementTally).from_select(
        ["version_id", "unit_id", "distribution_id", "due_at", "total", "acknowledged", "late"], grouped))


def count_acknowledgement(session: Session, task: Acknowledgement) -> None:
    session.execute(
        update(AcknowledgementTally)
        .where(col(AcknowledgementTally.version_id) == task.version_id,
               col(AcknowledgementTally.unit_id) == task.unit_id,
               col(AcknowledgementTally.distribution_id) == task.distribution_id)
        .values(acknowledged=AcknowledgementTally.acknowledged + 1,
                late=AcknowledgementTally.late + int(task.acknowledged_at is not None
                                                     and task.acknowledged_at > task.due_at))
    )

"""What distribution adds to the document and version pages: for a reader the revision was
distributed to, a line under the title and the confirmation at the end of the text; for those
who follow distribution, the link to the revision's distribution."""

from __future__ import annotations

from sqlmodel import Session

from qms.accounts.auth import Principal
from qms.distribution import service
from qms.distribution.policy import can_follow_distribution
from qms.documents.choices import Status
from qms.documents.models import Document, Version
from qms.documents.panels import Panel

#: The revisions whose distribution can be followed from their pages.
FOLLOWED = (Status.APPROVED, Status.EFFECTIVE, Status.SUPERSEDED, Status.OBSOLETE)


def _acknowledgement(session: Session, actor: Principal, version: Version,
                     with_task: bool) -> list[Panel] | None:
    task = service.task_view(session, actor, version) if with_task else None
    follow = can_follow_distribution(actor) and version.status in FOLLOWED
    if task is None and not follow:
        return None
    context = {"task": task, "follow": follow}
    panels = [Panel("distribution/_ack_panel.html", context, slot="end")]
    return [Panel("distribution/_ack_note.html", context, slot="notice"), *panels] if task else panels


def document_acknowledgement(session: Session, actor: Principal, document: Document,
                             version: Version | None) -> list[Panel] | None:
    """On the document's page, the reader's task for its version in force."""
    if version is None:
        return None
    return _acknowledgement(session, actor, version, with_task=version.status == Status.EFFECTIVE)


def version_acknowledgement(session: Session, actor: Principal, document: Document,
                            version: Version | None) -> list[Panel] | None:
    return None if version is None else _acknowledgement(session, actor, version, with_task=True)

"""What distribution adds to the document and version pages for a reader the revision was
distributed to: a line under the title, and the confirmation at the end of the text."""

from __future__ import annotations

from sqlmodel import Session

from qms.accounts.auth import Principal
from qms.distribution import service
from qms.documents.choices import Status
from qms.documents.models import Document, Version
from qms.documents.panels import Panel


def _acknowledgement(session: Session, actor: Principal, version: Version) -> list[Panel] | None:
    task = service.task_view(session, actor, version)
    if task is None:
        return None
    context = {"task": task}
    return [Panel("distribution/_ack_note.html", context, slot="notice"),
            Panel("distribution/_ack_panel.html", context, slot="end")]


def document_acknowledgement(session: Session, actor: Principal, document: Document,
                             version: Version | None) -> list[Panel] | None:
    """On the document's page, for its version in force."""
    if version is None or version.status != Status.EFFECTIVE:
        return None
    return _acknowledgement(session, actor, version)


def version_acknowledgement(session: Session, actor: Principal, document: Document,
                            version: Version | None) -> list[Panel] | None:
    return None if version is None else _acknowledgement(session, actor, version)

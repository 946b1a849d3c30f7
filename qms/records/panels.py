"""What generated records add to the document pages: the records of the revision in force on
the document page; a version's downloads and the print dialog on the version page."""

from __future__ import annotations

from sqlmodel import Session

from qms.accounts.auth import Principal
from qms.documents.models import Document, Version
from qms.documents.panels import Panel


def document_downloads(session: Session, actor: Principal, document: Document,
                       version: Version | None) -> Panel | None:
    """The page shows the version in force when there is one."""
    if version is None or version.id != document.effective_version_id:
        return None
    return Panel("records/_document_downloads.html", {"revision": version.revision}, slot="notice")


def version_downloads(session: Session, actor: Principal, document: Document,
                      version: Version | None) -> Panel | None:
    return None if version is None else Panel("records/_version_downloads.html", slot="notice")

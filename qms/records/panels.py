"""What generated records add to the version page: its downloads and the print dialog."""

from __future__ import annotations

from sqlmodel import Session

from qms.accounts.auth import Principal
from qms.documents.models import Document, Version
from qms.documents.panels import Panel


def version_downloads(session: Session, actor: Principal, document: Document,
                      version: Version | None) -> Panel | None:
    return None if version is None else Panel("records/_version_downloads.html", slot="notice")

"""How generated records plug in: reports, the print dialog and the public check pages (pages
and API); the downloads of the document and version pages; the approver's own signature, opened at
approval; the signed original, made once the transaction that brought a version into force
commits; the check of signed originals in the store. The settings whose certificate signs
are those the app or command runs with (``qms.core.config.chosen``)."""

from __future__ import annotations

from fastapi import FastAPI

from qms.core import db, web
from qms.documents import events, integrity, panels
from qms.records import api, approver_signing, listeners, views
from qms.records import integrity as record_integrity
from qms.records import panels as record_panels


def setup(app: FastAPI | None) -> None:
    events.on_approval_signed(approver_signing.open_approvers_key)
    events.on_effective(listeners.sign_effective_version)
    db.on_sessions("after_commit", listeners.sign_committed)
    db.on_sessions("after_rollback", listeners.forget_rolled_back)
    integrity.stored_files_check("signed_record")(record_integrity.signed_record_bytes)
    panels.on_document_page(record_panels.document_downloads)
    panels.on_version_page(record_panels.version_downloads)
    if app is not None:
        web.include_routers(app, views.router, api.router)

"""How the audit trail plugs in: the journal that follows every session's commits, and the
anchor of the installation's data folder for the app's database. Every capability records its
events through :func:`qms.audit.service.record`; the trail's page and API are the auditor's, in
compliance; who reads them is asked in templates too."""

from __future__ import annotations

from fastapi import FastAPI

from qms.audit import anchor, policy, service
from qms.core import db, web


def setup(app: FastAPI | None) -> None:
    web.add_template_globals(policy.TEMPLATE_GLOBALS)
    db.on_sessions("after_commit", service.journal_committed_head)
    db.on_sessions("after_soft_rollback", service.forget_rolled_back)
    if app is not None:
        anchor.bind(app.state.engine, app.state.settings)

"""How the audit trail plugs in: the anchor of the installation's data folder for the app's
database. Every capability records its events through :func:`qms.audit.service.record`; the
trail's page and API are the auditor's, in compliance."""

from __future__ import annotations

from fastapi import FastAPI

from qms.audit import anchor


def setup(app: FastAPI | None) -> None:
    if app is not None:
        anchor.bind(app.state.engine, app.state.settings)

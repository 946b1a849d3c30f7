"""How compliance plugs in: the auditor's workspace, the audit trail page, the compliance report
and the audit pack (pages and API)."""

from __future__ import annotations

from fastapi import FastAPI

from qms.compliance import api, trail_api, trail_views, views
from qms.core import web


def setup(app: FastAPI | None) -> None:
    if app is not None:
        web.include_routers(app, trail_views.router, views.router, trail_api.router, api.router)

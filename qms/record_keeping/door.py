"""How record keeping plugs in: the records each document produces (pages, API and the panel
of the document page), the agency's records register and the retention categories."""

from __future__ import annotations

from fastapi import FastAPI

from qms.core import web
from qms.documents import panels
from qms.record_keeping import api, labels, views


def setup(app: FastAPI | None) -> None:
    web.add_template_globals(labels.TEMPLATE_GLOBALS)
    panels.on_document_page(views.records_panel)
    if app is not None:
        web.include_routers(app, views.router, api.router)

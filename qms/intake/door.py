"""How intake plugs in: importing existing Word procedures (page and API); the procedure
library's importer is a command (``qms import-procedures``)."""

from __future__ import annotations

from fastapi import FastAPI

from qms.core import web
from qms.intake import api, views


def setup(app: FastAPI | None) -> None:
    if app is not None:
        web.include_routers(app, views.router, api.router)

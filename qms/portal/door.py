"""How the public portal plugs in: its pages, without sign-in."""

from __future__ import annotations

from fastapi import FastAPI

from qms.core import web
from qms.portal import views


def setup(app: FastAPI | None) -> None:
    if app is not None:
        web.include_routers(app, views.router)

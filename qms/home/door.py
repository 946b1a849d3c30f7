"""How the home page plugs in: the first page each person sees after signing in."""

from __future__ import annotations

from fastapi import FastAPI

from qms.core import web
from qms.home import views


def setup(app: FastAPI | None) -> None:
    if app is not None:
        web.include_routers(app, views.router)

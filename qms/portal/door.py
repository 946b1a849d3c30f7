"""How the public portal plugs in: its pages, without sign-in."""

from __future__ import annotations

from fastapi import FastAPI

from qms.portal import views


def setup(app: FastAPI | None) -> None:
    if app is not None:
        app.include_router(views.router)

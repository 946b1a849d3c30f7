"""The capabilities of qms and the order their doors open in.

Each capability plugs in through its door, ``<capability>/door.py``: ``setup(app)`` includes
its pages and API and registers what it adds to the others (listeners of the lifecycle,
panels of the document pages, template globals, daily jobs). ``create_app`` opens every door
with its app; a command that runs services without serving (``qms seed``, ``qms run-jobs``)
opens them with none, which registers everything but the routes. Pages are matched in the
order of this list, before the API: the pages people open most come first.
"""

from __future__ import annotations

from fastapi import FastAPI

from qms.accounts import door as accounts
from qms.audit import door as audit
from qms.compliance import door as compliance
from qms.core import web
from qms.distribution import door as distribution
from qms.documents import door as documents
from qms.files import door as files
from qms.home import door as home
from qms.intake import door as intake
from qms.library import door as library
from qms.notify import door as notify
from qms.portal import door as portal
from qms.record_keeping import door as record_keeping
from qms.records import door as records

DOORS = (home, accounts, audit, documents, portal, records, distribution, notify, record_keeping, library,
         intake, compliance, files)


def plug_in(app: FastAPI | None = None) -> None:
    """Open every capability's door (again is harmless: each registration is kept once); the
    doors include their routers with :func:`qms.core.web.include_routers`, which puts every
    page before the JSON API."""
    if app is not None:
        app.state.api_routers = []
    for door in DOORS:
        door.setup(app)
    if app is not None:
        web.include_api_routers(app)

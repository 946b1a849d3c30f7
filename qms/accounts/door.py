"""How accounts plug in: sign-in and administration pages, the API, the agency's name on every
page, its permissions for the templates and the daily removal of expired sessions."""

from __future__ import annotations

from fastapi import FastAPI, Request

from qms.accounts import admin_views, api, auth, choices, policy, views
from qms.accounts.agency import AgencyInfo, agency_profile
from qms.audit import labels as audit_labels
from qms.core import jobs, web


def _agency(request: Request) -> AgencyInfo:
    return agency_profile(request.app.state.engine, getattr(request.state, "session", None))


def setup(app: FastAPI | None) -> None:
    web.add_page_context("agency", _agency)
    web.add_template_globals(policy.TEMPLATE_GLOBALS)
    web.add_template_globals({"NotificationMail": choices.NotificationMail})
    audit_labels.add_value_words(choices.NotificationMail.words_in_sentence())
    jobs.register(jobs.Job("sessions", auth.expired_sessions))
    if app is not None:
        web.include_routers(app, views.router, admin_views.router, api.router)

"""How documents plug in: the register, versions, signing, delegation, search and external
documents (pages and API), the words of its templates and its permissions, the panel of an external document,
the review flag of a version citing a law no longer in force, and the daily coming into force."""

from __future__ import annotations

from fastapi import FastAPI

from qms.audit import labels as audit_labels
from qms.core import jobs, web
from qms.documents import (
    api,
    choices,
    delegation_views,
    effective,
    events,
    external,
    external_views,
    labels,
    panels,
    policy,
    search_views,
    version_views,
    views,
)


def setup(app: FastAPI | None) -> None:
    web.add_template_globals(labels.TEMPLATE_GLOBALS)
    web.add_template_globals(policy.TEMPLATE_GLOBALS)
    audit_labels.add_value_words(choices.value_words())
    events.on_effective(external.check_new_version)
    panels.on_document_page(external_views.external_panel)
    jobs.register(jobs.Job("effective", effective.versions_coming_into_force, stage=jobs.CHANGES))
    if app is not None:
        web.include_routers(app, views.router, version_views.router, delegation_views.router,
                            search_views.router, external_views.router, api.router)

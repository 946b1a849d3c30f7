"""How the library plugs in: the files of a version (kept and signed with it, carried to the
next draft, checked in the store), change requests and periodic reviews (pages, API, panels
of the document pages, notices and the daily review reminders) and who sees the reviews."""

from __future__ import annotations

from fastapi import FastAPI

from qms.audit import labels as audit_labels
from qms.core import jobs, web
from qms.documents import content, events, integrity, panels
from qms.library import (
    api,
    attachment_views,
    attachments,
    change_requests,
    choices,
    labels,
    notify,
    policy,
    request_views,
    review_reminders,
    review_views,
)
from qms.library import integrity as attachment_integrity
from qms.library import panels as library_panels
from qms.notify import notifications


def setup(app: FastAPI | None) -> None:
    web.add_template_globals(labels.TEMPLATE_GLOBALS)
    web.add_template_globals(policy.TEMPLATE_GLOBALS)
    audit_labels.add_value_words(choices.ReviewOutcome.words_in_sentence())
    content.frozen_part("attachments")(attachments.signed_files)
    integrity.stored_files_check("attachments")(attachment_integrity.attachment_bytes)
    events.on_created(attachments.carry_over)
    events.on_effective(change_requests.close_requests_in_force)
    for kind in (notify.CHANGE_REQUEST, notify.REVIEW_DUE):
        notifications.register_message(kind, notify.text)
    for provider in (library_panels.files_panel, library_panels.requests_panel, library_panels.review_panel):
        panels.on_document_page(provider)
    for provider in (library_panels.version_files_panel, library_panels.version_requests_panel):
        panels.on_version_page(provider)
    jobs.register(jobs.Job("review-notices", review_reminders.review_notices, daily=True))
    if app is not None:
        web.include_routers(app, attachment_views.router, review_views.router, request_views.router,
                            api.router)

"""How distribution plugs in: distributing and acknowledging (pages and API), the reader's
confirmation on the document pages, the words and permissions of its templates, what it does when a version
comes into force or ends, and the daily reminders."""

from __future__ import annotations

from fastapi import FastAPI

from qms.audit import labels as audit_labels
from qms.core import jobs, web
from qms.distribution import api, choices, labels, listeners, panels, policy, reading_views, reminders, views
from qms.documents import events
from qms.documents import panels as document_panels


def setup(app: FastAPI | None) -> None:
    web.add_template_globals(labels.TEMPLATE_GLOBALS)
    web.add_template_globals(policy.TEMPLATE_GLOBALS)
    audit_labels.add_value_words(choices.CopyState.words_in_sentence())
    events.on_ended(listeners.close_tasks_and_recall_copies)
    events.on_effective(listeners.distribute_new_version)
    document_panels.on_document_page(panels.document_acknowledgement)
    document_panels.on_version_page(panels.version_acknowledgement)
    jobs.register(jobs.Job("acknowledgement-reminders", reminders.acknowledgement_reminders, daily=True))
    if app is not None:
        web.include_routers(app, views.router, reading_views.router, api.router)

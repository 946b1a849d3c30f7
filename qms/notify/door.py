"""How notices plug in: the notifications page and the bell, telling whose turn it is at each
signed step and a deputy given a delegation, and sending the digests and the e-mail outbox."""

from __future__ import annotations

from fastapi import FastAPI

from qms.core import jobs, web
from qms.documents import events
from qms.notify import labels, notifications, views, workflow_notices


def setup(app: FastAPI | None) -> None:
    web.add_template_globals(labels.TEMPLATE_GLOBALS)
    events.on_step(workflow_notices.tell_whose_turn)
    events.on_delegated(workflow_notices.tell_the_deputy)
    jobs.register(jobs.Job("digests", notifications.daily_digests))
    jobs.register(jobs.Job("mail", notifications.outgoing_mail, stage=jobs.SENDING))
    if app is not None:
        web.include_routers(app, views.router)

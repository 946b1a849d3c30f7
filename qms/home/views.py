from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from qms.accounts.deps import PageUser
from qms.accounts.policy import can_manage_accounts
from qms.core.clock import local_today
from qms.core.deps import SessionDep, SettingsDep
from qms.core.roles import role_label
from qms.core.web import render
from qms.distribution import dashboard as distribution_dashboard
from qms.distribution import paper
from qms.distribution.policy import can_follow_distribution
from qms.distribution.reading import reading_list
from qms.documents import service as documents
from qms.documents.pending import pending_actions
from qms.documents.policy import can_manage_documents, has_signing_tasks
from qms.library.dashboard import library_health
from qms.library.form_shelf import form_shelf
from qms.notify import notifications
from qms.records.certificates import expiry_warning

router = APIRouter(include_in_schema=False)


@router.get("/")
async def home(request: Request, session: SessionDep, user: PageUser, settings: SettingsDep) -> Response:
    signs = has_signing_tasks(user)
    follows = can_follow_distribution(user)
    return render(request, "home/index.html", {
        "role_names": [role_label(role) for role in sorted(user.roles)],
        "your_turn": notifications.your_turn(session, user),
        "actions": pending_actions(session, user, local_today(settings.zone)) if signs else None,
        "counts": documents.library_counts(session) if can_manage_documents(user) else None,
        "reading": reading_list(session, user),
        "acknowledgements": distribution_dashboard.agency_tally(session, user) if follows else None,
        "to_recall": paper.to_recall_count(session) if follows else 0,
        "library": library_health(session, user, local_today(settings.zone)),
        "shelf": form_shelf(session, user),
        "certificate_expiry": expiry_warning(settings) if can_manage_accounts(user) else None,
    })

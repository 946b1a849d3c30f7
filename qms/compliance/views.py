"""Page: the compliance report, with the audit pack to download."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from qms.accounts.deps import PageUser
from qms.compliance.checks import compliance_report
from qms.compliance.policy import can_download_pack
from qms.core.clock import local_today
from qms.core.deps import SessionDep, SettingsDep
from qms.core.web import render
from qms.files.storage import file_store

router = APIRouter(include_in_schema=False)


@router.get("/compliance")
def compliance_page(request: Request, session: SessionDep, user: PageUser, settings: SettingsDep) -> Response:
    today = local_today(settings.zone)
    clauses = compliance_report(session, user, today, settings.zone, file_store(settings))
    return render(request, "compliance/report.html", {
        "clauses": clauses, "today": today, "total": sum(len(c.findings) for c in clauses),
        "can_pack": can_download_pack(user),
    })

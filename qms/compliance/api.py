"""JSON API: the compliance report and the audit pack."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response
from pydantic import BaseModel

from qms.accounts.deps import CurrentUser
from qms.compliance.checks import compliance_report
from qms.compliance.pack import build_audit_pack
from qms.core.api_docs import error_responses
from qms.core.clock import local_today
from qms.core.deps import SessionDep, SettingsDep
from qms.files.storage import file_store

router = APIRouter(prefix="/api/v1/reports", tags=["compliance"], responses=error_responses(401, 403, 422))


class FindingPublic(BaseModel):
    object: str
    message: str
    link: str


class ClausePublic(BaseModel):
    clause: str
    title: str
    findings: list[FindingPublic]


@router.get("/compliance", response_model=list[ClausePublic])
def compliance(session: SessionDep, user: CurrentUser, settings: SettingsDep) -> list[ClausePublic]:
    """Findings grouped by ISO 9001 clause (auditor, quality officer)."""
    return [
        ClausePublic(clause=c.clause, title=c.title,
                     findings=[FindingPublic(**f.__dict__) for f in c.findings])
        for c in compliance_report(session, user, local_today(settings.zone), settings.zone,
                                       file_store(settings))
    ]


@router.get("/audit-pack.zip", responses={200: {"content": {"application/zip": {}}}}, response_class=Response)
def audit_pack(session: SessionDep, user: CurrentUser, settings: SettingsDep) -> Response:
    """The audit evidence pack as a ZIP (auditor)."""
    data, _summary = build_audit_pack(session, user, settings)
    name = f"goi-ho-so-danh-gia_{local_today(settings.zone):%Y-%m-%d}.zip"
    return Response(data, media_type="application/zip",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})

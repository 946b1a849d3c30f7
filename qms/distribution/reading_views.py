"""Pages of every signed-in person: the reading list and acknowledging."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from qms.accounts.deps import PageUser
from qms.core.deps import SessionDep
from qms.core.i18n import _
from qms.core.web import redirect, render
from qms.distribution import reading, service

router = APIRouter(include_in_schema=False)


@router.get("/reading")
async def reading_page(request: Request, session: SessionDep, user: PageUser) -> Response:
    return render(request, "distribution/reading.html", {"reading": reading.reading_list(session, user)})


@router.post("/documents/{code}/versions/{rev}/acknowledge")
def acknowledge(code: str, rev: int, request: Request, session: SessionDep, user: PageUser) -> Response:
    service.acknowledge(session, user, code, rev)
    return redirect(f"/documents/{code.upper()}/versions/{rev}", request,
                    _("Recorded: you have read and understood %(code)s, revision %(rev)s.",
                      code=code.upper(), rev=f"{rev:02d}"))



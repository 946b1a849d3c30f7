"""Public pages: /portal and /portal/{code}, no sign-in."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from qms.core.deps import IsHtmx, SessionDep, SettingsDep
from qms.core.web import render
from qms.documents import read
from qms.documents.finder import hits_for
from qms.documents.service import SEARCH_SORTS
from qms.portal import service

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 20


@router.get("/portal")
def portal(request: Request, session: SessionDep, htmx: IsHtmx,
           q: str | None = Query(None, max_length=200), sort: str = Query("relevance", max_length=20),
           page: int = Query(1, ge=1, le=10_000)) -> Response:
    sort = sort if sort in SEARCH_SORTS else "relevance"
    result = service.public_documents(session, q=q, sort=sort, limit=PAGE_SIZE,
                                      offset=(page - 1) * PAGE_SIZE)
    hits = hits_for(session, list(result.items), q or "")
    block = "results" if htmx and request.headers.get("hx-target") == "results" else None
    return render(request, "portal/index.html", {"page": result, "hits": hits, "q": q or "", "sort": sort,
                                                 "sorts": SEARCH_SORTS}, block=block)


@router.get("/portal/{code}.pdf")
def portal_pdf(code: str, session: SessionDep, settings: SettingsDep) -> Response:
    data, name = service.public_pdf(session, settings, code)
    return Response(data, media_type="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{name}"'})


@router.get("/portal/{code}")
def portal_document(code: str, request: Request, session: SessionDep) -> Response:
    document, version = service.public_document(session, code)
    return render(request, "portal/document.html", {
        "document": document, "version": version,
        "detail": read.version_detail(session, document, version),
        "history": read.revision_history(session, document),
    })

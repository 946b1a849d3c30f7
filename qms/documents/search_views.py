"""Page: search everywhere, with live results under the box in the header."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from qms.accounts.deps import PageUser
from qms.core.deps import SessionDep
from qms.core.web import render
from qms.documents.finder import search_everywhere
from qms.documents.models import KINDS
from qms.documents.service import SEARCH_SORTS

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 20
LIVE_SIZE = 6


@router.get("/search")
def search_page(request: Request, session: SessionDep, user: PageUser,
                q: str = Query("", max_length=200), kind: str | None = Query(None, max_length=20),
                sort: str = Query("relevance", max_length=20),
                live: bool = False, page: int = Query(1, ge=1, le=10_000)) -> Response:
    size = LIVE_SIZE if live else PAGE_SIZE
    sort = sort if sort in SEARCH_SORTS else "relevance"
    result = search_everywhere(session, user, q, limit=size, offset=(page - 1) * size,
                               kind=kind or None, sort=sort) if q.strip() else None
    template = "search/_live.html" if live else "search/index.html"
    return render(request, template, {"result": result, "q": q, "kind": kind or "", "kinds": KINDS,
                                      "sort": sort, "sorts": SEARCH_SORTS})

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from qms.accounts.roles import role_label
from qms.deps import PageUser
from qms.web import render

router = APIRouter(include_in_schema=False)


@router.get("/")
def home(request: Request, user: PageUser) -> Response:
    return render(request, "home/index.html",
                  {"role_names": [role_label(role) for role in sorted(user.roles)]})

"""Page: delegation of approval ("KT.") to a deputy for a date range."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from starlette.datastructures import FormData

from qms.accounts.deps import PageUser
from qms.core.clock import local_today
from qms.core.db import roll_back
from qms.core.deps import SessionDep, SettingsDep
from qms.core.errors import QMSError
from qms.core.forms import form_data, parse, present, refusal_fields
from qms.core.i18n import _
from qms.core.web import redirect, refused, render
from qms.documents import delegation, policy, read
from qms.documents.schemas import DelegationCreate

router = APIRouter(include_in_schema=False)
FormDep = Annotated[FormData, Depends(form_data)]


def _page(request: Request, session: SessionDep, user: PageUser, values: dict[str, object],
          errors: dict[str, str], status_code: int = 200) -> Response:
    today = local_today(request.app.state.settings.zone)
    approvers = read.people_with_roles(session, policy.can_approve.roles)
    return render(request, "documents/delegations.html", {
        "delegations": delegation.list_delegations(session, user, today),
        "deputies": [p for p in approvers if p[0] != user.username],
        "names": dict((username, name) for username, name, _title in approvers),
        "values": values, "errors": errors, "can_delegate": policy.can_delegate(user),
        "today": today.isoformat(),
    }, status_code=status_code)


@router.get("/delegations")
def delegations_page(request: Request, session: SessionDep, user: PageUser) -> Response:
    return _page(request, session, user, {}, {})


@router.post("/delegations")
def create_delegation(request: Request, session: SessionDep, user: PageUser, settings: SettingsDep,
                      form: FormDep) -> Response:
    values = present(form, "delegate", "starts_on", "ends_on", "note")
    try:
        data = parse(DelegationCreate, {**values, "password": form.get("password") or None})
        created = delegation.create_delegation(session, user, data, local_today(settings.zone))
    except QMSError as exc:
        roll_back(session, exc)
        return refused(_page(request, session, user, values, refusal_fields(exc, "delegate")), exc)
    return redirect("/delegations", request, _("Approval delegated from %(start)s to %(end)s.",
                                                start=created.starts_on.strftime("%d/%m/%Y"),
                                                end=created.ends_on.strftime("%d/%m/%Y")))


@router.post("/delegations/{delegation_id}/revoke")
def revoke_delegation(delegation_id: int, request: Request, session: SessionDep, user: PageUser) -> Response:
    delegation.revoke_delegation(session, user, delegation_id)
    return redirect("/delegations", request, _("The delegation was revoked."))

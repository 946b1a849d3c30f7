"""JSON API: tokens, the caller, users and units."""

from __future__ import annotations

from fastapi import APIRouter, Request, status
from fastapi.responses import JSONResponse

from qms.accounts import auth, throttle, units, users
from qms.accounts.deps import CurrentUser
from qms.accounts.models import Unit
from qms.accounts.schemas import (
    MeUpdate,
    PasswordChange,
    TokenRequest,
    TokenResponse,
    UnitCreate,
    UnitPublic,
    UnitUpdate,
    UserCreate,
    UserPublic,
    UserUpdate,
)
from qms.core.api_docs import PROTECTED, error_responses
from qms.core.deps import SessionDep, SettingsDep

router = APIRouter(prefix="/api/v1", tags=["accounts"], responses=error_responses(*PROTECTED, 429))


@router.post("/auth/token", response_model=TokenResponse)
def issue_token(body: TokenRequest, request: Request, session: SessionDep,
                settings: SettingsDep) -> TokenResponse | JSONResponse:
    """Sign in: a bearer token for the other calls. Bad credentials answer 401, repeated failures for
    one username or address 429; a password someone else set gives `password_change_required: true`."""
    address = request.client.host if request.client else ""
    outcome = auth.sign_in(session, settings, body.username, body.password, kind=auth.API,
                           address=address, device_cookie=request.cookies.get(throttle.DEVICE_COOKIE))
    if outcome.token is None:
        # Returned, not raised: the failed attempt must be committed to count.
        return JSONResponse({"detail": outcome.error}, status_code=401,
                            headers={"WWW-Authenticate": "Bearer"})
    return TokenResponse(access_token=outcome.token, password_change_required=bool(
        outcome.principal and outcome.principal.must_change_password))


@router.post("/auth/logout", status_code=status.HTTP_204_NO_CONTENT)
def revoke_token(session: SessionDep, user: CurrentUser) -> None:
    """Sign out: the token used for this call stops working."""
    auth.sign_out(session, user)


@router.get("/me", response_model=UserPublic)
def me(session: SessionDep, user: CurrentUser) -> UserPublic:
    """Who the caller is: username, name, title, unit and roles."""
    return users.user_public(session, users.get_user(session, user.username))


@router.patch("/me", response_model=UserPublic)
def update_me(body: MeUpdate, session: SessionDep, user: CurrentUser) -> UserPublic:
    """The caller's own choices: ``notification_mail``, ``immediate`` or ``daily``."""
    if body.notification_mail is not None:
        users.choose_notification_mail(session, user, body.notification_mail)
    return users.user_public(session, users.get_user(session, user.username))


@router.post("/me/password", status_code=status.HTTP_204_NO_CONTENT)
def change_password(body: PasswordChange, session: SessionDep, user: CurrentUser) -> None:
    """Replace one's own password with `current_password` and `new_password`; the only change a
    temporary password allows."""
    users.change_own_password(session, user, body.current_password, body.new_password)


@router.get("/units", response_model=list[UnitPublic])
def list_units(session: SessionDep, user: CurrentUser) -> list[UnitPublic]:
    """The agency's units, each with its parent."""
    return [
        UnitPublic(code=node.unit.code, name=node.unit.name, parent=node.parent_code,
                   active=node.unit.active)
        for node in units.unit_tree(session)
    ]


def _unit_public(session: SessionDep, unit: Unit) -> UnitPublic:
    parent = session.get(Unit, unit.parent_id) if unit.parent_id else None
    return UnitPublic(code=unit.code, name=unit.name, parent=parent.code if parent else None,
                      active=unit.active)


@router.post("/units", response_model=UnitPublic, status_code=status.HTTP_201_CREATED)
def create_unit(body: UnitCreate, session: SessionDep, user: CurrentUser) -> UnitPublic:
    """Add a unit (administrator)."""
    return _unit_public(session, units.create_unit(session, user, body))


@router.patch("/units/{code}", response_model=UnitPublic)
def update_unit(code: str, body: UnitUpdate, session: SessionDep, user: CurrentUser) -> UnitPublic:
    """Rename a unit or move it under another (administrator)."""
    return _unit_public(session, units.update_unit(session, user, code, body))


@router.get("/users", response_model=list[UserPublic])
def list_users(session: SessionDep, user: CurrentUser) -> list[UserPublic]:
    """The agency's user accounts (administrator, quality officer, auditor)."""
    return users.all_users_public(session, user)


@router.post("/users", response_model=UserPublic, status_code=status.HTTP_201_CREATED)
def create_user(body: UserCreate, session: SessionDep, user: CurrentUser) -> UserPublic:
    """Create an account with a temporary password (administrator); the administrator role excludes the
    library's roles (422 on `roles`)."""
    return users.user_public(session, users.create_user(session, user, body))


@router.get("/users/{username}", response_model=UserPublic)
def get_user(username: str, session: SessionDep, user: CurrentUser) -> UserPublic:
    """One user account (administrator, quality officer, auditor)."""
    return users.view_user(session, user, username)


@router.patch("/users/{username}", response_model=UserPublic)
def update_user(username: str, body: UserUpdate, session: SessionDep,
                user: CurrentUser) -> UserPublic:
    """Change an account's name, title, unit, roles or state (administrator); nobody changes their own
    roles (403)."""
    return users.user_public(session, users.update_user(session, user, username, body))


@router.post("/users/{username}/reset-password")
def reset_password(username: str, session: SessionDep, user: CurrentUser) -> dict[str, str]:
    """Set a new temporary password for an account (administrator); its holder must choose their own at
    the next sign-in."""
    return {"username": username.lower(),
            "temporary_password": users.reset_password(session, user, username)}


"""Helpers shared by tests: sign in through the real form or the API, post forms with CSRF."""

from __future__ import annotations

import re
from functools import cache

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlmodel import Session

from qms.accounts.auth import Principal, principal_for
from qms.accounts.models import Unit, User, UserRole
from qms.accounts.passwords import hash_password
from qms.search import fold

PASSWORD = "Matkhau123"


def csrf_token(client: TestClient) -> str:
    """The CSRF token the pages embed (the test client keeps the cookie)."""
    response = client.get("/login")
    match = re.search(r'name="csrf_token" value="([^"]+)"', response.text)
    assert match, "the sign-in page carries a CSRF token"
    return match.group(1)


def login(client: TestClient, username: str, password: str = PASSWORD) -> None:
    token = csrf_token(client)
    response = client.post("/login", data={"username": username, "password": password,
                                           "csrf_token": token}, follow_redirects=False)
    assert response.status_code == 303, response.text


def post_form(client: TestClient, url: str, data: dict[str, object] | None = None, **kwargs: object):
    """POST a form the way the browser does, with the page's CSRF token."""
    payload = dict(data or {})
    payload["csrf_token"] = client.cookies.get("qms_csrf") or csrf_token(client)
    return client.post(url, data=payload, follow_redirects=False, **kwargs)


def api_headers(client: TestClient, username: str, password: str = PASSWORD) -> dict[str, str]:
    response = client.post("/api/v1/auth/token", json={"username": username, "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


@cache
def _password_hash(password: str) -> str:
    return hash_password(password)


class Factory:
    def __init__(self, session: Session) -> None:
        self.session = session

    def unit(self, code: str = "VP", name: str | None = None, parent: str | None = None) -> Unit:
        existing = self.session.execute(select(Unit).where(Unit.code == code)).scalar_one_or_none()
        if existing:
            return existing
        parent_id = self.unit(parent).id if parent else None
        unit = Unit(code=code, name=name or f"Phòng {code}", parent_id=parent_id)
        self.session.add(unit)
        self.session.commit()
        return unit

    def user(self, username: str, *roles: str, unit: str = "VP", full_name: str | None = None,
             password: str = PASSWORD, title: str = "Chuyên viên", active: bool = True) -> Principal:
        unit_row = self.unit(unit)
        name = full_name or username.title()
        user = User(username=username, full_name=name, search_name=fold(name), title=title,
                    unit_id=unit_row.id, email=f"{username}@example.gov.vn",
                    password_hash=_password_hash(password), active=active)
        self.session.add(user)
        self.session.flush()
        self.session.add_all(UserRole(user_id=user.id, role=role) for role in (roles or ("staff",)))
        self.session.flush()
        principal = principal_for(self.session, user)
        self.session.commit()
        return principal

"""Helpers shared by tests: sign in through the real form or the API, post forms with CSRF."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from functools import cache
from zoneinfo import ZoneInfo

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import event, select
from sqlmodel import Session
from starlette.routing import Mount

from qms.accounts.auth import Principal, principal_for
from qms.accounts.models import Unit, User, UserRole
from qms.accounts.passwords import hash_password
from qms.core.clock import local_today
from qms.core.search import fold

PASSWORD = "Qzx-Vbw-48Kr"
#: The agency's zone in the test settings: "today" for the app, which is not the machine's
#: date between 17:00 and 24:00 UTC.
AGENCY_ZONE = ZoneInfo("Asia/Ho_Chi_Minh")


def agency_today() -> date:
    return local_today(AGENCY_ZONE)


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


def app_routes(app: FastAPI) -> list[tuple[str, str]]:
    """Every (method, path) the app answers, HEAD and OPTIONS aside, read from the router itself.

    In this FastAPI version an included router shows as an object with ``original_router``
    (its routes) and ``include_context`` (the prefix it was included with); a mount, such as
    the static files, is listed as ``GET <mount>/{path}``.
    """
    found: set[tuple[str, str]] = set()

    def walk(routes: list, prefix: str) -> None:  # type: ignore[type-arg]
        for route in routes:
            if hasattr(route, "original_router"):
                context = getattr(route, "include_context", None)
                walk(route.original_router.routes, prefix + (getattr(context, "prefix", "") or ""))
            elif isinstance(route, Mount):
                found.add(("GET", f"{prefix}{route.path}/{{path}}"))
            elif getattr(route, "methods", None):
                found.update((method, prefix + route.path) for method in route.methods
                             if method not in ("HEAD", "OPTIONS"))

    walk(app.routes, "")
    return sorted(found)


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


class Api:
    """Calls the JSON API as a named demo person."""

    def __init__(self, client):
        self.client = client
        self._headers: dict[str, dict[str, str]] = {}

    def as_(self, username: str) -> dict[str, str]:
        if username not in self._headers:
            self._headers[username] = api_headers(self.client, username)
        return self._headers[username]

    def get(self, username: str, url: str, **kw):
        return self.client.get(url, headers=self.as_(username), **kw)

    def post(self, username: str, url: str, json=None, **kw):
        return self.client.post(url, json=json, headers=self.as_(username), **kw)

    def patch(self, username: str, url: str, json=None, headers=None, **kw):
        return self.client.patch(url, json=json, headers={**self.as_(username), **(headers or {})}, **kw)

    def create_procedure(self, code: str = "QT-01", title: str = "Quy trình kiểm soát tài liệu", **extra):
        body = {"code": code, "title": title, "kind": "procedure", "owner_unit": "VP",
                "confidentiality": "internal", "review_interval_months": 12, **extra}
        response = self.post("iso", "/api/v1/documents", body)
        assert response.status_code == 201, response.text
        return response.json()

    def edit(self, code: str, rev: int, body: dict, username: str = "iso"):
        version = self.get(username, f"/api/v1/documents/{code}/versions/{rev}").json()
        return self.patch(username, f"/api/v1/documents/{code}/versions/{rev}", body,
                          headers={"If-Match": version["etag"]})

    def fill(self, code: str, rev: int = 1, **sections):
        # A later revision says something new: one identical to the revision in force is refused.
        content = "Nội dung." if rev == 1 else f"Nội dung, sửa đổi lần ban hành {rev:02d}."
        body = {"sections": {"purpose": "Quy định cách kiểm soát tài liệu.", "content": content,
                             **sections},
                "steps": [{"step": "B1", "responsibility": "Văn phòng", "task": "Soạn thảo",
                           "duration": "2 ngày", "output": "Dự thảo"}],
                "change_summary": "Ban hành lần đầu" if rev == 1 else "Sửa đổi mục 5"}
        response = self.edit(code, rev, body)
        assert response.status_code == 200, response.text
        return response.json()

    def submit(self, code: str, rev: int, reviewers=("xemxet",), approver="giamdoc", username="iso",
               password=PASSWORD):
        return self.post(username, f"/api/v1/documents/{code}/versions/{rev}/submit",
                         {"reviewers": list(reviewers), "approver": approver, "password": password})

    def review(self, code: str, rev: int, username="xemxet", decision="reviewed", comment="Đồng ý",
               password=PASSWORD):
        return self.post(username, f"/api/v1/documents/{code}/versions/{rev}/review",
                         {"decision": decision, "comment": comment, "password": password})

    def approve(self, code: str, rev: int, username="giamdoc", decision="approved", comment="",
                password="Qzx-Vbw-48Kr"):
        return self.post(username, f"/api/v1/documents/{code}/versions/{rev}/approve",
                         {"decision": decision, "comment": comment, "password": password})

    def publish(self, code: str, rev: int = 1):
        """Take a filled draft all the way to effective."""
        assert self.submit(code, rev).status_code == 200
        assert self.review(code, rev).status_code == 200
        response = self.approve(code, rev)
        assert response.status_code == 200, response.text
        return response.json()


@contextmanager
def counting(engine) -> Iterator[list[str]]:  # type: ignore[no-untyped-def]
    """The SQL statements run meanwhile, transaction control left out."""
    statements: list[str] = []

    def before(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        if not statement.startswith(("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")):
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", before)

"""Shared fixtures: a migrated database (SQLite by default, PostgreSQL when
``QMS_TEST_DATABASE_URL`` names one), the app, clients and factories.

The schema is built once per run through the real Alembic migrations; every test
starts from empty tables.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select, text
from sqlmodel import Session

from qms.accounts.auth import Principal, principal_for
from qms.accounts.models import Unit, User, UserRole
from qms.accounts.passwords import hash_password
from qms.app import create_app
from qms.config import Settings
from qms.db import make_engine, metadata, new_session
from qms.migrate import upgrade
from qms.search import fold

PASSWORD = "Matkhau123"


def _database_url(tmp_dir: Path) -> str:
    return os.environ.get("QMS_TEST_DATABASE_URL") or f"sqlite:///{tmp_dir / 'test.sqlite3'}"


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("qms-data")


@pytest.fixture(scope="session")
def settings(data_dir: Path) -> Settings:
    return Settings(data_dir=data_dir, database_url=_database_url(data_dir), secret_key="test-secret")


def reset_schema(engine: Engine) -> None:
    """Start a run from an empty database, whatever an earlier run left."""
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))


@pytest.fixture(scope="session")
def engine(settings: Settings) -> Iterator[Engine]:
    engine = make_engine(settings.effective_database_url)
    reset_schema(engine)
    upgrade(engine)
    yield engine
    engine.dispose()


def empty_tables(engine: Engine) -> None:
    with engine.begin() as connection:
        for table in reversed(metadata.sorted_tables):
            connection.execute(table.delete())
        connection.execute(text("INSERT INTO audit_head (id, last_id, last_hash) VALUES (1, 0, :h)"),
                           {"h": "0" * 64})


@pytest.fixture(autouse=True)
def _clean_database(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    if "engine" in request.fixturenames:
        empty_tables(request.getfixturevalue("engine"))


@pytest.fixture(scope="session")
def app(settings: Settings, engine: Engine) -> FastAPI:
    return create_app(settings, engine)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, base_url="http://testserver") as test_client:
        yield test_client


@pytest.fixture
def db(engine: Engine) -> Iterator[Session]:
    """A session for arranging data and inspecting side effects; commits at the end."""
    session = new_session(engine)
    try:
        yield session
        session.commit()
    finally:
        session.close()


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


@pytest.fixture
def make(db: Session) -> Factory:
    return Factory(db)


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

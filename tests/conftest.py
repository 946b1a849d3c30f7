"""Shared fixtures: a migrated database (SQLite by default, PostgreSQL when
``QMS_TEST_DATABASE_URL`` names one), the app, clients and factories.

The schema is built once per run through the real Alembic migrations; every test
starts from empty tables.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlmodel import Session
from support import Api, Factory

from qms.app import create_app
from qms.audit import anchor as audit_anchor
from qms.capabilities import plug_in
from qms.core.config import Settings
from qms.core.db import make_engine, metadata, new_session, utcnow
from qms.core.migrate import upgrade


def _database_url(tmp_dir: Path) -> str:
    return os.environ.get("QMS_TEST_DATABASE_URL") or f"sqlite:///{tmp_dir / 'test.sqlite3'}"


@pytest.fixture(autouse=True, scope="session")
def capabilities_plugged_in() -> None:
    """Services called without an app hear the lifecycle and run the jobs, as under `qms` commands."""
    plug_in()


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("qms-data")


@pytest.fixture(scope="session")
def settings(data_dir: Path) -> Settings:
    return Settings(data_dir=data_dir, database_url=_database_url(data_dir), secret_key="test-secret",
                    scheduler=False)


def reset_schema(engine: Engine) -> None:
    """Start a run from an empty database, whatever an earlier run left."""
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))


@pytest.fixture(scope="session")
def engine(settings: Settings) -> Iterator[Engine]:
    engine = make_engine(settings.effective_database_url)
    audit_anchor.bind(engine, settings)
    audit_anchor.anchor_of(engine).reset()
    reset_schema(engine)
    upgrade(engine)
    yield engine
    engine.dispose()


def empty_tables(engine: Engine) -> None:
    """Empty every table and, with the audit trail, the journal of its head: a new installation."""
    anchor = audit_anchor.anchor_of(engine)
    if anchor is not None:
        anchor.reset()
    tables = [table.name for table in metadata.sorted_tables]
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
            _reset_audit_head(connection)
        return
    raw = engine.raw_connection()  # autocommit on SQLite: the pragma must be outside a transaction
    try:
        cursor = raw.cursor()
        cursor.execute("PRAGMA foreign_keys=OFF")
        cursor.execute("BEGIN IMMEDIATE")
        for table in tables:
            cursor.execute(f"DELETE FROM {table}")
        cursor.execute("INSERT INTO audit_head (id, last_id, last_hash) VALUES (1, 0, ?)", ("0" * 64,))
        cursor.execute("COMMIT")
        cursor.execute("PRAGMA foreign_keys=ON")
    finally:
        raw.close()


def _reset_audit_head(connection: object) -> None:
    connection.execute(  # type: ignore[attr-defined]
        text("INSERT INTO audit_head (id, last_id, last_hash) VALUES (1, 0, :h)"), {"h": "0" * 64}
    )


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


@pytest.fixture
def make(db: Session) -> Factory:
    return Factory(db)


@pytest.fixture
def people(make):
    """The cast of a document's life: quality officer, drafter, reviewers, head and deputy, staff."""
    make.unit("SNV", "Sở Nội vụ")
    make.unit("BGD", "Ban Giám đốc", parent="SNV")
    make.unit("VP", "Văn phòng Sở", parent="SNV")
    make.unit("CCHC", "Phòng Cải cách hành chính", parent="SNV")
    return {
        "iso": make.user("iso", "quality_officer", "staff", unit="VP", full_name="Nguyễn Thị Thu Hà"),
        "soanthao": make.user("soanthao", "drafter", "staff", unit="CCHC", full_name="Lê Văn Hùng"),
        "xemxet": make.user("xemxet", "reviewer", "staff", unit="VP", full_name="Phạm Thị Lan"),
        "xemxet2": make.user("xemxet2", "reviewer", "staff", unit="CCHC", full_name="Đinh Thị Hương"),
        "giamdoc": make.user("giamdoc", "approver", "staff", unit="BGD", full_name="Đặng Văn Bình",
                             title="Giám đốc"),
        "phogiamdoc": make.user("phogiamdoc", "approver", "staff", unit="BGD", full_name="Hoàng Thị Mai",
                                title="Phó Giám đốc"),
        "nhanvien": make.user("nhanvien", "staff", unit="CCHC", full_name="Vũ Văn Khánh"),
        "danhgia": make.user("danhgia", "auditor", unit="VP", full_name="Vũ Đức Thắng"),
    }


@pytest.fixture
def api(client, people):
    return Api(client)


class StoppedClock:
    """The throttle's clock, stopped at one instant: waits are exact whatever the machine's
    speed, and a test moves time on by hand."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.now = utcnow()
        monkeypatch.setattr("qms.accounts.throttle.utcnow", lambda: self.now)

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> StoppedClock:
    return StoppedClock(monkeypatch)

"""Two app processes on one database behave as one app: a session opened on one works
on the other, a stale edit sent to the second process after a save on the first
is refused, and the due jobs both schedulers run are each done once. Each process is the
real `qms serve`."""

from __future__ import annotations

import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
from sqlalchemy import func, select, update
from test_crash_safety import _free_port, _start, _token, server_env  # noqa: F401 (fixture)

from qms.accounts.models import AuthSession, User, UserRole
from qms.audit.models import AuditEvent
from qms.core.clock import local_today
from qms.core.db import make_engine, utcnow
from qms.core.joblock import JobRun
from qms.documents.models import Document, Version
from qms.notify.models import Notification


def test_two_processes_share_sessions_and_refuse_lost_updates(server_env, tmp_path):  # noqa: F811
    seeded = subprocess.run([sys.executable, "-m", "qms.cli", "seed", "--demo"], env=server_env,
                            capture_output=True, text=True, timeout=300)
    assert seeded.returncode == 0, seeded.stderr
    ports = [_free_port(), _free_port()]
    servers = [_start(server_env, port, tmp_path / f"server-{port}.log") for port in ports]
    first, second = (f"http://127.0.0.1:{port}" for port in ports)
    try:
        iso = _token(first, "iso")
        assert httpx.get(f"{second}/api/v1/me", headers=iso).json()["username"] == "iso"

        created = httpx.post(f"{first}/api/v1/documents", headers=iso, json={
            "code": "QT-77", "title": "Quy trình dùng chung", "kind": "procedure", "owner_unit": "VP"})
        assert created.status_code == 201
        etag = httpx.get(f"{second}/api/v1/documents/QT-77/versions/1", headers=iso).json()["etag"]

        def save(base: str, text: str) -> int:
            return httpx.patch(f"{base}/api/v1/documents/QT-77/versions/1",
                               headers={**iso, "If-Match": etag},
                               json={"sections": {"purpose": text}}, timeout=30).status_code

        with ThreadPoolExecutor(2) as pool:
            codes = sorted(pool.map(save, [first, second], ["Bản của máy 1", "Bản của máy 2"]))
        assert codes == [200, 409], "exactly one of two concurrent saves with the same etag wins"
        saved = httpx.get(f"{first}/api/v1/documents/QT-77/versions/1", headers=iso).json()
        assert saved["sections"]["purpose"] in ("Bản của máy 1", "Bản của máy 2")
        verify = httpx.get(f"{second}/api/v1/audit/verify", headers=_token(second, "danhgia")).json()
        assert verify["ok"] is True
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=20)


def _log_lines(logs: list[Path], text: str) -> list[str]:
    return [line for log in logs for line in log.read_text(errors="replace").splitlines() if text in line]


def _wait_for(check, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("waited in vain")
        time.sleep(0.2)


def test_two_processes_each_with_its_scheduler_run_each_due_job_once(server_env, tmp_path):  # noqa: F811
    """Two `qms serve` over one database, each running the due jobs every second: a version
    approved for tomorrow whose day comes, a session that expires and a periodic review that
    falls due are each handled once, by one of them; the daily notice is not repeated."""
    env = {**server_env, "QMS_SCHEDULER_INTERVAL_SECONDS": "1"}
    seeded = subprocess.run([sys.executable, "-m", "qms.cli", "seed", "--demo"], env=env,
                            capture_output=True, text=True, timeout=300)
    assert seeded.returncode == 0, seeded.stderr
    engine = make_engine(env.get("QMS_DATABASE_URL")
                         or f"sqlite:///{Path(env['QMS_DATA_DIR']).resolve() / 'qms.sqlite3'}")
    today = local_today(ZoneInfo("Asia/Ho_Chi_Minh"))
    with engine.begin() as connection:  # a periodic review falls due today, before either starts
        due = connection.execute(
            update(Document).where(Document.id == select(func.min(Document.id))
                                   .where(Document.effective_version_id.is_not(None)).scalar_subquery())
            .values(next_review_on=today).returning(Document.code)).scalar_one()
        officers = connection.execute(
            select(func.count()).select_from(UserRole).join(User, User.id == UserRole.user_id)
            .where(UserRole.role == "quality_officer", User.active)).scalar_one()

    ports = [_free_port(), _free_port()]
    logs = [tmp_path / f"server-{port}.log" for port in ports]
    servers = [_start(env, port, log) for port, log in zip(ports, logs, strict=True)]
    first, second = (f"http://127.0.0.1:{port}" for port in ports)
    try:
        iso, giamdoc = _token(first, "iso"), _token(second, "giamdoc")
        with httpx.Client(base_url=first, headers=iso, timeout=30) as client:
            assert client.post("/api/v1/documents", json={
                "code": "QT-77", "title": "Quy trình dùng chung", "kind": "procedure",
                "owner_unit": "VP"}).status_code == 201
            etag = client.get("/api/v1/documents/QT-77/versions/1").json()["etag"]
            tomorrow = today + timedelta(days=1)
            assert client.patch("/api/v1/documents/QT-77/versions/1", headers={"If-Match": etag}, json={
                "sections": {"purpose": "Mục đích.", "content": "Nội dung."}, "change_summary": "Ban hành",
                "effective_date": tomorrow.isoformat()}).status_code == 200
            assert client.post("/api/v1/documents/QT-77/versions/1/submit", json={
                "reviewers": [], "approver": "giamdoc", "password": "demo1234"}).status_code == 200
        approved = httpx.post(f"{second}/api/v1/documents/QT-77/versions/1/approve", headers=giamdoc,
                              json={"decision": "approved", "comment": "", "password": "demo1234"},
                              timeout=30)
        assert approved.status_code == 200, approved.text
        assert approved.json()["status"] == "approved"

        staff = _token(second, "nhanvien1")
        assert httpx.get(f"{first}/api/v1/me", headers=staff).status_code == 200
        time.sleep(2.5)  # rounds go by on both: nothing is due yet
        assert httpx.get(f"{first}/api/v1/documents/QT-77/versions/1",
                         headers=iso).json()["status"] == "approved"

        with engine.begin() as connection:  # the day comes; the staff member's session expires
            connection.execute(update(Version).where(Version.document_id == select(Document.id)
                                                     .where(Document.code == "QT-77").scalar_subquery())
                               .values(effective_date=today))
            connection.execute(update(AuthSession).where(AuthSession.user_id == select(User.id).where(
                User.username == "nhanvien1").scalar_subquery()).values(expires_at=utcnow()))
        _wait_for(lambda: httpx.get(f"{second}/api/v1/documents/QT-77/versions/1",
                                    headers=iso).json()["status"] == "effective")
        _wait_for(lambda: _log_lines(logs, "expired sessions removed: 1"))
        time.sleep(3)  # more rounds on both: nothing is done twice
        assert httpx.get(f"{first}/api/v1/me", headers=staff).status_code == 401

        assert len(_log_lines(logs, "versions made effective: 1 (QT-77/1)")) == 1
        assert len(_log_lines(logs, "expired sessions removed: 1")) == 1
        assert len(_log_lines(logs, f"quality officers reminded: {officers}")) == 1
        assert _log_lines(logs, " ERROR ") == []
        with engine.connect() as connection:
            events = connection.execute(select(AuditEvent.action, AuditEvent.object_id)
                                        .where(AuditEvent.object_id == "QT-77/1")).all()
            assert sorted(action for action, _ in events).count("version.effective") == 1
            assert [action for action, _ in events].count("record.sign") == 1
            # each quality officer's daily list once (drafters are told of their own documents)
            notices = connection.execute(select(func.count()).select_from(Notification).where(
                Notification.kind == "review_due",
                Notification.user_id.in_(select(UserRole.user_id).where(UserRole.role == "quality_officer")),
            )).scalar_one()
            assert notices == officers
            assert connection.execute(select(JobRun.last_day)
                                      .where(JobRun.name == "review-notices")).scalar_one() == today
        assert due
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=20)
        engine.dispose()

"""Killing the server (SIGKILL) in the middle of approvals and distributions leaves
consistent data: no half-applied transition, exactly one effective version per document,
no half-written distribution (its tasks all there or none), acknowledgement counts equal
to the tasks they count, an intact audit chain. The server is the real `qms serve`, on the
suite's kind of database."""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine, func, select, text
from sqlmodel import Session

from qms.audit import anchor as audit_anchor
from qms.audit.service import verify_chain
from qms.core.config import Settings
from qms.core.db import make_engine
from qms.distribution import tally
from qms.distribution.models import Acknowledgement, AcknowledgementTally, Distribution
from qms.documents.models import Document, RevisionHistory, Signature, Version

DOCUMENTS = 40


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def server_env(engine: Engine, tmp_path: Path) -> Iterator[dict[str, str]]:
    """Environment for a `qms` process with its own fresh database of the suite's kind."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("QMS_")}
    env.update({"QMS_DATA_DIR": str(tmp_path / "data"), "QMS_SECRET_KEY": "crash-test"})
    if engine.dialect.name == "sqlite":
        yield env
        return
    name = f"qms_crash_{secrets.token_hex(4)}"
    admin = engine.execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"CREATE DATABASE {name}"))
    env["QMS_DATABASE_URL"] = engine.url.set(database=name).render_as_string(hide_password=False)
    try:
        yield env
    finally:
        with admin.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))


def _start(env: dict[str, str], port: int, log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as handle:
        server = subprocess.Popen([sys.executable, "-m", "qms.cli", "serve", "--port", str(port)],
                                  env=env, stdout=handle, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return server
        except httpx.TransportError:
            time.sleep(0.1)
    server.kill()
    pytest.fail(f"server did not start:\n{log.read_text(errors='replace')}")


def _token(base: str, username: str) -> dict[str, str]:
    response = httpx.post(f"{base}/api/v1/auth/token", json={"username": username, "password": "demo1234"})
    response.raise_for_status()
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def _prepare(base: str) -> None:
    iso = _token(base, "iso")
    with httpx.Client(base_url=base, headers=iso, timeout=30) as client:
        for number in range(DOCUMENTS):
            code = f"QT-{100 + number}"
            client.post("/api/v1/documents", json={
                "code": code, "title": f"Quy trình thử số {number}", "kind": "procedure",
                "owner_unit": "VP"}).raise_for_status()
            etag = client.get(f"/api/v1/documents/{code}/versions/1").json()["etag"]
            client.patch(f"/api/v1/documents/{code}/versions/1", headers={"If-Match": etag},
                         json={"sections": {"content": "Nội dung thử."}}).raise_for_status()
            client.post(f"/api/v1/documents/{code}/versions/1/submit",
                        json={"reviewers": [], "approver": "giamdoc", "password": "demo1234"},
                        ).raise_for_status()


def _approve_all(base: str, headers: dict[str, str], outcomes: list[int]) -> None:
    def worker(numbers: range) -> None:
        with httpx.Client(base_url=base, headers=headers, timeout=10) as client:
            for number in numbers:
                try:
                    response = client.post(f"/api/v1/documents/QT-{100 + number}/versions/1/approve",
                                           json={"decision": "approved", "password": "demo1234"})
                    outcomes.append(response.status_code)
                except httpx.TransportError:
                    outcomes.append(0)

    threads = [threading.Thread(target=worker, args=(range(i, DOCUMENTS, 4),)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def _distribute_all(base: str, headers: dict[str, str], outcomes: list[int]) -> None:
    """The quality officer distributes every document in force of the demo library to the
    whole agency, over and over, two clients at a time."""
    with httpx.Client(base_url=base, headers=headers, timeout=10) as client:
        listed = client.get("/api/v1/documents", params={"limit": 100}).json()["items"]
    in_force = [(d["code"], d["current_revision"]) for d in listed
                if d["status"] == "effective" and not d["code"].startswith("QT-1")]

    def worker(offset: int) -> None:
        with httpx.Client(base_url=base, headers=headers, timeout=10) as client:
            for code, revision in in_force[offset::2] * 3:
                try:
                    response = client.post(f"/api/v1/documents/{code}/versions/{revision}/distribution",
                                           json={"units": ["SNV"], "include_subunits": True, "due_days": 7})
                    outcomes.append(response.status_code)
                except httpx.TransportError:
                    outcomes.append(0)

    threads = [threading.Thread(target=worker, args=(offset,)) for offset in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def _assert_distributions_whole(session: Session) -> None:
    for distribution in session.execute(select(Distribution)).scalars():
        tasks = session.execute(select(func.count()).where(
            Acknowledgement.distribution_id == distribution.id)).scalar_one()
        assert tasks == distribution.recipients_added, "a distribution is whole or absent"
    kept = sorted(tuple(row) for row in session.execute(select(
        AcknowledgementTally.version_id, AcknowledgementTally.unit_id, AcknowledgementTally.distribution_id,
        AcknowledgementTally.total, AcknowledgementTally.acknowledged)).all())
    tally.rebuild(session)
    counted = sorted(tuple(row) for row in session.execute(select(
        AcknowledgementTally.version_id, AcknowledgementTally.unit_id, AcknowledgementTally.distribution_id,
        AcknowledgementTally.total, AcknowledgementTally.acknowledged)).all())
    session.rollback()
    assert kept == counted, "the dashboard's counts are the tasks' counts"


def test_sigkill_during_approvals_and_distributions_leaves_consistent_data(server_env, tmp_path):
    seeded = subprocess.run([sys.executable, "-m", "qms.cli", "seed", "--demo"], env=server_env,
                            capture_output=True, text=True, timeout=300)
    assert seeded.returncode == 0, seeded.stderr
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    log = tmp_path / "server.log"
    server = _start(server_env, port, log)
    outcomes: list[int] = []
    distributed: list[int] = []
    try:
        _prepare(base)
        head = _token(base, "giamdoc")
        approvals = threading.Thread(target=_approve_all, args=(base, head, outcomes))
        officer = _token(base, "iso")
        distributions = threading.Thread(target=_distribute_all, args=(base, officer, distributed))
        approvals.start()
        distributions.start()
        while (len(outcomes) < DOCUMENTS // 3 or not {200, 201} & set(distributed)) and (
                approvals.is_alive() or distributions.is_alive()):
            time.sleep(0.005)
        server.send_signal(signal.SIGKILL)
        server.wait(timeout=10)
        approvals.join(timeout=60)
        distributions.join(timeout=60)
    finally:
        if server.poll() is None:
            server.kill()
    assert 0 in outcomes + distributed, "the kill interrupted requests in flight"
    assert 201 in distributed or 200 in distributed, "distributions ran under the load"

    server = _start(server_env, port, log)
    server.terminate()
    server.wait(timeout=20)
    sqlite_file = Path(server_env["QMS_DATA_DIR"]) / "qms.sqlite3"
    url = server_env.get("QMS_DATABASE_URL") or f"sqlite:///{sqlite_file}"
    engine = make_engine(url)
    audit_anchor.bind(engine, Settings(data_dir=Path(server_env["QMS_DATA_DIR"]), database_url=url))
    try:
        with Session(engine) as session:
            assert verify_chain(session).ok, "the journal of the head is never ahead of the database"
            effective = 0
            for document in session.execute(select(Document).where(Document.code.like("QT-1%"))).scalars():
                version = session.execute(
                    select(Version).where(Version.document_id == document.id)).scalar_one()
                approvals = session.execute(select(func.count()).where(
                    Signature.version_id == version.id, Signature.meaning == "approved")).scalar_one()
                history = session.execute(select(func.count()).where(
                    RevisionHistory.document_id == document.id)).scalar_one()
                if version.status == "effective":
                    effective += 1
                    assert (approvals, history, document.effective_version_id) == (1, 1, version.id)
                else:
                    assert version.status == "awaiting_approval"
                    assert (approvals, history, document.effective_version_id) == (0, 0, None)
            assert effective >= outcomes.count(200), "every approval answered 200 was kept"
            _assert_distributions_whole(session)
    finally:
        engine.dispose()

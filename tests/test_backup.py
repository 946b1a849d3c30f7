"""`qms backup` and `qms restore` carry documents, files, signatures and a verifying audit chain."""

from __future__ import annotations

import secrets
import stat
import tarfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select, text
from sqlmodel import Session

from qms.audit import anchor as audit_anchor
from qms.audit import service as audit
from qms.audit.models import AuditEvent
from qms.audit.service import verify_chain
from qms.backup import BackupError, backup, restore
from qms.core.config import Settings
from qms.core.db import make_engine, transaction
from qms.documents.models import Document, Signature
from qms.files.storage import file_store


@pytest.fixture
def target(settings: Settings, engine: Engine, tmp_path: Path) -> Iterator[tuple[Settings, Engine]]:
    """An empty data folder and an empty database of the same kind as the test database."""
    data_dir = tmp_path / "restored"
    if engine.dialect.name == "sqlite":
        url = f"sqlite:///{data_dir / 'qms.sqlite3'}"
        restored_settings = Settings(data_dir=data_dir, database_url=url, secret_key="x")
        yield restored_settings, _bound(make_engine(url), restored_settings)
        return
    name = f"qms_restore_{secrets.token_hex(4)}"
    admin = engine.execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"CREATE DATABASE {name}"))
    url = engine.url.set(database=name).render_as_string(hide_password=False)
    restored_settings = Settings(data_dir=data_dir, database_url=url, secret_key="x")
    restored = _bound(make_engine(url), restored_settings)
    try:
        yield restored_settings, restored
    finally:
        restored.dispose()
        with admin.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))


def _bound(engine: Engine, settings: Settings) -> Engine:
    """The restored database verifies against the restored data folder's key and journal."""
    audit_anchor.bind(engine, settings)
    return engine


def _facts(engine: Engine) -> tuple[int, int, int, bool]:
    with Session(engine) as session:
        chain = verify_chain(session)
        return (session.execute(select(func.count()).select_from(Document)).scalar_one(),
                session.execute(select(func.count()).select_from(Signature)).scalar_one(),
                chain.events, chain.ok)


def test_backup_round_trips_documents_files_signatures_and_the_audit_chain(
        api, settings, engine, target, tmp_path):
    api.create_procedure()
    api.fill("QT-01")
    api.publish("QT-01")
    digest = file_store(settings).put("Biểu mẫu BM-QT01-01".encode())
    before = _facts(engine)
    assert before[3] and before[1] == 3

    archive = tmp_path / "qms-backup.tar.gz"
    report = backup(settings, engine, archive)
    assert report.files >= 1 and archive.exists()

    target_settings, target_engine = target
    message = restore(target_settings, target_engine, archive)
    assert "restored" in message
    assert _facts(target_engine) == before
    assert file_store(target_settings).get(digest) == "Biểu mẫu BM-QT01-01".encode()
    restored_key = target_settings.data_dir / "audit_key"
    assert restored_key.read_bytes() == (settings.data_dir / "audit_key").read_bytes()
    assert stat.S_IMODE(restored_key.stat().st_mode) == 0o600
    assert (target_settings.data_dir / "audit_anchor").read_text() == (
        settings.data_dir / "audit_anchor").read_text()
    target_engine.dispose()


def test_a_restored_trail_cut_at_its_end_is_still_noticed(api, settings, engine, target, tmp_path):
    """The journal comes back with the database, so the restored copy is protected too."""
    api.create_procedure()
    api.fill("QT-01")
    api.publish("QT-01")
    archive = tmp_path / "qms-backup.tar.gz"
    backup(settings, engine, archive)
    target_settings, target_engine = target
    restore(target_settings, target_engine, archive)
    with target_engine.begin() as connection:
        last = connection.execute(text("SELECT last_id FROM audit_head")).scalar_one()
        connection.execute(text("DELETE FROM audit_event WHERE id = :n"), {"n": last})
        connection.execute(text("UPDATE audit_head SET last_id = :n, last_hash = "
                                "(SELECT hash FROM audit_event WHERE id = :n)"), {"n": last - 1})
    with Session(target_engine) as session:
        assert verify_chain(session).first_bad_event == last
    target_engine.dispose()


def test_restore_refuses_a_folder_in_use_or_a_foreign_archive(api, settings, engine, target, tmp_path):
    archive = tmp_path / "qms-backup.tar.gz"
    backup(settings, engine, archive)
    target_settings, target_engine = target
    target_settings.data_dir.mkdir(parents=True)
    (target_settings.data_dir / "notes.txt").write_text("đang dùng")
    with pytest.raises(BackupError, match="not empty"):
        restore(target_settings, target_engine, archive)

    foreign = tmp_path / "foreign.tar.gz"
    with tarfile.open(foreign, "w:gz") as handle:
        handle.add(target_settings.data_dir / "notes.txt", arcname="notes.txt")
    with pytest.raises(BackupError, match=r"manifest\.json"):
        restore(target_settings, target_engine, foreign)


def test_a_backup_taken_while_changes_are_written_is_consistent(api, settings, engine, target, tmp_path):
    """Writers keep going during the backup: the copy holds a point in time, its audit chain
    verifies and nothing is half there."""
    api.create_procedure()
    api.fill("QT-01")
    api.publish("QT-01")
    stop = threading.Event()
    written: list[int] = []

    def writer() -> None:
        while not stop.is_set():
            with transaction(engine) as session:
                audit.record(session, actor=None, actor_username="system", action="test.write",
                             object_type="test", object_id=str(len(written)))
            written.append(1)

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while len(written) < 5:
            time.sleep(0.01)
        archive = tmp_path / "qms-backup.tar.gz"
        backup(settings, engine, archive)
    finally:
        stop.set()
        thread.join(timeout=30)

    target_settings, target_engine = target
    restore(target_settings, target_engine, archive)
    documents, _signatures, _events, chain_ok = _facts(target_engine)
    assert chain_ok and documents == 1
    with Session(target_engine) as session:
        copied = session.execute(select(func.count()).where(AuditEvent.action == "test.write")).scalar_one()
    assert 5 <= copied <= len(written)
    target_engine.dispose()

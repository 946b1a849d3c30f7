"""What qms writes is its user's alone: files 0600, folders 0700, whatever umask the process
was started with (the explicit modes), and the umask itself is set at startup."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
import tarfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from qms import cli
from qms.app import create_app
from qms.backup import backup, restore
from qms.core.config import ConfigError, Settings, load_settings
from qms.core.db import make_engine
from qms.core.private_files import private_file
from qms.files.storage import LocalFileStore, file_store
from qms.records import certificates


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def loose_umask() -> Iterator[None]:
    """A process started with the usual 022: only the explicit modes keep files private."""
    before = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(before)


def test_the_sqlite_database_and_its_journal_are_private(tmp_path, loose_umask):
    path = tmp_path / "qms.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE t (x INTEGER)"))
        connection.execute(text("INSERT INTO t VALUES (1)"))
        assert {p.name for p in tmp_path.iterdir()} >= {"qms.sqlite3", "qms.sqlite3-wal"}
        assert {_mode(p) for p in tmp_path.iterdir()} == {0o600}
    engine.dispose()


def test_a_database_file_made_readable_by_others_is_closed_again(tmp_path, loose_umask):
    path = tmp_path / "qms.sqlite3"
    sqlite3.connect(path).close()
    path.chmod(0o644)
    make_engine(f"sqlite:///{path}").dispose()
    assert _mode(path) == 0o600


def test_stored_files_and_their_folders(tmp_path, loose_umask):
    store = LocalFileStore(tmp_path / "files")
    digest = store.put("Hồ sơ lưu trữ".encode())
    stored = tmp_path / "files" / digest[:2] / digest[2:4] / digest
    assert _mode(stored) == 0o600
    assert {_mode(folder) for folder in (stored.parent, stored.parent.parent, tmp_path / "files")} == {0o700}


def test_the_data_folder_and_its_keys(tmp_path, loose_umask, monkeypatch):
    monkeypatch.setenv("QMS_DATA_DIR", str(tmp_path / "var" / "qms"))
    settings = load_settings()
    settings.resolved_secret_key()
    settings.resolved_audit_key()
    assert _mode(tmp_path / "var") == _mode(tmp_path / "var" / "qms") == 0o700
    assert {_mode(tmp_path / "var" / "qms" / name) for name in ("secret_key", "audit_key")} == {0o600}


def test_the_demo_certificate_authority(tmp_path, loose_umask):
    certificates.create_demo_certificate(tmp_path / "data", "Sở Nội vụ tỉnh Ninh Bình")
    written = list((tmp_path / "data").rglob("*"))
    assert written and {_mode(p) for p in written if p.is_file()} == {0o600}
    assert {_mode(p) for p in written if p.is_dir()} <= {0o700}


def test_backups_and_what_they_restore(api, settings, engine, tmp_path, loose_umask):
    if engine.dialect.name != "sqlite":
        pytest.skip("the restore of a SQLite database is what this checks")
    api.create_procedure()
    file_store(settings).put("Phiếu đề nghị".encode())
    archive = tmp_path / "backups" / "qms.tar.gz"
    backup(settings, engine, archive)
    assert _mode(archive) == 0o600 and _mode(archive.parent) == 0o700
    with tarfile.open(archive) as opened:
        assert any(member.name.startswith("data/") for member in opened.getmembers())

    target = tmp_path / "restored"
    url = f"sqlite:///{target / 'qms.sqlite3'}"
    target_settings = Settings(data_dir=target, database_url=url, secret_key="x")
    target.mkdir()
    target_engine = make_engine(url)
    try:
        restore(target_settings, target_engine, archive)
    finally:
        target_engine.dispose()
    files = [p for p in target.rglob("*") if p.is_file()]
    assert files and {_mode(p) for p in files} == {0o600}, {p.name: oct(_mode(p)) for p in files}
    assert {_mode(p) for p in target.rglob("*") if p.is_dir()} == {0o700}


def test_startup_sets_a_private_umask(settings, engine, loose_umask, tmp_path, monkeypatch):
    create_app(settings, engine)
    (tmp_path / "by-the-app").write_bytes(b"x")
    assert _mode(tmp_path / "by-the-app") == 0o600

    os.umask(0o022)

    def stop(*_args: object) -> Settings:
        raise ConfigError("QMS_DATA_DIR: stop here")

    monkeypatch.setattr(cli, "load_settings", stop)
    assert cli.main(["migrate"]) == 2
    (tmp_path / "by-a-command").write_bytes(b"x")
    assert _mode(tmp_path / "by-a-command") == 0o600


def test_making_an_open_database_private_keeps_its_locks(tmp_path):
    """Another engine on the same file (a command run in-process) must not drop the locks
    the first one holds: SQLite's locks are POSIX locks, lost when any descriptor closes."""
    database = tmp_path / "qms.db"
    holder = sqlite3.connect(database, isolation_level=None)
    holder.execute("CREATE TABLE t (x INTEGER)")
    holder.execute("BEGIN IMMEDIATE")  # a write lock, held
    private_file(database)
    other = subprocess.run(
        [sys.executable, "-c", "import sqlite3, sys; c = sqlite3.connect(sys.argv[1], timeout=0.2); "
                               "c.execute('INSERT INTO t VALUES (1)'); c.commit()", str(database)],
        capture_output=True, text=True, check=False)
    holder.execute("ROLLBACK")
    holder.close()
    assert other.returncode != 0 and "database is locked" in other.stderr

"""``qms backup FILE`` and ``qms restore FILE``: the database and the stored files, together.

The archive is a gzip'd tar holding ``manifest.json``, the database (a SQLite copy made
with SQLite's online backup API, or a ``pg_dump`` custom-format dump) and the data
folder's other contents (stored files, keys, certificates). The database is copied
first and the files after: stored files are written before the transaction that
refers to them commits, so every file the copy refers to is in the archive, while
the server keeps running. The audit key goes with them; the journal of the audit
chain's head goes cut at the head read just before the copy, so that the restored
journal never names events the restored database does not hold.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, inspect
from sqlalchemy.engine import make_url

from qms import __version__
from qms.audit.anchor import AuditAnchor
from qms.core.config import Settings
from qms.core.private_files import FILE_MODE, private_dir

FORMAT = 1
SQLITE_MEMBER = "database.sqlite3"
PG_MEMBER = "database.pgdump"
DATA_PREFIX = "data/"


class BackupError(Exception):
    """The backup or restore cannot be done; the message says why in one line."""


@dataclass(frozen=True)
class BackupReport:
    path: Path
    database: str
    files: int
    size: int

    def __str__(self) -> str:
        return (f"backup written to {self.path}: {self.database} database and {self.files} files, "
                f"{self.size / 1_048_576:.1f} MB")


def _libpq_url(engine: Engine) -> str:
    return engine.url.set(drivername="postgresql").render_as_string(hide_password=False)


def _sqlite_path(engine: Engine) -> Path:
    database = make_url(str(engine.url)).database
    if not database:
        raise BackupError("the SQLite database has no file")
    return Path(database)


def _snapshot_database(engine: Engine, folder: Path) -> tuple[str, Path]:
    if engine.dialect.name == "sqlite":
        target = folder / SQLITE_MEMBER
        source = sqlite3.connect(_sqlite_path(engine))
        try:
            copy = sqlite3.connect(target)
            with copy:
                source.backup(copy)
            copy.close()
        finally:
            source.close()
        return "sqlite", target
    target = folder / PG_MEMBER
    _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={target}",
          _libpq_url(engine)], "pg_dump")
    return "postgresql", target


def _run(command: list[str], name: str) -> None:
    try:
        subprocess.run(command, check=True, capture_output=True, text=True, timeout=3600)
    except FileNotFoundError:
        raise BackupError(f"{name} is not installed (Debian package postgresql-client)") from None
    except subprocess.CalledProcessError as exc:
        lines = (exc.stderr or "").strip().splitlines()
        raise BackupError(f"{name} failed: {lines[-1] if lines else exc.returncode}") from None


def _data_members(settings: Settings, engine: Engine) -> list[Path]:
    """Everything in the data folder but the live SQLite database and its journal."""
    skip: set[Path] = set()
    if engine.dialect.name == "sqlite":
        live = _sqlite_path(engine).resolve()
        skip = {live, Path(f"{live}-wal"), Path(f"{live}-shm"), Path(f"{live}-journal")}
    root = settings.data_dir.resolve()
    return sorted(path for path in root.rglob("*")
                  if path.is_file() and path.resolve() not in skip and not path.name.startswith(".incoming"))


def backup(settings: Settings, engine: Engine, destination: Path) -> BackupReport:
    destination = destination.resolve()
    root = settings.data_dir.resolve()
    journal = AuditAnchor(settings)
    with tempfile.TemporaryDirectory(prefix="qms-backup-") as scratch:
        head = _audit_head(engine)
        kind, database = _snapshot_database(engine, Path(scratch))
        heads = sorted(_alembic_heads(engine))
        members = [path for path in _data_members(settings, engine) if path != destination]
        manifest = {
            "format": FORMAT, "qms_version": __version__, "database": kind, "alembic_revisions": heads,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"), "files": len(members),
        }
        partial = destination.with_name(destination.name + ".part")
        private_dir(partial.parent)
        os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE))
        os.chmod(partial, FILE_MODE)
        with tarfile.open(partial, "w:gz") as archive:
            _add_text(archive, "manifest.json", json.dumps(manifest, indent=2))
            archive.add(database, arcname=database.name)
            for path in members:
                arcname = DATA_PREFIX + path.relative_to(root).as_posix()
                if path == journal.path.resolve():
                    if text := journal.text_up_to(head):
                        _add_text(archive, arcname, text)
                else:
                    archive.add(path, arcname=arcname)
        os.replace(partial, destination)
    return BackupReport(destination, kind, len(members), destination.stat().st_size)


def _add_text(archive: tarfile.TarFile, name: str, text: str) -> None:
    payload = text.encode("utf-8")
    info = tarfile.TarInfo(name)
    info.size = len(payload)
    info.mode = 0o600
    archive.addfile(info, io.BytesIO(payload))


def _audit_head(engine: Engine) -> int:
    """The audit chain's last id now: every event up to it is in a copy taken afterwards."""
    with engine.connect() as connection:
        if "audit_head" not in inspect(connection).get_table_names():
            return 0
        row = connection.exec_driver_sql("SELECT last_id FROM audit_head WHERE id = 1").first()
        return row[0] if row else 0


def _alembic_heads(engine: Engine) -> list[str]:
    with engine.connect() as connection:
        if "alembic_version" not in inspect(connection).get_table_names():
            return []
        return [row[0] for row in connection.exec_driver_sql("SELECT version_num FROM alembic_version")]


def _read_manifest(archive: tarfile.TarFile) -> dict[str, object]:
    try:
        member = archive.extractfile("manifest.json")
    except KeyError:
        raise BackupError("not a qms backup: manifest.json is missing") from None
    if member is None:
        raise BackupError("not a qms backup: manifest.json is not a file")
    manifest = json.loads(member.read())
    if manifest.get("format") != FORMAT:
        raise BackupError(f"unsupported backup format {manifest.get('format')!r}")
    return manifest


def restore(settings: Settings, engine: Engine, source: Path) -> str:
    """Restore into an empty data folder and an empty database; refuse anything else."""
    try:
        archive = tarfile.open(source, "r:gz")  # noqa: SIM115 - closed by the with below
    except (OSError, tarfile.TarError) as exc:
        raise BackupError(f"cannot read {source}: {exc}") from None
    with archive:
        manifest = _read_manifest(archive)
        private_dir(settings.data_dir)
        with engine.connect() as connection:
            if inspect(connection).get_table_names():
                raise BackupError("the target database is not empty; restore needs an empty one")
        root = settings.data_dir.resolve()
        private_dir(root)
        allowed = {"secret_key", "audit_key"}
        if engine.dialect.name == "sqlite":
            live = _sqlite_path(engine).name
            allowed |= {live, f"{live}-wal", f"{live}-shm"}
        if {path.name for path in root.iterdir()} - allowed:
            raise BackupError(f"the data folder {root} is not empty; restore needs an empty one")
        for member in archive.getmembers():
            if member.name.startswith(DATA_PREFIX) and member.isfile():
                relative = Path(member.name[len(DATA_PREFIX):])
                if relative.is_absolute() or ".." in relative.parts:
                    raise BackupError(f"unsafe path in archive: {member.name}")
                target = root / relative
                private_dir(target.parent)
                fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
                with archive.extractfile(member) as data, os.fdopen(fd, "wb") as out:  # type: ignore[union-attr]
                    shutil.copyfileobj(data, out)
                target.chmod(FILE_MODE)  # private whatever the archive recorded
        with tempfile.TemporaryDirectory(prefix="qms-restore-") as scratch:
            kind = manifest["database"]
            name = SQLITE_MEMBER if kind == "sqlite" else PG_MEMBER
            archive.extract(name, scratch, filter="data")
            dumped = Path(scratch) / name
            if engine.dialect.name == "sqlite":
                if kind != "sqlite":
                    raise BackupError("this backup holds a PostgreSQL database; configure one to restore it")
                engine.dispose()
                target = _sqlite_path(engine)
                for suffix in ("-wal", "-shm"):
                    Path(f"{target}{suffix}").unlink(missing_ok=True)
                shutil.copyfile(dumped, target)
                target.chmod(FILE_MODE)
            else:
                if kind != "postgresql":
                    raise BackupError("this backup holds a SQLite database; "
                                      "restore it with QMS_DATABASE_URL unset")
                _run(["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error",
                      f"--dbname={_libpq_url(engine)}", str(dumped)], "pg_restore")
    return f"restored {manifest['database']} database and {manifest['files']} files from {source}"

"""Database engine, metadata conventions and the per-request session."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol, cast

from sqlalchemy import (
    Column,
    CursorResult,
    DateTime,
    Engine,
    ForeignKey,
    Integer,
    MetaData,
    Result,
    create_engine,
    event,
    make_url,
)
from sqlalchemy.types import TypeDecorator
from sqlmodel import Session, SQLModel

from qms.core.errors import RecordedFailure
from qms.core.private_files import private_file

log = logging.getLogger(__name__)

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
SQLModel.metadata.naming_convention = NAMING_CONVENTION
metadata: MetaData = SQLModel.metadata

SQLITE_BUSY_TIMEOUT_MS = 10_000
# Synchronous routes run on a pool of 40 threads, each holding a connection for its request;
# the pool must hold more than that, or 40 busy requests wait on each other for a connection.
POOL_SIZE = 20
POOL_OVERFLOW = 40
POOL_TIMEOUT_S = 10


def utcnow() -> datetime:
    return datetime.now(UTC)


def one_of(values: tuple[str, ...]) -> str:
    """The SQL list of a CHECK constraint's allowed values: ``'a', 'b'``."""
    return ", ".join(f"'{value}'" for value in values)


def foreign_key(target: str, *, nullable: bool = False, ondelete: str = "RESTRICT",
                index: bool = True) -> Column[int]:
    """An integer column referring to ``target`` (``"table.id"``), indexed unless told not to."""
    return Column(Integer, ForeignKey(target, ondelete=ondelete), nullable=nullable, index=index)


class _Row(Protocol):
    @property
    def id(self) -> int | None: ...


def pk(row: _Row) -> int:
    """The id of a row already in the database (loaded, or added and flushed): a row's id is
    None only until its INSERT, and a foreign key or lookup made from that None would be wrong."""
    if row.id is None:
        raise RuntimeError(f"{type(row).__name__} has no id yet: it must be flushed first")
    return row.id


def rowcount(result: Result[*tuple[Any, ...]]) -> int:
    """How many rows an UPDATE or DELETE changed, 0 when the driver does not say; the session
    returns its result typed as a plain Result."""
    return cast("CursorResult[*tuple[Any, ...]]", result).rowcount or 0


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in, aware UTC datetimes out, on SQLite and PostgreSQL alike."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use timezone-aware UTC")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        database = make_url(url).database
        if database and database != ":memory:":
            private_file(Path(database))  # SQLite gives its -wal and -shm files the same mode
        engine = create_engine(url, connect_args={"check_same_thread": False},
                               pool_size=POOL_SIZE, max_overflow=POOL_OVERFLOW, pool_timeout=POOL_TIMEOUT_S)
        _configure_sqlite(engine)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=POOL_SIZE, max_overflow=POOL_OVERFLOW,
                         pool_timeout=POOL_TIMEOUT_S)


def _configure_sqlite(engine: Engine) -> None:
    """WAL, foreign keys, a busy timeout, and explicit BEGIN so writers can ask for IMMEDIATE.

    A write transaction that starts deferred and reads first can fail at once with
    "database is locked" when another writer commits in between; taking the write
    lock at BEGIN makes writers queue behind the busy timeout instead.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        if connection.get_execution_options().get("qms_write"):
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            connection.exec_driver_sql("BEGIN")


def new_session(engine: Engine, *, write: bool = False) -> Session:
    bind = engine.execution_options(qms_write=True) if write else engine
    return Session(bind=bind, expire_on_commit=False)


def start_writing(session: Session) -> None:
    """End the read-only transaction ``session`` is in; its next statement begins a write
    transaction (``BEGIN IMMEDIATE`` on SQLite).

    For work that reads, then takes a while without the database (typesetting a record,
    signing it), then writes a little (the audit event of a download): SQLite's single write
    lock is then held for the write only, and other users' writes never wait for the work.
    Nothing may have been changed before: it would be committed on its own.
    """
    if session.new or session.dirty or session.deleted:
        raise RuntimeError("start_writing() with changes pending: they would be committed on their own")
    session.commit()
    bind = session.get_bind()
    if not bind.get_execution_options().get("qms_write"):
        session.bind = bind.execution_options(qms_write=True)


def roll_back(session: Session, error: BaseException) -> None:
    """Undo a unit of work that failed; a :class:`~qms.core.errors.RecordedFailure` is then
    written and committed on its own, so that the refusal still counts."""
    session.rollback()
    if isinstance(error, RecordedFailure):
        try:
            error.record(session)
            session.commit()
        except Exception:
            session.rollback()
            log.exception("could not record a refused action")


@contextmanager
def transaction(engine: Engine, *, write: bool = True) -> Iterator[Session]:
    """One unit of work outside a request: commit on success, roll back on error."""
    session = new_session(engine, write=write)
    try:
        yield session
        session.commit()
    except BaseException as error:
        roll_back(session, error)
        raise
    finally:
        session.close()


def on_sessions(name: str, listener: Callable[..., object]) -> None:
    """Have ``listener`` follow every session's ``name`` event (``after_commit``, …): the
    doors call this; again is harmless."""
    if not event.contains(Session, name, listener):
        event.listen(Session, name, listener)

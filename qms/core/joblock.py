"""The lease that lets one process at a time run the due jobs, and the days the daily jobs ran.

A lease is a row of ``job_lock`` taken by a conditional UPDATE: it succeeds when nobody holds
the row or the holder's lease has expired, so it works alike on SQLite and PostgreSQL, across
workers and hosts. A holder renews it between jobs and gives it back when done; one that
crashed blocks the others only until its lease expires.
"""

from __future__ import annotations

import os
import secrets
import socket
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Column, Date, Engine, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Field, SQLModel, col

from qms.core.db import UTCDateTime, transaction, utcnow

LEASE = timedelta(minutes=10)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class JobLock(SQLModel, table=True):
    """Who runs the due jobs now, until when."""

    __tablename__ = "job_lock"

    name: str = Field(primary_key=True, max_length=40)
    holder: str = Field(default="", max_length=120)
    expires_at: datetime = Field(sa_type=UTCDateTime)


class JobRun(SQLModel, table=True):
    """The agency's day a daily job last ran to the end."""

    __tablename__ = "job_run"

    name: str = Field(primary_key=True, max_length=40)
    last_day: date = Field(sa_column=Column(Date, nullable=False))


def holder_name() -> str:
    """This process, told apart from others on this host and on others."""
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{secrets.token_hex(4)}"


def _insert_missing(engine_name: str, model: type, values: dict[str, object]):  # type: ignore[no-untyped-def]
    builder = postgresql.insert if engine_name == "postgresql" else sqlite.insert
    return builder(model).values(**values).on_conflict_do_nothing(index_elements=["name"])


def try_acquire(engine: Engine, name: str, holder: str, *, lease: timedelta = LEASE,
                now: datetime | None = None) -> bool:
    """Take or renew the lease ``name`` for ``holder``; False when another holds it unexpired."""
    now = now or utcnow()
    with transaction(engine) as session:
        session.execute(_insert_missing(engine.dialect.name, JobLock,
                                        {"name": name, "holder": "", "expires_at": EPOCH}))
        taken = session.execute(
            update(JobLock)
            .where(col(JobLock.name) == name, or_(col(JobLock.holder) == holder, col(JobLock.holder) == "",
                                             col(JobLock.expires_at) <= now))
            .values(holder=holder, expires_at=now + lease)
            .returning(col(JobLock.name))
        ).first()
    return taken is not None


def release(engine: Engine, name: str, holder: str) -> None:
    """Give the lease back at once, if it is still ours."""
    with transaction(engine) as session:
        session.execute(update(JobLock).where(col(JobLock.name) == name, col(JobLock.holder) == holder)
                        .values(holder="", expires_at=EPOCH))


def last_run_day(engine: Engine, name: str) -> date | None:
    with transaction(engine, write=False) as session:
        return session.execute(
            select(col(JobRun.last_day)).where(col(JobRun.name) == name)
        ).scalar_one_or_none()


def remember_run_day(engine: Engine, name: str, day: date) -> None:
    with transaction(engine) as session:
        session.execute(_insert_missing(engine.dialect.name, JobRun, {"name": name, "last_day": day}))
        session.execute(update(JobRun).where(col(JobRun.name) == name).values(last_day=day))

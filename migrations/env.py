"""Alembic environment: the qms metadata, the configured database, batch mode for SQLite."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

import qms.models  # noqa: F401  (registers every table on the metadata)
from qms.core.db import make_engine, metadata

config = context.config


def _url() -> str:
    url = config.get_main_option("sqlalchemy.url")
    if url:
        return url
    from qms.core.config import load_settings

    return load_settings().effective_database_url


#: Search structures made by raw SQL in the migrations, unknown to the metadata.
_RAW_SQL_OBJECTS = ("document_fts", "ix_document_search_tsv", "search_tsv")


def include_object(obj: object, name: str | None, type_: str, reflected: bool, compare_to: object) -> bool:
    return not (name or "").startswith(_RAW_SQL_OBJECTS)


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        include_object=include_object,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(_url())
    with engine.connect() as connection:
        _run(connection)
    engine.dispose()


if context.is_offline_mode():
    context.configure(url=_url(), target_metadata=metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    run_migrations_online()

"""The migrations are the schema: after upgrading, the models and the database agree."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.runtime.environment import EnvironmentContext
from alembic.script import ScriptDirectory
from sqlalchemy import Column, Connection, Integer, Table, inspect, text

import qms.models  # noqa: F401  (every table on the metadata)
from qms.db import make_engine, metadata
from qms.migrate import alembic_config, upgrade


def differences(connection: Connection) -> list[object]:
    """What autogenerate would write, comparing through the MigrationContext that env.py
    configures (so its filters for objects made by raw SQL apply, as they do for a
    developer running ``alembic revision --autogenerate``)."""
    config = alembic_config(connection.engine)
    config.attributes["connection"] = connection
    script = ScriptDirectory.from_config(config)
    found: list[object] = []

    def compare(_revision: object, context: MigrationContext) -> list[object]:
        assert context.connection is not None and context.opts["compare_type"]
        found.extend(compare_metadata(context, metadata))
        return []

    with EnvironmentContext(config, script, fn=compare):
        script.run_env()
    return found


def test_models_and_migrated_database_agree(engine):
    with engine.connect() as connection:
        assert differences(connection) == []


def test_database_is_at_every_head(engine):
    """Capabilities may add migrations on branches of their own; upgrading applies them all."""
    script = ScriptDirectory.from_config(alembic_config(engine))
    with engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_heads()
    assert set(current) == set(script.get_heads())


def test_upgrading_again_changes_nothing(engine):
    upgrade(engine)
    with engine.connect() as connection:
        assert differences(connection) == []


def test_a_new_database_upgrades_downgrades_and_upgrades_again(tmp_path: Path):
    fresh = make_engine(f"sqlite:///{tmp_path / 'fresh.sqlite3'}")
    try:
        upgrade(fresh)
        with fresh.connect() as connection:
            assert differences(connection) == []
            head = connection.execute(text("SELECT last_id, last_hash FROM audit_head")).one()
            assert tuple(head) == (0, "0" * 64), "the chain starts from the genesis link"

        config = alembic_config(fresh)
        with fresh.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "base")
        assert set(inspect(fresh).get_table_names()) <= {"alembic_version"}

        upgrade(fresh)
        with fresh.connect() as connection:
            assert differences(connection) == []
    finally:
        fresh.dispose()


def test_the_comparison_would_notice_a_model_without_a_migration(engine):
    probe = Table("zz_probe_without_migration", metadata, Column("id", Integer, primary_key=True))
    try:
        with engine.connect() as connection:
            found = differences(connection)
    finally:
        metadata.remove(probe)
    assert ("add_table", probe.name) in [(diff[0], getattr(diff[1], "name", None)) for diff in found]

"""Schema upgrades through Alembic, the only way the schema changes."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine

from qms.core.paths import MIGRATIONS_DIR


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    url = engine.url.render_as_string(hide_password=False)
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(engine: Engine, revision: str = "heads") -> None:
    config = alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)

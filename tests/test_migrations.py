"""The migrations are the schema: after upgrading, the models and the database agree."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.runtime.environment import EnvironmentContext
from alembic.script import ScriptDirectory
from sqlalchemy import Column, Connection, Integer, Table, column, inspect, text
from sqlalchemy import table as sql_table
from sqlmodel import Session

import qms.models  # noqa: F401  (every table on the metadata)
from qms.core.db import UTCDateTime, make_engine, metadata
from qms.core.migrate import alembic_config, upgrade
from qms.documents.content import content_hash, frozen_hash_matches
from qms.documents.models import Version
from qms.documents.schemas import Step


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


def _insert(connection: Connection, table: str, **values: object) -> int:
    """A row as the schema of an older revision takes it (the models describe the newest)."""
    columns = [column(name, UTCDateTime() if isinstance(value, datetime) else None)
               for name, value in values.items()]
    statement = sql_table(table, *columns, column("id")).insert().values(**values)
    if table == "version_step":  # keyed by version and position
        connection.execute(statement)
        return 0
    return connection.execute(statement.returning(column("id"))).scalar_one()


def _frozen_at_0007(connection: Connection, code: str, drafter: int, unit: int, *, scheme: int | None,
                    files: list[dict[str, str]], status: str = "effective") -> int:
    """A document whose revision 1 was frozen as 0007 froze it: hash scheme 2 (with the attached
    files), 1 (from before files were signed) or ``None`` for a hash that matches nothing."""
    now = datetime(2026, 1, 5, 3, 0, tzinfo=UTC)
    document = _insert(connection, "document", code=code, title=f"Quy trình {code}", kind="procedure",
                       owner_unit_id=unit, confidentiality="internal", review_interval_months=12,
                       needs_review=False, search_text="", created_at=now, updated_at=now)
    sections = {"purpose": f"Mục đích của {code}.", "content": "Nội dung."}
    steps = [Step(step="B1", responsibility="Văn phòng", task="Tiếp nhận", duration="1 ngày", output="Sổ")]
    probe = Version(revision=1, change_summary="Ban hành lần đầu", changed_sections="", **sections)
    parts = {"attachments": files} if scheme == 2 else None
    digest = (content_hash(code, probe, steps, parts, scheme=scheme) if scheme else "f" * 64)
    version = _insert(connection, "document_version", document_id=document, revision=1, status=status,
                      change_summary="Ban hành lần đầu", changed_sections="", content_hash=digest,
                      lock_version=1, review_round=1, drafter_id=drafter, created_at=now, updated_at=now,
                      **sections)
    _insert(connection, "version_step", version_id=version, position=1, **steps[0].model_dump())
    for file in files:
        _insert(connection, "attachment", version_id=version, name=file["name"], sha256=file["sha256"],
                size=10, media_type="application/pdf", uploaded_by_id=drafter, uploaded_at=now)
    connection.execute(text("UPDATE document SET latest_version_id = :v, effective_version_id = :v "
                            "WHERE id = :d"), {"v": version, "d": document})
    return version


def test_upgrading_from_0007_keeps_frozen_versions_verifying(tmp_path: Path):
    old = make_engine(f"sqlite:///{tmp_path / 'at-0007.sqlite3'}")
    try:
        upgrade(old, "0007")
        now = datetime(2026, 1, 5, 3, 0, tzinfo=UTC)
        with old.begin() as connection:
            unit = _insert(connection, "unit", code="VP", name="Văn phòng Sở", sort_order=0, active=True)
            drafter = _insert(connection, "user_account", username="iso", full_name="Nguyễn Thị Thu Hà",
                              search_name="nguyen thi thu ha", title="Chuyên viên", unit_id=unit,
                              password_hash="x", must_change_password=False, active=True, created_at=now,
                              password_changed_at=now)
            form = [{"name": "BM-01.pdf", "sha256": "a" * 64}]
            ids = {
                "QT-01": _frozen_at_0007(connection, "QT-01", drafter, unit, scheme=2, files=form),
                "QT-02": _frozen_at_0007(connection, "QT-02", drafter, unit, scheme=2, files=[],
                                         status="approved"),
                "QT-03": _frozen_at_0007(connection, "QT-03", drafter, unit, scheme=1, files=[]),
                "QT-04": _frozen_at_0007(connection, "QT-04", drafter, unit, scheme=None, files=[]),
            }
        upgrade(old)
        with Session(old) as session:
            versions = {code: session.get(Version, version_id) for code, version_id in ids.items()}
            assert {code: v.hash_scheme for code, v in versions.items()} == {
                "QT-01": 2, "QT-02": 2, "QT-03": 1, "QT-04": 2}
            assert {code: frozen_hash_matches(session, code, v) for code, v in versions.items()} == {
                "QT-01": True, "QT-02": True, "QT-03": True, "QT-04": False}
            first = versions["QT-01"]
            assert (first.title, first.kind, first.owner_unit_id, first.confidentiality) == (
                "Quy trình QT-01", "procedure", unit, "internal")

        # Going back to 0007 drops the columns and nothing else: no rebuild of the table whose
        # ON DELETE actions would empty the steps and unlink the documents.
        config = alembic_config(old)
        with old.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "0007")
        with old.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM version_step")).scalar_one() == 4
            assert connection.execute(text("SELECT count(*) FROM attachment")).scalar_one() == 1
            linked = text("SELECT count(*) FROM document WHERE effective_version_id IS NOT NULL")
            assert connection.execute(linked).scalar_one() == 4
    finally:
        old.dispose()

"""each version keeps the metadata it signs, and the scheme its content hash was made with

Every version gets its own copy of the document's title, kind, owner unit and
confidentiality (signed from now on, hash scheme 3). Versions frozen before keep verifying:
each records the scheme its hash was made with, 2 (with the attached files) or 1 (before
files were signed), found by recomputing both here as they were defined then.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06
"""

import hashlib
import json
import unicodedata
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0008'
down_revision: str | Sequence[str] | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SECTIONS = ("purpose", "scope", "references", "definitions", "content", "forms", "records")
STEP_FIELDS = ("step", "responsibility", "task", "duration", "output")


def upgrade() -> None:
    # Plain ADD COLUMN on every database: rebuilding document_version on SQLite would go
    # through the ON DELETE CASCADE of the signatures and steps that refer to it.
    op.add_column('document_version', sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=300),
                                                nullable=False, server_default=''))
    op.add_column('document_version', sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20),
                                                nullable=False, server_default=''))
    if op.get_bind().dialect.name == "sqlite":
        # SQLite adds a column with its reference, but not a constraint afterwards.
        op.execute("ALTER TABLE document_version ADD COLUMN owner_unit_id INTEGER "
                   "CONSTRAINT fk_document_version_owner_unit_id_unit REFERENCES unit (id)")
    else:
        op.add_column('document_version', sa.Column('owner_unit_id', sa.Integer(), nullable=True))
        op.create_foreign_key(op.f('fk_document_version_owner_unit_id_unit'), 'document_version', 'unit',
                              ['owner_unit_id'], ['id'])
    op.add_column('document_version', sa.Column('confidentiality', sqlmodel.sql.sqltypes.AutoString(length=12),
                                                nullable=False, server_default=''))
    op.add_column('document_version', sa.Column('hash_scheme', sa.Integer(), nullable=True))
    bind = op.get_bind()
    bind.execute(sa.text(
        "UPDATE document_version SET "
        "title = (SELECT d.title FROM document d WHERE d.id = document_version.document_id), "
        "kind = (SELECT d.kind FROM document d WHERE d.id = document_version.document_id), "
        "owner_unit_id = (SELECT d.owner_unit_id FROM document d WHERE d.id = document_version.document_id), "
        "confidentiality = (SELECT d.confidentiality FROM document d "
        "WHERE d.id = document_version.document_id)"
    ))
    _record_schemes(bind)


def _legacy_hash(code: str, version: sa.Row, steps: list[dict[str, str]],
                 files: list[dict[str, str]] | None) -> str:
    """The content hash as made before this migration: scheme 2 with the files, 1 without."""
    payload: dict[str, object] = {
        "code": code,
        "revision": version.revision,
        "sections": {name: getattr(version, name) for name in SECTIONS},
        "steps": steps,
        "change_summary": version.change_summary,
        "changed_sections": version.changed_sections,
    }
    if files is not None:
        payload["parts"] = {"attachments": files}
    encoded = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


def _step_text(value: str | None) -> str:
    # As the steps were read for hashing: stripped and in NFC.
    return unicodedata.normalize("NFC", (value or "").strip())


def _record_schemes(bind: sa.Connection) -> None:
    frozen = bind.execute(sa.text(
        "SELECT v.id, d.code, v.revision, v.content_hash, v.change_summary, v.changed_sections, "
        + ", ".join(f'v."{name}"' for name in SECTIONS)
        + " FROM document_version v JOIN document d ON d.id = v.document_id "
        "WHERE v.content_hash IS NOT NULL ORDER BY v.id"
    )).all()
    for version in frozen:
        steps = [{name: _step_text(getattr(row, name)) for name in STEP_FIELDS} for row in bind.execute(
            sa.text("SELECT step, responsibility, task, duration, output FROM version_step "
                    "WHERE version_id = :id ORDER BY position"), {"id": version.id})]
        files = [{"name": row.name, "sha256": row.sha256} for row in bind.execute(
            sa.text("SELECT name, sha256 FROM attachment WHERE version_id = :id ORDER BY name"),
            {"id": version.id})]
        # A hash that matches neither (content changed in the database) stays on scheme 2 and
        # keeps failing verification, as it did before.
        scheme = 1 if version.content_hash == _legacy_hash(version.code, version, steps, None) else 2
        bind.execute(sa.text("UPDATE document_version SET hash_scheme = :scheme WHERE id = :id"),
                     {"scheme": scheme, "id": version.id})


def downgrade() -> None:
    columns = ('hash_scheme', 'confidentiality', 'owner_unit_id', 'kind', 'title')
    if op.get_bind().dialect.name == "sqlite":
        # Native DROP COLUMN (SQLite 3.35+): a batch rebuild would empty the tables that refer
        # to document_version through their ON DELETE actions.
        for name in columns:
            op.execute(f"ALTER TABLE document_version DROP COLUMN {name}")
        return
    op.drop_constraint(op.f('fk_document_version_owner_unit_id_unit'), 'document_version', type_='foreignkey')
    for name in columns:
        op.drop_column('document_version', name)

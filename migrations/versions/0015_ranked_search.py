"""ranked search: code and title indexed apart from the text, with their weights

Search orders by relevance, a word in the code (or an external document's number) or in
the title counting more than one in the text. The document keeps its folded code and
number and its folded title in two columns beside ``search_text``; SQLite's FTS5 table
indexes the three columns (bm25 weights them), PostgreSQL a generated tsvector weighted
A, B, C. Existing documents get both columns from their code, number and title here.

Revision ID: 0015
Revises: 0012
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from qms.core.search import words

revision: str = '0015'
down_revision: str | Sequence[str] | None = '0014'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ("search_code", "search_title", "search_text")
TSVECTOR = ("setweight(to_tsvector('simple', search_code), 'A') || "
            "setweight(to_tsvector('simple', search_title), 'B') || "
            "setweight(to_tsvector('simple', search_text), 'C')")


def _fts_triggers(columns: Sequence[str]) -> None:
    names = ", ".join(columns)
    new = ", ".join(f"new.{c}" for c in columns)
    old = ", ".join(f"old.{c}" for c in columns)
    op.execute(f"CREATE TRIGGER document_fts_ai AFTER INSERT ON document BEGIN "
               f"INSERT INTO document_fts(rowid, {names}) VALUES (new.id, {new}); END")
    op.execute(f"CREATE TRIGGER document_fts_ad AFTER DELETE ON document BEGIN "
               f"INSERT INTO document_fts(document_fts, rowid, {names}) VALUES ('delete', old.id, {old}); END")
    op.execute(f"CREATE TRIGGER document_fts_au AFTER UPDATE OF {names} ON document BEGIN "
               f"INSERT INTO document_fts(document_fts, rowid, {names}) VALUES ('delete', old.id, {old}); "
               f"INSERT INTO document_fts(rowid, {names}) VALUES (new.id, {new}); END")


def _fts_table(columns: Sequence[str]) -> None:
    for trigger in ("document_fts_ai", "document_fts_ad", "document_fts_au"):
        op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    op.execute("DROP TABLE IF EXISTS document_fts")
    op.execute(f"CREATE VIRTUAL TABLE document_fts USING fts5({', '.join(columns)}, content='document', "
               "content_rowid='id', tokenize='unicode61 remove_diacritics 2')")
    _fts_triggers(columns)
    op.execute("INSERT INTO document_fts(document_fts) VALUES ('rebuild')")


def upgrade() -> None:
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.add_column(sa.Column('search_code', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('search_title', sa.Text(), server_default='', nullable=False))
    bind = op.get_bind()
    rows = bind.execute(sa.text(
        "SELECT document.id, document.code, document.title, external_details.number FROM document "
        "LEFT JOIN external_details ON external_details.document_id = document.id"
    )).all()
    for id_, code, title, number in rows:
        bind.execute(sa.text("UPDATE document SET search_code = :code, search_title = :title WHERE id = :id"),
                     {"id": id_, "code": " ".join(words(f"{code} {number or ''}")),
                      "title": " ".join(words(title))})
    if bind.dialect.name == "sqlite":
        _fts_table(COLUMNS)
    else:
        op.execute("DROP INDEX IF EXISTS ix_document_search_tsv")
        op.execute(f"ALTER TABLE document ADD COLUMN search_tsv tsvector GENERATED ALWAYS AS ({TSVECTOR}) STORED")
        op.execute("CREATE INDEX ix_document_search_tsv ON document USING gin (search_tsv)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for trigger in ("document_fts_ai", "document_fts_ad", "document_fts_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS document_fts")
    else:
        op.execute("DROP INDEX IF EXISTS ix_document_search_tsv")
        op.execute("ALTER TABLE document DROP COLUMN search_tsv")
    # Native DROP COLUMN (SQLite 3.35+): a batch rebuild of the table would empty, through their
    # ON DELETE actions, the tables that refer to it.
    for name in ("search_title", "search_code"):
        op.execute(f"ALTER TABLE document DROP COLUMN {name}")
    if op.get_bind().dialect.name == "sqlite":
        _fts_table(("search_text",))
    else:
        op.execute("CREATE INDEX ix_document_search_tsv ON document "
                   "USING gin (to_tsvector('simple', search_text))")

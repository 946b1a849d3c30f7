"""Diacritic-insensitive full-text search over documents.

Each document keeps ``search_text``: its code, title and the content of its current
version, folded (no diacritics, đ→d, case-folded). SQLite indexes that column with
FTS5 (kept in step by triggers); PostgreSQL with a GIN index on its tsvector. The
query is folded the same way, every word must match, the last one as a prefix.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import literal_column, select, text
from sqlmodel import Session

from qms.documents.content import steps_of
from qms.documents.models import SECTIONS, Document, Version
from qms.search import fold

#: Letters and digits; everything else separates words. The indexed text is stored as
#: these words joined by single spaces, so that SQLite's tokenizer and PostgreSQL's parser
#: (which reads "qt-01" as "qt" and the integer "-01") both see exactly the query's words.
_WORD = re.compile(r"[^\W_]+")
MAX_TERMS = 12


def words(text: str) -> list[str]:
    return _WORD.findall(fold(text))


def terms(query: str) -> list[str]:
    return words(query)[:MAX_TERMS]


def search_text_for(session: Session, document: Document, version: Version | None) -> str:
    parts = [document.code, document.title]
    if version is not None:
        parts += [getattr(version, name) for name in SECTIONS]
        parts += [f"{s.step} {s.responsibility} {s.task} {s.output}" for s in steps_of(session, version.id)]
    return " ".join(words(" ".join(parts)))


def refresh(session: Session, document: Document) -> None:
    """Index the effective version if there is one, else the latest (never a draft over
    an effective version: staff must not find words that are not yet in force)."""
    version_id = document.effective_version_id or document.latest_version_id
    version = session.get(Version, version_id) if version_id else None
    document.search_text = search_text_for(session, document, version)
    session.add(document)


def match_clause(session: Session, query: str) -> Any | None:
    """A WHERE clause on Document for ``query``; None when the query has no words."""
    words = terms(query)
    if not words:
        return None
    if session.get_bind().dialect.name == "postgresql":
        tsquery = " & ".join([*words[:-1], f"{words[-1]}:*"])
        return text("to_tsvector('simple', document.search_text) @@ to_tsquery('simple', :tsq)").bindparams(
            tsq=tsquery
        )
    fts_query = " ".join([f'"{w}"' for w in words[:-1]] + [f'"{words[-1]}"*'])
    matching = select(literal_column("rowid")).select_from(text("document_fts")).where(
        text("document_fts MATCH :fts").bindparams(fts=fts_query)
    )
    return Document.id.in_(matching)



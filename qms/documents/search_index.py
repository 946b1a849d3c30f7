"""Diacritic-insensitive, ranked full-text search over documents.

Each document keeps three folded columns (no diacritics, đ→d, case-folded, words joined
by single spaces): ``search_code`` (its code and, for an external document, its number
such as "30/2020/NĐ-CP"), ``search_title`` and ``search_text`` (code, title and the
content of its current version). SQLite indexes them with FTS5 (kept in step by
triggers) and ranks with ``bm25()``; PostgreSQL keeps a generated tsvector weighted A
(code), B (title), C (text) under a GIN index and ranks with ``ts_rank``. The text is
folded in Python, the same way on both databases and for the query, so the index holds
no accents and needs no ``unaccent`` extension.

The query is folded the same way; every word must match, the last one also as a prefix
(the box searches as one types), and the words of one group typed without spaces (a
number such as "30/2020/NĐ-CP", a code) must stand together in that order. Relevance
puts first the documents whose code or title holds every word, then orders by the
weighted score, in which a whole word counts more than a word that only begins with the
last one typed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Float, Integer, Subquery, select, text
from sqlmodel import Session, col

from qms.core.db import pk
from qms.core.search import words
from qms.documents.content import steps_of
from qms.documents.models import SECTIONS, Document, ExternalDetails, Version

MAX_TERMS = 12
#: bm25 weights of the FTS5 columns search_code, search_title, search_text.
FTS_WEIGHTS = "10.0, 6.0, 1.0"
#: ts_rank weights of the labels D, C, B, A (text is C, title B, code A).
TS_WEIGHTS = "{0.0, 0.1, 0.6, 1.0}"


def terms(query: str) -> list[str]:
    return words(query)[:MAX_TERMS]


def search_text_for(session: Session, document: Document, version: Version | None) -> str:
    parts = [document.code, document.title]
    if version is not None:
        parts += [getattr(version, name) for name in SECTIONS]
        parts += [f"{s.step} {s.responsibility} {s.task} {s.output}" for s in steps_of(session, pk(version))]
    return " ".join(words(" ".join(parts)))


def refresh(session: Session, document: Document) -> None:
    """Index the effective version if there is one, else the latest (never a draft over
    an effective version: staff must not find words that are not yet in force)."""
    version_id = document.effective_version_id or document.latest_version_id
    version = session.get(Version, version_id) if version_id else None
    number = session.execute(
        select(col(ExternalDetails.number)).where(col(ExternalDetails.document_id) == document.id)
    ).scalar_one_or_none() if document.id is not None else None
    document.search_code = " ".join(words(f"{document.code} {number or ''}"))
    document.search_title = " ".join(words(document.title))
    document.search_text = search_text_for(session, document, version)
    session.add(document)


@dataclass(frozen=True)
class Ranked:
    """The documents matching a query: a subquery of ``id``, ``head`` (1 when the code or
    title holds every word) and ``score`` (lower is more relevant)."""

    rows: Subquery


def chunks(query: str) -> list[list[str]]:
    """The query's words, grouped as typed: "30/2020/NĐ-CP" or "QT-01" is one group, whose
    words must stand together, in order; groups apart from each other may be anywhere."""
    groups: list[list[str]] = []
    budget = MAX_TERMS
    for part in query.split():
        found = words(part)[:budget]
        if found:
            groups.append(found)
            budget -= len(found)
        if budget <= 0:
            break
    return groups


def _fts_query(groups: list[list[str]]) -> str:
    phrases = ['"' + " ".join(group) + '"' for group in groups]
    return " AND ".join([*phrases[:-1], f"({phrases[-1]} OR {phrases[-1]}*)"])


def _ts_query(groups: list[list[str]]) -> str:
    phrases = [" <-> ".join(group) for group in groups]
    last = phrases[-1]
    return " & ".join([*(f"({p})" for p in phrases[:-1]), f"(({last}) | ({last}:*))"])


def ranked(session: Session, query: str) -> Ranked | None:
    """The matching documents with their relevance; None when the query has no words."""
    found = chunks(query)
    if not found:
        return None
    if session.get_bind().dialect.name == "postgresql":
        statement = text(
            "SELECT document.id AS id, "
            "CAST(to_tsvector('simple', search_code || ' ' || search_title) @@ q AS integer) AS head, "
            f"-ts_rank('{TS_WEIGHTS}', search_tsv, q) AS score "
            "FROM document, to_tsquery('simple', :tsq) AS q WHERE search_tsv @@ q"
        ).bindparams(tsq=_ts_query(found))
    else:
        fts = _fts_query(found)
        statement = text(
            f"SELECT rowid AS id, bm25(document_fts, {FTS_WEIGHTS}) AS score, "
            "rowid IN (SELECT rowid FROM document_fts WHERE document_fts MATCH :head) AS head "
            "FROM document_fts WHERE document_fts MATCH :fts"
        ).bindparams(fts=fts, head="{search_code search_title} : (" + fts + ")")
    rows = statement.columns(id=Integer, head=Integer, score=Float).subquery("ranked")
    return Ranked(rows)


def relevance_order(found: Ranked) -> tuple[ColumnElement[Any], ...]:
    return (found.rows.c.head.desc(), found.rows.c.score.asc())

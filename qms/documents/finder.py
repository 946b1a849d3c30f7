"""Search everywhere: documents, the content of their current versions, forms and
external documents, with the matching words marked in the original text."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup
from sqlalchemy import select
from sqlmodel import Session, col

from qms.accounts.auth import Principal
from qms.core.db import pk
from qms.core.markup import plain_text
from qms.core.pagination import Page
from qms.documents.choices import Kind
from qms.documents.highlight import mark, query_words, snippet
from qms.documents.models import SECTIONS, ExternalDetails, Version, VersionStep
from qms.documents.schemas import InProgress
from qms.documents.service import DocumentRow, list_documents


@dataclass(frozen=True)
class SearchHit:
    code: str
    title: Markup
    kind: str
    revision: int | None
    status: str | None
    in_progress: InProgress | None
    effective_date: object
    snippet: Markup | None


def _version_texts(session: Session, version_ids: list[int]) -> dict[int, str]:
    if not version_ids:
        return {}
    steps: dict[int, list[str]] = {}
    for row in session.execute(select(VersionStep).where(col(VersionStep.version_id).in_(version_ids))
                               .order_by(col(VersionStep.version_id), col(VersionStep.position))).scalars():
        line = f"{row.step} {row.responsibility} {row.task} {row.output}"
        steps.setdefault(row.version_id, []).append(line)
    return {
        version.id: " ".join([*(plain_text(getattr(version, name)) for name in SECTIONS),
                              *steps.get(version.id, [])])
        for version in session.execute(select(Version).where(col(Version.id).in_(version_ids))).scalars()
    }


def _external_numbers(session: Session, document_ids: list[int]) -> dict[int, str]:
    if not document_ids:
        return {}
    return dict(session.execute(select(col(ExternalDetails.document_id), col(ExternalDetails.number))
                                .where(col(ExternalDetails.document_id).in_(document_ids))).all())


def _with_number(number: str | None, text: str) -> str:
    """An external document is found by its number: the snippet starts with it."""
    return f"{number}. {text}" if number else text


def hits_for(session: Session, rows: list[DocumentRow], query: str) -> list[SearchHit]:
    """Snippets for a page of register rows, from the version the index holds for each."""
    words = query_words(query)
    indexed = {row.document.id: row.document.effective_version_id or row.document.latest_version_id
               for row in rows}
    texts = _version_texts(session, [vid for vid in indexed.values() if vid])
    text_of = {row.document.id: texts.get(indexed[row.document.id] or 0, "") for row in rows}
    external = [pk(row.document) for row in rows if row.document.kind == Kind.EXTERNAL]
    numbers = _external_numbers(session, external)
    return [
        SearchHit(
            code=row.document.code, title=mark(row.document.title, words), kind=row.document.kind,
            revision=row.current_revision, status=row.status, in_progress=row.in_progress,
            effective_date=row.effective_date,
            snippet=snippet(_with_number(numbers.get(pk(row.document)), text_of[row.document.id]), words)
            if words else None,
        )
        for row in rows
    ]


def search_everywhere(session: Session, actor: Principal, query: str, *, limit: int = 20,
                      offset: int = 0, kind: str | None = None, sort: str | None = None) -> Page[SearchHit]:
    """The most relevant first, unless ``sort`` is "code" or "date" (the newest in force first)."""
    page = list_documents(session, actor, q=query, kind=kind, sort=sort, limit=limit, offset=offset)
    return Page(hits_for(session, list(page.items), query), page.total, page.limit, page.offset)

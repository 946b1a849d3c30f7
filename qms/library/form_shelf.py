"""The forms in force and the files people fill in, for the home page: forms of the reader's
own unit first. The home page is the busiest page there is, so the statement is built once
per level of visibility and run with the reader's unit as a parameter."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any

from sqlalchemy import BindParameter, Select, bindparam, case, func, select
from sqlmodel import Session, col

from qms.accounts.auth import Principal
from qms.documents import access
from qms.documents.choices import Kind
from qms.documents.models import Document, Version
from qms.library.models import Attachment

SHELF_SIZE = 8


@dataclass(frozen=True)
class ShelfFile:
    name: str
    size: int
    media_type: str


@dataclass(frozen=True)
class ShelfForm:
    code: str
    title: str
    revision: int
    files: list[ShelfFile] = field(default_factory=list)


@dataclass(frozen=True)
class FormShelf:
    forms: list[ShelfForm]
    total: int


@cache
def _statement(level: access.Visibility) -> Select[Any]:
    unit_id: BindParameter[int] = bindparam("unit_id")
    rank = case((col(Document.owner_unit_id) == unit_id, 0), else_=1)
    shelf = (
        select(col(Document.code), col(Document.title), col(Version.id).label("version_id"),
               col(Version.revision),
               rank.label("rank"), func.count().over().label("total"))
        .join(Version, col(Version.id) == Document.effective_version_id)
        .where(col(Document.kind) == Kind.FORM, access.visibility_for(level, unit_id))
        .order_by(rank, Document.code)
        .limit(bindparam("limit"))
        .subquery()
    )
    return (
        select(shelf.c.code, shelf.c.title, shelf.c.revision, shelf.c.total,
               col(Attachment.name), col(Attachment.size), col(Attachment.media_type))
        .outerjoin(Attachment, col(Attachment.version_id) == shelf.c.version_id)
        .order_by(shelf.c.rank, shelf.c.code, Attachment.name)
    )


def form_shelf(session: Session, actor: Principal, limit: int = SHELF_SIZE) -> FormShelf:
    rows = session.execute(_statement(access.visibility(actor)),
                           {"unit_id": actor.unit_id, "limit": limit}).all()
    forms: dict[str, ShelfForm] = {}
    for code, title, revision, _total, name, size, media_type in rows:
        form = forms.setdefault(code, ShelfForm(code, title, revision))
        if name is not None:
            form.files.append(ShelfFile(name, size, media_type))
    return FormShelf(list(forms.values()), rows[0].total if rows else 0)

"""Retention periods (thời hạn bảo quản): the categories shipped in ``data/retention.toml``
and those the agency adds, and reading what a user chose (a category, "permanent" or a
number of years)."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from qms.accounts.auth import Principal
from qms.audit import service as audit
from qms.core.errors import Conflict, NotFound, ValidationFailed
from qms.core.i18n import _
from qms.core.search import fold
from qms.documents.policy import can_manage_documents
from qms.record_keeping.models import RecordEntry, RetentionCategory
from qms.record_keeping.schemas import RetentionCategoryIn

DATA_FILE = Path(__file__).parent / "data" / "retention.toml"
MAX_YEARS = 100
_CODE = re.compile(r"^[A-Z0-9][A-Z0-9-]{0,39}$")
PERMANENT_WORDS = {"permanent", "vinh vien"}


@dataclass(frozen=True)
class Category:
    code: str
    name: str
    permanent: bool
    years: int | None
    basis: str
    shipped: bool = True


@dataclass(frozen=True)
class Retention:
    permanent: bool
    years: int | None
    category: str = ""
    basis: str = ""


@cache
def shipped_categories() -> dict[str, Category]:
    """The categories shipped as data, by code; a malformed data file fails loudly at the first use."""
    raw = tomllib.loads(DATA_FILE.read_text(encoding="utf-8"))
    found: dict[str, Category] = {}
    for item in raw.get("category", []):
        code = str(item["code"])
        permanent = bool(item.get("permanent", False))
        years = item.get("years")
        if not _CODE.match(code) or code in found:
            raise ValueError(f"{DATA_FILE.name}: bad or repeated code {code!r}")
        if permanent == (years is not None) or (years is not None and not 1 <= int(years) <= MAX_YEARS):
            raise ValueError(f"{DATA_FILE.name}: {code} needs either permanent = true or years from 1 to 100")
        found[code] = Category(code, str(item["name"]), permanent, int(years) if years else None,
                               str(item.get("basis", "")))
    return found


def label(permanent: bool, years: int | None) -> str:
    if permanent:
        return _("Permanent")
    return _("%(n)s years", n=years)


def as_typed(kept: Retention) -> str:
    """The period as the records editor shows it and :func:`resolve` reads it back."""
    if kept.category:
        return kept.category
    return _("permanent") if kept.permanent else str(kept.years)


def categories(session: Session) -> dict[str, Category]:
    """Every category by code: those shipped with qms, then the agency's own."""
    found = dict(shipped_categories())
    for row in session.execute(select(RetentionCategory).order_by(RetentionCategory.code)).scalars():
        found.setdefault(row.code, Category(row.code, row.name, row.permanent, row.years, row.basis,
                                            shipped=False))
    return found


def resolve(known: Mapping[str, Category], value: str, field: str = "retention") -> Retention:
    """A category code (of ``known``, from :func:`categories`), "permanent" (or "vĩnh viễn")
    or a number of years."""
    text = value.strip()
    category = known.get(text.upper())
    if category is not None:
        return Retention(category.permanent, category.years, category.code, category.basis)
    if fold(text) in PERMANENT_WORDS:
        return Retention(True, None)
    number = fold(text).removesuffix("nam").removesuffix("years").strip()
    if number.isdigit() and 1 <= int(number) <= MAX_YEARS:
        return Retention(False, int(number))
    raise ValidationFailed(field, _("Choose a retention category, \"permanent\", or a number of years from 1 "
                                    "to %(max)s.", max=MAX_YEARS))


def add_category(session: Session, actor: Principal, data: RetentionCategoryIn) -> Category:
    """The quality officer adds a category; its code may not be taken, nor read as a period."""
    can_manage_documents.require(actor)
    if data.permanent == (data.years is not None):
        raise ValidationFailed("years", _("Give either a number of years or \"permanent\", not both."))
    if data.code in categories(session):
        raise Conflict(_("A retention category with code %(code)s already exists.", code=data.code))
    if data.code.isdigit():
        raise ValidationFailed("code", _("A code made only of digits would read as a number of years."))
    try:
        with session.begin_nested():  # another request may add the same code at the same moment
            session.add(RetentionCategory(code=data.code, name=data.name, permanent=data.permanent,
                                          years=data.years, basis=data.basis, created_by_id=actor.id))
    except IntegrityError:
        raise Conflict(_("A retention category with code %(code)s already exists.", code=data.code)) from None
    audit.record(session, actor=actor, action="retention_category.create", object_type="retention_category",
                 object_id=data.code, details=data.model_dump())
    return categories(session)[data.code]


def remove_category(session: Session, actor: Principal, code: str) -> None:
    """Only a category the agency added, and only while no record of the register uses it."""
    can_manage_documents.require(actor)
    code = code.strip().upper()
    row = session.execute(
        select(RetentionCategory).where(col(RetentionCategory.code) == code)
    ).scalar_one_or_none()
    if row is None:
        if code in shipped_categories():
            raise Conflict(_("Category %(code)s is shipped with the software and cannot be removed.",
                             code=code))
        raise NotFound(_("Retention category %(code)s does not exist.", code=code))
    used = session.execute(
        select(func.count()).select_from(RecordEntry).where(col(RecordEntry.category) == code)
    )
    if used.scalar_one():
        raise Conflict(_("Category %(code)s is used by the records register; change those records first.",
                         code=code))
    session.delete(row)
    session.flush()
    audit.record(session, actor=actor, action="retention_category.delete", object_type="retention_category",
                 object_id=code)

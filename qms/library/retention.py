"""Retention periods (thời hạn bảo quản): the categories shipped in ``data/retention.toml``,
and reading what a user chose (a category, "permanent" or a number of years)."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from qms.errors import ValidationFailed
from qms.i18n import _
from qms.search import fold

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


@dataclass(frozen=True)
class Retention:
    permanent: bool
    years: int | None
    category: str = ""
    basis: str = ""


@cache
def categories() -> dict[str, Category]:
    """The categories by code; a malformed data file fails loudly at the first use."""
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


def resolve(value: str, field: str = "retention") -> Retention:
    """A category code, "permanent" (or "vĩnh viễn") or a number of years."""
    text = value.strip()
    category = categories().get(text.upper())
    if category is not None:
        return Retention(category.permanent, category.years, category.code, category.basis)
    if fold(text) in PERMANENT_WORDS:
        return Retention(True, None)
    number = fold(text).removesuffix("nam").removesuffix("years").strip()
    if number.isdigit() and 1 <= int(number) <= MAX_YEARS:
        return Retention(False, int(number))
    raise ValidationFailed(field, _("Choose a retention category, \"permanent\", or a number of years from 1 "
                                    "to %(max)s.", max=MAX_YEARS))

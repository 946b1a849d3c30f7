"""Dates as people here type them: dd/mm/yyyy, in one place.

A browser's ``<input type="date">`` follows the browser's locale (mm/dd/yyyy on many
machines), so forms use a text field with the pattern dd/mm/yyyy instead, and every schema
and query parameter that takes a day is declared ``Day`` or ``OptionalDay``
(``OptionalDayStart`` for the start of a period). They read dd/mm/yyyy (also d/m/yyyy, with
"/", "-" or "." between) and, for the API and older clients, ISO yyyy-mm-dd; a value of
neither form is refused with a reason that shows the form expected, and the validation error
names the field.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BeforeValidator

from qms.core.i18n import _

DISPLAY_FORMAT = "%d/%m/%Y"
#: The HTML ``pattern`` of a date field (the server accepts more: see ``parse_day``).
INPUT_PATTERN = r"[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}"
_DAY_FIRST = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")


def parse_day(text: str) -> date:
    """The day written ``text`` (dd/mm/yyyy or yyyy-mm-dd); ValueError with a readable reason."""
    value = text.strip()
    if match := _DAY_FIRST.fullmatch(value):
        day, month, year = (int(part) for part in match.groups())
    elif match := _ISO.fullmatch(value):
        year, month, day = (int(part) for part in match.groups())
    else:
        raise ValueError(_("Type the date as dd/mm/yyyy, e.g. 31/12/2026 (you typed “%(value)s”).",
                           value=value[:40]))
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(_("There is no such day: %(value)s (the day comes first: dd/mm/yyyy).",
                           value=value[:40])) from None


def _day(value: Any) -> Any:
    """Strings become days; anything else goes to pydantic as it is."""
    if isinstance(value, str):
        if not value.strip():
            raise ValueError(_("This field is required."))
        return parse_day(value)
    return value


def _optional_day(value: Any) -> Any:
    """As ``_day``, but an empty field is no day."""
    if isinstance(value, str) and not value.strip():
        return None
    return _day(value)


def _day_start(value: Any) -> Any:
    """A day alone (dd/mm/yyyy or yyyy-mm-dd) is the start of that day; a full timestamp passes."""
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        if _DAY_FIRST.fullmatch(text) or _ISO.fullmatch(text):
            return datetime.combine(parse_day(text), datetime.min.time())
    return value


Day = Annotated[date, BeforeValidator(_day)]
OptionalDay = Annotated[date | None, BeforeValidator(_optional_day)]
#: The start of a day typed as a day, or a full timestamp (a query's "since").
OptionalDayStart = Annotated[datetime | None, BeforeValidator(_day_start)]


def format_day(value: date | datetime | str | None) -> str:
    """dd/mm/yyyy for a day, a moment or an ISO string; text that is no date is shown as typed."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            day = parse_day(value)
        except ValueError:
            return value
        return day.strftime(DISPLAY_FORMAT)
    return value.strftime(DISPLAY_FORMAT)

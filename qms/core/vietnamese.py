"""Words and dates as Vietnamese records write them (records are always in Vietnamese)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo


def revision_number(revision: int | None) -> str:
    return f"{revision:02d}" if revision else ""


def short_date(value: date | datetime | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def long_date(value: date) -> str:
    """"ngày 05 tháng 02 năm 2026", "ngày 25 tháng 11 năm 2026": Decree 30 writes a zero
    before days under 10 and before months 1 and 2."""
    month = f"{value.month:02d}" if value.month < 3 else str(value.month)
    return f"ngày {value.day:02d} tháng {month} năm {value.year}"


def local_time(value: datetime, zone: ZoneInfo) -> str:
    """"09:15 ngày 10/03/2025" in the agency's time zone."""
    local = value.astimezone(zone)
    return f"{local:%H:%M} ngày {local:%d/%m/%Y}"

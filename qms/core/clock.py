"""Local dates: stored times are UTC; the agency's day is in its own time zone."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from qms.core.db import utcnow


def local_today(zone: ZoneInfo) -> date:
    return utcnow().astimezone(zone).date()


def local_datetime(value: datetime, zone: ZoneInfo) -> datetime:
    return value.astimezone(zone)


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, or the month's last day when it has fewer days."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, candidate)
        except ValueError:
            continue
    raise AssertionError("unreachable")

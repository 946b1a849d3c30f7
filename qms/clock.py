"""Local dates: stored times are UTC; the agency's day is in its own time zone."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from qms.db import utcnow


def local_today(zone: ZoneInfo) -> date:
    return utcnow().astimezone(zone).date()


def local_datetime(value: datetime, zone: ZoneInfo) -> datetime:
    return value.astimezone(zone)

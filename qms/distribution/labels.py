"""Words and dates shown by the distribution pages (template globals, added by its door)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from jinja2 import pass_context

from qms.core.config import current as current_settings
from qms.distribution.choices import CopyState, TaskState


def task_label(status: str) -> str:
    return TaskState.label_of(status)


def copy_label(status: str) -> str:
    return CopyState.label_of(status)


@pass_context
def local_date(context: Any, value: datetime | None) -> str:
    """dd/mm/yyyy of an aware time, in the agency's time zone."""
    if value is None:
        return ""
    request = context.get("request")
    zone = request.app.state.settings.zone if request is not None else current_settings().zone
    return value.astimezone(zone).strftime("%d/%m/%Y")


TEMPLATE_GLOBALS = {"task_label": task_label, "copy_label": copy_label, "local_date": local_date,
                    "TaskState": TaskState, "CopyState": CopyState}

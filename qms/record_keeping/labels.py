"""Words of record keeping in the UI: the medium of a record and what happens to it at the end."""

from __future__ import annotations

from qms.record_keeping.choices import Disposal, Medium


def medium_label(medium: str) -> str:
    return Medium.label_of(medium)


def disposal_label(disposal: str) -> str:
    return Disposal.label_of(disposal)


TEMPLATE_GLOBALS = {"medium_label": medium_label, "disposal_label": disposal_label}

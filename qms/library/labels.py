"""Words of the library in the UI, as template globals."""

from __future__ import annotations

from qms.core.i18n import N_, translated_choice

_EXTERNAL_STATUSES = {
    "in_force": N_("In force"),
    "amended": N_("Amended"),
    "expired": N_("Expired"),
}


def external_status_label(status: str | None) -> str:
    return translated_choice(_EXTERNAL_STATUSES, status) if status in _EXTERNAL_STATUSES else ""


_MEDIA = {
    "paper": N_("Paper"),
    "electronic": N_("Electronic"),
    "both": N_("Paper and electronic"),
}


def medium_label(medium: str) -> str:
    return translated_choice(_MEDIA, medium)


_DISPOSALS = {
    "destroy": N_("Destroy when the period ends"),
    "archive_agency": N_("Transfer to the agency archive"),
    "archive_historical": N_("Transfer to the historical archive"),
    "reappraise": N_("Appraise again when the period ends"),
}


def disposal_label(disposal: str) -> str:
    return translated_choice(_DISPOSALS, disposal)


_REQUEST_STATUSES = {
    "open": N_("Awaiting decision"),
    "accepted": N_("Accepted"),
    "rejected": N_("Rejected"),
    "closed": N_("Closed"),
}


def request_status_label(status: str) -> str:
    return translated_choice(_REQUEST_STATUSES, status)


_OUTCOMES = {
    "no_change": N_("No change needed"),
    "revise": N_("Revise"),
    "withdraw": N_("Withdraw"),
}


def outcome_label(outcome: str) -> str:
    return translated_choice(_OUTCOMES, outcome)


def file_size(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def file_kind(media_type: str) -> str:
    if "wordprocessing" in media_type or "ms-word" in media_type:
        return "Word"
    if "spreadsheet" in media_type or "ms-excel" in media_type:
        return "Excel"
    if media_type == "application/pdf":
        return "PDF"
    return media_type


TEMPLATE_GLOBALS = {
    "external_status_label": external_status_label, "medium_label": medium_label,
    "disposal_label": disposal_label, "request_status_label": request_status_label,
    "outcome_label": outcome_label, "file_size": file_size, "file_kind": file_kind,
}

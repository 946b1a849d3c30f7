"""Words of the library in the UI, as template globals."""

from __future__ import annotations

from qms.i18n import _


def external_status_label(status: str | None) -> str:
    return {"in_force": _("In force"), "amended": _("Amended"), "expired": _("Expired")}.get(status or "", "")


def medium_label(medium: str) -> str:
    return {"paper": _("Paper"), "electronic": _("Electronic"), "both": _("Paper and electronic")}.get(
        medium, medium)


def disposal_label(disposal: str) -> str:
    return {
        "destroy": _("Destroy when the period ends"),
        "archive_agency": _("Transfer to the agency archive"),
        "archive_historical": _("Transfer to the historical archive"),
        "reappraise": _("Appraise again when the period ends"),
    }.get(disposal, disposal)


def request_status_label(status: str) -> str:
    return {"open": _("Awaiting decision"), "accepted": _("Accepted"), "rejected": _("Rejected")}.get(
        status, status)


def outcome_label(outcome: str) -> str:
    return {"no_change": _("No change needed"), "revise": _("Revise"), "withdraw": _("Withdraw")}.get(
        outcome, outcome)


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

"""Words of the library in the UI, as template globals."""

from __future__ import annotations

from qms.core.i18n import N_, translated_choice

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


TEMPLATE_GLOBALS = {"request_status_label": request_status_label, "outcome_label": outcome_label}

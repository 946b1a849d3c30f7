"""Words of the library in the UI, as template globals."""

from __future__ import annotations

from qms.library.choices import RequestStatus, ReviewOutcome


def request_status_label(status: str) -> str:
    return RequestStatus.label_of(status)


def outcome_label(outcome: str) -> str:
    return ReviewOutcome.label_of(outcome)


TEMPLATE_GLOBALS = {"request_status_label": request_status_label, "outcome_label": outcome_label,
                    "RequestStatus": RequestStatus, "ReviewOutcome": ReviewOutcome}

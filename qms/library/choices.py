"""The fixed lists of the library, each value with its English and Vietnamese words."""

from __future__ import annotations

from qms.core.choices import Choice


class RequestStatus(Choice):
    """Where a change request stands."""

    OPEN = "open", "Awaiting decision", "Chờ quyết định"
    ACCEPTED = "accepted", "Accepted", "Đã chấp nhận"
    REJECTED = "rejected", "Rejected", "Không chấp nhận"
    CLOSED = "closed", "Closed", "Đã hoàn thành"


class ReviewOutcome(Choice):
    """The outcome of a periodic review."""

    NO_CHANGE = "no_change", "No change needed", "Không cần sửa đổi"
    REVISE = "revise", "Revise", "Sửa đổi"
    WITHDRAW = "withdraw", "Withdraw", "Hủy bỏ"

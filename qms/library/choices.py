"""The fixed lists of the library, each value with its English and Vietnamese words."""

from __future__ import annotations

from qms.core.choices import Choice


class RequestStatus(Choice):
    """Where a change request stands."""

    OPEN = "open", "Awaiting decision", "Chờ quyết định", "Chờ xử lý"
    ACCEPTED = "accepted", "Accepted", "Đã chấp nhận"
    REJECTED = "rejected", "Rejected", "Không chấp nhận"
    CLOSED = "closed", "Closed", "Đã hoàn thành", "Đã hoàn thành (bản sửa đổi có hiệu lực)"


class ReviewOutcome(Choice):
    """The outcome of a periodic review."""

    NO_CHANGE = "no_change", "No change needed", "Không cần sửa đổi"
    REVISE = "revise", "Revise", "Sửa đổi", "Cần sửa đổi"
    WITHDRAW = "withdraw", "Withdraw", "Hủy bỏ", "Đề nghị hủy bỏ"

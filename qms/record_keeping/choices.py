"""The fixed lists of record keeping, each value with its English and Vietnamese words."""

from __future__ import annotations

from qms.core.choices import Choice


class Medium(Choice):
    PAPER = "paper", "Paper", "Giấy"
    ELECTRONIC = "electronic", "Electronic", "Điện tử"
    BOTH = "both", "Paper and electronic", "Giấy và điện tử"


class Disposal(Choice):
    """What happens to a record when its retention period ends."""

    DESTROY = "destroy", "Destroy when the period ends", "Tiêu hủy khi hết thời hạn bảo quản"
    ARCHIVE_AGENCY = "archive_agency", "Transfer to the agency archive", "Nộp lưu vào Lưu trữ cơ quan"
    ARCHIVE_HISTORICAL = ("archive_historical", "Transfer to the historical archive",
                          "Nộp lưu vào Lưu trữ lịch sử")
    REAPPRAISE = "reappraise", "Appraise again when the period ends", "Đánh giá lại khi hết thời hạn"

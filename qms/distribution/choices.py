"""The fixed lists of distribution, each value with its English and Vietnamese words."""

from __future__ import annotations

from qms.core.choices import Choice


class TaskState(Choice):
    """An acknowledgement task as it is shown: its stored status, or ``overdue`` and
    ``acknowledged_late`` (``models.task_state``)."""

    PENDING = "pending", "Not yet acknowledged", "Chưa xác nhận"
    OVERDUE = "overdue", "Overdue", "Quá hạn", "Quá hạn, chưa xác nhận"
    ACKNOWLEDGED = "acknowledged", "Acknowledged", "Đã xác nhận"
    ACKNOWLEDGED_LATE = "acknowledged_late", "Acknowledged late", "Xác nhận muộn", "Xác nhận muộn (sau hạn)"
    SUPERSEDED = "superseded", "Closed: superseded", "Đã đóng: bị thay thế", "Đã đóng (tài liệu bị thay thế)"
    WITHDRAWN = ("withdrawn", "Closed: withdrawn", "Đã đóng: tài liệu bị hủy bỏ",
                 "Đã đóng (tài liệu bị hủy bỏ)")
    REMOVED = "removed", "Removed", "Đã gỡ", "Đã loại khỏi danh sách"


#: The statuses a task is stored with (the others are only shown).
STORED_TASK_STATES = (TaskState.PENDING, TaskState.ACKNOWLEDGED, TaskState.SUPERSEDED, TaskState.WITHDRAWN,
                      TaskState.REMOVED)


class CopyState(Choice):
    """A controlled paper copy."""

    ISSUED = "issued", "Issued", "Đã cấp", "Đang lưu giữ"
    TO_RECALL = "to_recall", "To recall", "Cần thu hồi"
    RETURNED = "returned", "Returned", "Đã trả lại", "Đã thu hồi"
    DESTROYED = "destroyed", "Destroyed", "Đã tiêu hủy", "Đã thu hồi và tiêu hủy"

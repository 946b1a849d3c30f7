"""The fixed lists of distribution, each value with its English and Vietnamese words."""

from __future__ import annotations

from qms.core.choices import Choice


class TaskState(Choice):
    """An acknowledgement task as it is shown: its stored status, or ``overdue`` and
    ``acknowledged_late`` (``models.task_state``)."""

    PENDING = "pending", "Not yet acknowledged", "Chưa xác nhận"
    OVERDUE = "overdue", "Overdue", "Quá hạn"
    ACKNOWLEDGED = "acknowledged", "Acknowledged", "Đã xác nhận"
    ACKNOWLEDGED_LATE = "acknowledged_late", "Acknowledged late", "Xác nhận muộn"
    SUPERSEDED = "superseded", "Closed: superseded", "Đã đóng: bị thay thế"
    WITHDRAWN = "withdrawn", "Closed: withdrawn", "Đã đóng: tài liệu bị hủy bỏ"
    REMOVED = "removed", "Removed", "Đã gỡ"


#: The statuses a task is stored with (the others are only shown).
STORED_TASK_STATES = (TaskState.PENDING, TaskState.ACKNOWLEDGED, TaskState.SUPERSEDED, TaskState.WITHDRAWN,
                      TaskState.REMOVED)


class CopyState(Choice):
    """A controlled paper copy."""

    ISSUED = "issued", "Issued", "Đã cấp"
    TO_RECALL = "to_recall", "To recall", "Cần thu hồi"
    RETURNED = "returned", "Returned", "Đã trả lại"
    DESTROYED = "destroyed", "Destroyed", "Đã tiêu hủy"

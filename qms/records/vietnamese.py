"""Words and dates as Vietnamese records write them (records are always in Vietnamese)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

SECTION_TITLES = {
    "purpose": "Mục đích",
    "scope": "Phạm vi",
    "references": "Tài liệu viện dẫn",
    "definitions": "Định nghĩa, viết tắt",
    "content": "Nội dung quy trình",
    "forms": "Biểu mẫu",
    "records": "Hồ sơ cần lưu",
}
KINDS = {
    "manual": "Sổ tay chất lượng",
    "policy": "Chính sách chất lượng",
    "objectives": "Mục tiêu chất lượng",
    "procedure": "Quy trình",
    "work_instruction": "Hướng dẫn công việc",
    "form": "Biểu mẫu",
    "external": "Tài liệu bên ngoài",
    "other": "Tài liệu khác",
}
STATUSES = {
    "draft": "Dự thảo",
    "in_review": "Đang xem xét",
    "awaiting_approval": "Chờ phê duyệt",
    "approved": "Đã phê duyệt",
    "effective": "Có hiệu lực",
    "superseded": "Bị thay thế",
    "obsolete": "Hết hiệu lực",
}
MEANINGS = {"drafted": "Soạn thảo", "reviewed": "Xem xét", "approved": "Phê duyệt ban hành"}
ROLES = {
    "admin": "Quản trị hệ thống",
    "quality_officer": "Thư ký ISO",
    "drafter": "Người soạn thảo",
    "reviewer": "Người xem xét",
    "approver": "Người phê duyệt",
    "staff": "Cán bộ, công chức, viên chức",
    "auditor": "Chuyên gia đánh giá nội bộ",
}
CONFIDENTIALITY = {"public": "Công khai", "internal": "Nội bộ", "restricted": "Hạn chế"}


def revision_number(revision: int | None) -> str:
    return f"{revision:02d}" if revision else ""


def short_date(value: date | datetime | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def long_date(value: date) -> str:
    """"ngày 05 tháng 02 năm 2026", "ngày 25 tháng 11 năm 2026": Decree 30 writes a zero
    before days under 10 and before months 1 and 2."""
    month = f"{value.month:02d}" if value.month < 3 else str(value.month)
    return f"ngày {value.day:02d} tháng {month} năm {value.year}"


def local_time(value: datetime, zone: ZoneInfo) -> str:
    """"09:15 ngày 10/03/2025" in the agency's time zone."""
    local = value.astimezone(zone)
    return f"{local:%H:%M} ngày {local:%d/%m/%Y}"

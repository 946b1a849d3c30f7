"""The words of the documents' fixed lists as Vietnamese records write them (records are always
in Vietnamese): section titles, kinds, statuses, signature meanings, confidentiality."""

from __future__ import annotations

SECTION_WORDS = {
    "purpose": "Mục đích",
    "scope": "Phạm vi",
    "references": "Tài liệu viện dẫn",
    "definitions": "Định nghĩa, viết tắt",
    "content": "Nội dung quy trình",
    "forms": "Biểu mẫu",
    "records": "Hồ sơ cần lưu",
}


KIND_WORDS = {
    "manual": "Sổ tay chất lượng",
    "policy": "Chính sách chất lượng",
    "objectives": "Mục tiêu chất lượng",
    "procedure": "Quy trình",
    "work_instruction": "Hướng dẫn công việc",
    "form": "Biểu mẫu",
    "external": "Tài liệu bên ngoài",
    "other": "Tài liệu khác",
}


STATUS_WORDS = {
    "draft": "Dự thảo",
    "in_review": "Đang xem xét",
    "awaiting_approval": "Chờ phê duyệt",
    "approved": "Đã phê duyệt",
    "effective": "Có hiệu lực",
    "superseded": "Bị thay thế",
    "obsolete": "Hết hiệu lực",
}


MEANING_WORDS = {"drafted": "Soạn thảo", "reviewed": "Xem xét", "approved": "Phê duyệt ban hành"}


CONFIDENTIALITY_WORDS = {"public": "Công khai", "internal": "Nội bộ", "restricted": "Hạn chế"}


def value_words() -> dict[str, tuple[str, str]]:
    """These words in English and Vietnamese, for the audit trail's details."""
    return {
        **{key: (key, words.lower()) for key, words in SECTION_WORDS.items()},
        **{key: (key.replace("_", " "), words) for key, words in STATUS_WORDS.items()},
        **{key: (key.replace("_", " "), words) for key, words in KIND_WORDS.items()},
        **{key: (key, words) for key, words in CONFIDENTIALITY_WORDS.items()},
    }

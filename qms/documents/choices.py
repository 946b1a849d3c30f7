"""The fixed lists of documents, each value with its English and Vietnamese words: what the
pages show, what the records write and what the audit trail names.

Signature meanings keep two wordings: the pages say what a person did ("Approved"), a
record's sign-off block what the signature stands for ("Phê duyệt ban hành").
"""

from __future__ import annotations

from qms.core.choices import Choice


class Status(Choice):
    """Where a version stands in its lifecycle (the moves are in ``lifecycle.py``)."""

    DRAFT = "draft", "Draft", "Dự thảo"
    IN_REVIEW = "in_review", "In review", "Đang xem xét"
    AWAITING_APPROVAL = "awaiting_approval", "Awaiting approval", "Chờ phê duyệt"
    APPROVED = "approved", "Approved", "Đã phê duyệt"
    EFFECTIVE = "effective", "Effective", "Có hiệu lực"
    SUPERSEDED = "superseded", "Superseded", "Bị thay thế"
    OBSOLETE = "obsolete", "Obsolete", "Hết hiệu lực"


class Kind(Choice):
    MANUAL = "manual", "Quality manual", "Sổ tay chất lượng"
    POLICY = "policy", "Quality policy", "Chính sách chất lượng"
    OBJECTIVES = "objectives", "Quality objectives", "Mục tiêu chất lượng"
    PROCEDURE = "procedure", "Procedure", "Quy trình"
    WORK_INSTRUCTION = "work_instruction", "Work instruction", "Hướng dẫn công việc"
    FORM = "form", "Form", "Biểu mẫu"
    EXTERNAL = "external", "External document", "Tài liệu có nguồn gốc bên ngoài"
    OTHER = "other", "Other document", "Tài liệu khác"


class Confidentiality(Choice):
    PUBLIC = "public", "Public", "Công khai"
    INTERNAL = "internal", "Internal", "Nội bộ"
    RESTRICTED = "restricted", "Restricted", "Hạn chế"


class Section(Choice):
    """The seven sections of a procedure, in their order."""

    PURPOSE = "purpose", "Purpose", "Mục đích"
    SCOPE = "scope", "Scope", "Phạm vi"
    REFERENCES = "references", "References", "Tài liệu viện dẫn"
    DEFINITIONS = "definitions", "Definitions and abbreviations", "Định nghĩa, viết tắt"
    CONTENT = "content", "Procedure content", "Nội dung quy trình"
    FORMS = "forms", "Forms", "Biểu mẫu"
    RECORDS = "records", "Records to keep", "Hồ sơ cần lưu"


class ExternalStatus(Choice):
    """Whether an external document (a law, a standard) still applies."""

    IN_FORCE = "in_force", "In force", "Đang có hiệu lực", "Còn hiệu lực"
    AMENDED = "amended", "Amended", "Đã được sửa đổi"
    EXPIRED = "expired", "Expired", "Hết hiệu lực"


class Meaning(Choice):
    """What a signature says its signer did, as the pages show it; a record's sign-off block
    writes what the signature stands for."""

    DRAFTED = "drafted", "Drafted", "Đã soạn thảo", "Soạn thảo"
    REVIEWED = "reviewed", "Reviewed", "Đã xem xét", "Xem xét"
    APPROVED = "approved", "Approved", "Đã phê duyệt", "Phê duyệt ban hành"
    REJECTED = "rejected", "Sent back", "Trả lại"


def value_words() -> dict[str, tuple[str, str]]:
    """The words of these values in the audit trail's details (English as stored, Vietnamese)."""
    return {
        **{section.value: (section.value, section.vi.lower()) for section in Section},
        **{status.value: (status.value.replace("_", " "), status.vi) for status in Status},
        **{kind.value: (kind.value.replace("_", " "), kind.vi) for kind in Kind},
        **{level.value: (level.value, level.vi) for level in Confidentiality},
        **ExternalStatus.words_in_sentence(),
    }

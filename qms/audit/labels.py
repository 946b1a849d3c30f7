"""The audit trail in words: every action, object and detail named in English and Vietnamese.

Events keep machine names (``auth.login``, ``{"active": false}``); the page, its exports and
the audit pack show them through this one table. Records are in Vietnamese whatever the
reader's language, so each entry carries both words instead of going through gettext.
A test walks the code for every action it can write and fails on one without a label here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from qms.core.i18n import current_language
from qms.core.roles import Role

Language = Literal["vi", "en"]
#: A pair of words: English, Vietnamese.
Words = tuple[str, str]

#: The groups an action belongs to, by the part of its name before the dot.
GROUPS: dict[str, Words] = {
    "auth": ("Sign-in and sign-out", "Đăng nhập, đăng xuất"),
    "user": ("User accounts", "Tài khoản người dùng"),
    "unit": ("Units", "Đơn vị"),
    "agency": ("Agency profile", "Thông tin cơ quan"),
    "document": ("Documents", "Tài liệu"),
    "version": ("Revisions and their workflow", "Lần ban hành và quy trình phê duyệt"),
    "signature": ("Electronic signatures", "Chữ ký điện tử"),
    "delegation": ("Delegations", "Ủy quyền phê duyệt"),
    "attachment": ("Attached files", "Tệp đính kèm"),
    "change_request": ("Change requests", "Đề nghị sửa đổi"),
    "external": ("External documents", "Tài liệu có nguồn gốc bên ngoài"),
    "records_register": ("Records register", "Sổ đăng ký hồ sơ"),
    "records_list": ("Records list", "Danh mục hồ sơ"),
    "retention_category": ("Retention categories", "Nhóm thời hạn lưu trữ"),
    "distribution": ("Distribution and acknowledgement", "Phân phối và xác nhận đã đọc"),
    "paper_copy": ("Controlled paper copies", "Bản giấy có kiểm soát"),
    "reminder": ("Reminders", "Nhắc việc"),
    "mail": ("E-mail", "Thư điện tử"),
    "record": ("Records and signed originals", "Bản in và bản gốc có chữ ký số"),
    "report": ("Reports", "Báo cáo"),
}

ACTIONS: dict[str, Words] = {
    "auth.login": ("Signed in", "Đăng nhập"),
    "auth.login_failed": ("Failed sign-in", "Đăng nhập không thành công"),
    "auth.logout": ("Signed out", "Đăng xuất"),
    "auth.password_refused_by_policy": ("Password no longer accepted by the policy: to be changed",
                                        "Mật khẩu không còn đạt chính sách: phải đổi"),
    "auth.signing_password_failed": ("Wrong password when signing", "Nhập sai mật khẩu khi ký"),
    "auth.throttled": ("Attempt held back after wrong passwords",
                       "Tạm hoãn lần thử sau nhiều lần sai mật khẩu"),
    "auth.password_change_failed": ("Wrong current password when changing it",
                                    "Nhập sai mật khẩu hiện tại khi đổi mật khẩu"),
    "user.create": ("Account created", "Tạo tài khoản"),
    "user.update": ("Account changed", "Sửa thông tin tài khoản"),
    "user.activate": ("Account reactivated", "Mở lại tài khoản"),
    "user.deactivate": ("Account deactivated", "Khóa tài khoản"),
    "user.password_reset": ("Temporary password set", "Cấp mật khẩu tạm thời"),
    "user.password_change": ("Own password changed", "Tự đổi mật khẩu"),
    "user.notification_mail": ("E-mail notification setting changed", "Đổi cách nhận thông báo qua thư"),
    "unit.create": ("Unit created", "Tạo đơn vị"),
    "unit.update": ("Unit changed", "Sửa thông tin đơn vị"),
    "unit.deactivate": ("Unit deactivated", "Ngừng hoạt động đơn vị"),
    "agency.update": ("Agency profile changed", "Sửa thông tin cơ quan"),
    "agency.seal.update": ("Agency seal image uploaded", "Tải lên hình ảnh con dấu của cơ quan"),
    "user.certificate_upload": ("Own signing certificate uploaded", "Tải lên chứng thư số cá nhân"),
    "user.certificate_remove": ("Own signing certificate removed", "Gỡ bỏ chứng thư số cá nhân"),
    "user.signature_image_upload": ("Image of own signature uploaded", "Tải lên hình ảnh chữ ký"),
    "user.signature_image_remove": ("Image of own signature removed", "Gỡ bỏ hình ảnh chữ ký"),
    "document.create": ("Document registered", "Đăng ký tài liệu mới"),
    "document.update": ("Document details changed", "Sửa thông tin tài liệu"),
    "document.import_created": ("Document imported", "Nhập tài liệu mới từ thư viện quy trình"),
    "document.import_revised": ("Revision imported", "Nhập lần ban hành mới từ thư viện quy trình"),
    "document.import_docx": ("Word file imported", "Nhập tài liệu từ tệp Word"),
    "document.needs_review": ("Flagged for review (external document changed)",
                              "Cần rà soát (tài liệu viện dẫn đã thay đổi)"),
    "document.periodic_review": ("Periodic review", "Rà soát định kỳ"),
    "version.create": ("Draft revision opened", "Mở dự thảo lần ban hành mới"),
    "version.update": ("Draft edited", "Sửa dự thảo"),
    "version.submit": ("Submitted for review", "Trình xem xét"),
    "version.reject": ("Returned to the drafter", "Trả lại người soạn thảo"),
    "version.reviews_complete": ("Reviews complete", "Hoàn thành xem xét"),
    "version.approve": ("Approved for issue", "Phê duyệt ban hành"),
    "version.effective": ("Came into force", "Có hiệu lực"),
    "version.supersede": ("Superseded", "Bị thay thế"),
    "version.withdrawal_request": ("Withdrawal requested", "Đề nghị hủy bỏ"),
    "version.withdraw": ("Withdrawn", "Hủy bỏ (hết hiệu lực)"),
    "version.withdrawal_refused": ("Withdrawal refused", "Từ chối đề nghị hủy bỏ"),
    "signature.drafted": ("Signed as drafter", "Ký soạn thảo"),
    "signature.reviewed": ("Signed as reviewer", "Ký xem xét"),
    "signature.approved": ("Signed as approver", "Ký phê duyệt"),
    "signature.rejected": ("Signed a refusal", "Ký từ chối"),
    "delegation.create": ("Approval delegated", "Ủy quyền phê duyệt"),
    "delegation.revoke": ("Delegation revoked", "Thu hồi ủy quyền"),
    "attachment.add": ("File attached", "Đính kèm tệp"),
    "attachment.remove": ("Attached file removed", "Gỡ tệp đính kèm"),
    "change_request.create": ("Change requested", "Đề nghị sửa đổi tài liệu"),
    "change_request.accepted": ("Change request accepted", "Chấp nhận đề nghị sửa đổi"),
    "change_request.rejected": ("Change request rejected", "Từ chối đề nghị sửa đổi"),
    "change_request.close": ("Change request closed", "Đóng đề nghị sửa đổi"),
    "external.status": ("External document status changed", "Cập nhật tình trạng tài liệu bên ngoài"),
    "records_register.update": ("Records register changed", "Cập nhật sổ đăng ký hồ sơ"),
    "records_list.approve": ("Records list approved", "Phê duyệt danh mục hồ sơ"),
    "retention_category.create": ("Retention category added", "Thêm nhóm thời hạn lưu trữ"),
    "retention_category.delete": ("Retention category removed", "Xóa nhóm thời hạn lưu trữ"),
    "distribution.create": ("Distributed", "Phân phối tài liệu"),
    "distribution.remove_recipient": ("Recipient removed", "Loại người nhận khỏi danh sách"),
    "distribution.acknowledge": ("Read and acknowledged", "Xác nhận đã đọc và hiểu"),
    "distribution.close": ("Open acknowledgements closed", "Đóng các yêu cầu xác nhận còn mở"),
    "paper_copy.recall_requested": ("Paper copies to recall", "Yêu cầu thu hồi bản giấy"),
    "paper_copy.recall": ("Paper copy recalled", "Thu hồi bản giấy"),
    "reminder.notify": ("Reminder shown", "Nhắc việc trên hệ thống"),
    "reminder.sent": ("Reminder e-mailed", "Gửi thư nhắc việc"),
    "mail.failed": ("E-mail not delivered", "Gửi thư không thành công"),
    "record.download": ("Record downloaded", "Tải bản in tài liệu"),
    "record.sign": ("Signed original made", "Lập bản gốc có chữ ký số"),
    "record.approver_sign": ("Original signed by the approver's own certificate",
                             "Người phê duyệt ký số bản gốc bằng chứng thư số cá nhân"),
    "report.download": ("Report downloaded", "Tải báo cáo"),
    "report.audit_pack": ("Audit pack downloaded", "Tải gói hồ sơ đánh giá"),
}

OBJECT_TYPES: dict[str, Words] = {
    "user": ("Account", "Tài khoản"),
    "unit": ("Unit", "Đơn vị"),
    "agency": ("Agency", "Cơ quan"),
    "document": ("Document", "Tài liệu"),
    "version": ("Revision", "Lần ban hành"),
    "delegation": ("Delegation", "Ủy quyền"),
    "change_request": ("Change request", "Đề nghị sửa đổi"),
    "records_list": ("Records list", "Danh mục hồ sơ"),
    "retention_category": ("Retention category", "Nhóm thời hạn lưu trữ"),
    "report": ("Report", "Báo cáo"),
}

FIELDS: dict[str, Words] = {
    "active": ("Active", "Đang hoạt động"),
    "added": ("Recipients added", "Số người nhận thêm"),
    "address": ("Address", "Địa chỉ"),
    "allowed_units": ("Units allowed to read", "Đơn vị được đọc"),
    "approver": ("Approver", "Người phê duyệt"),
    "attempts": ("Attempts", "Số lần gửi"),
    "because": ("Because of", "Do tài liệu"),
    "carried_over_from": ("Carried over from revision", "Chuyển tiếp từ lần ban hành"),
    "certificate": ("Certificate", "Chứng thư số"),
    "changed": ("Parts changed", "Phần được sửa"),
    "channel": ("Channel", "Kênh"),
    "code": ("Code", "Mã"),
    "comment": ("Comment", "Ý kiến"),
    "confidentiality": ("Confidentiality", "Mức độ mật"),
    "content_hash": ("Content hash", "Mã băm nội dung"),
    "copied_from": ("Copied from revision", "Sao từ lần ban hành"),
    "copies": ("Copies", "Bản số"),
    "copy": ("Copy", "Bản số"),
    "decision": ("Decision", "Quyết định"),
    "delegate": ("Delegate", "Người được ủy quyền"),
    "delegator": ("Delegated by", "Người ủy quyền"),
    "demo": ("Demonstration certificate", "Chứng thư dùng thử"),
    "disposal": ("Disposal", "Xử lý khi hết hạn"),
    "document": ("Document", "Tài liệu"),
    "documents": ("Documents", "Tài liệu"),
    "draft_revision": ("Draft revision", "Dự thảo lần ban hành"),
    "drafter": ("Drafter", "Người soạn thảo"),
    "due_at": ("Acknowledge by", "Hạn xác nhận"),
    "due_on": ("Due on", "Hạn rà soát"),
    "effective_date": ("Effective date", "Ngày hiệu lực"),
    "email": ("E-mail", "Thư điện tử"),
    "ends_on": ("Until", "Đến ngày"),
    "entries": ("Records", "Hồ sơ"),
    "error": ("Error", "Lỗi"),
    "external": ("External document", "Tài liệu có nguồn gốc bên ngoài"),
    "file": ("File", "Tệp"),
    "files": ("Files", "Tệp"),
    "format": ("Format", "Định dạng"),
    "from": ("Before", "Trước"),
    "full_name": ("Full name", "Họ và tên"),
    "hash_scheme": ("Hash scheme", "Cách tính mã băm"),
    "holder": ("Holder", "Người giữ"),
    "issued_on": ("Issued on", "Ngày ban hành"),
    "issuer": ("Issuer", "Cơ quan ban hành"),
    "keeping_unit": ("Kept by", "Đơn vị lưu"),
    "key": ("Reference", "Mã tham chiếu"),
    "kind": ("Kind", "Loại"),
    "media_type": ("File type", "Kiểu tệp"),
    "medium": ("Medium", "Hình thức lưu"),
    "name": ("Name", "Tên"),
    "new_document": ("New document", "Tài liệu mới"),
    "next_review_on": ("Next review", "Rà soát lần sau"),
    "note": ("Note", "Ghi chú"),
    "notification_mail": ("E-mail notifications", "Nhận thông báo qua thư"),
    "number": ("Number", "Số, ký hiệu"),
    "on": ("On", "Ngày"),
    "on_behalf_of": ("On behalf of", "Thay mặt"),
    "open_tasks_closed": ("Open acknowledgements closed", "Số yêu cầu xác nhận được đóng"),
    "opened_revision": ("Revision opened", "Lần ban hành được mở"),
    "outcome": ("Outcome", "Kết quả"),
    "overdue": ("Overdue", "Quá hạn"),
    "owner_unit": ("Owner unit", "Đơn vị chủ trì"),
    "paper_copies": ("Paper copies", "Bản giấy"),
    "parent": ("Parent unit", "Đơn vị cấp trên"),
    "parent_code": ("Parent document", "Tài liệu cấp trên"),
    "parent_name": ("Parent agency", "Cơ quan chủ quản"),
    "permanent": ("Permanent", "Vĩnh viễn"),
    "basis": ("Legal basis", "Căn cứ"),
    "proposal": ("Proposal", "Nội dung đề nghị"),
    "purpose": ("Purpose", "Mục đích ký"),
    "reason": ("Reason", "Lý do"),
    "recipients": ("Recipients", "Số người nhận"),
    "replaced_by": ("Replaced by", "Được thay thế bởi"),
    "retention": ("Retention", "Thời hạn lưu"),
    "review_interval_months": ("Review interval (months)", "Chu kỳ rà soát (tháng)"),
    "review_round": ("Review round", "Vòng xem xét"),
    "reviewers": ("Reviewers", "Người xem xét"),
    "revision": ("Revision", "Lần ban hành"),
    "roles": ("Roles", "Vai trò"),
    "rows": ("Rows", "Số dòng"),
    "sha256": ("SHA-256", "Mã băm SHA-256"),
    "short_name": ("Short name", "Tên viết tắt"),
    "signed": ("Signed", "Đã ký"),
    "size": ("Size (bytes)", "Dung lượng (byte)"),
    "width": ("Width (pixels)", "Chiều rộng (điểm ảnh)"),
    "height": ("Height (pixels)", "Chiều cao (điểm ảnh)"),
    "sort_order": ("Order", "Thứ tự"),
    "starts_on": ("From", "Từ ngày"),
    "status": ("Status", "Tình trạng"),
    "steps": ("Steps", "Số bước"),
    "superseded_by": ("Superseded by revision", "Được thay thế bởi lần ban hành"),
    "targets": ("Distributed to", "Phân phối đến"),
    "title": ("Title", "Tên tài liệu"),
    "to": ("To", "Gửi đến"),
    "unit": ("Unit", "Đơn vị"),
    "units": ("Units", "Đơn vị"),
    "unmapped": ("Paragraphs not placed", "Số đoạn chưa xếp được"),
    "unsigned": ("Without signed original", "Chưa có bản ký số"),
    "username": ("Account", "Tài khoản"),
    "wait_seconds": ("Wait (seconds)", "Thời gian chờ (giây)"),
    "users": ("People", "Cá nhân"),
    "version": ("Revision", "Lần ban hành"),
    "years": ("Years", "Số năm"),
    "subunits": ("With sub-units", "Kể cả đơn vị trực thuộc"),
}

#: Where a field holds a yes/no or a count instead of its usual value.
BOOL_FIELDS: dict[str, Words] = {"email": ("Has an e-mail address", "Có địa chỉ thư điện tử"),
                                  "known_device": ("From a browser signed in before",
                                                   "Từ trình duyệt đã đăng nhập trước đó")}
COUNT_FIELDS: dict[str, Words] = {"overdue": ("Overdue documents", "Số tài liệu quá hạn")}

#: Where a field means something else for one kind of object.
OBJECT_FIELDS: dict[tuple[str, str], Words] = {
    ("user", "title"): ("Job title", "Chức danh"),
    ("user", "unit"): ("Unit", "Đơn vị công tác"),
    ("unit", "name"): ("Unit name", "Tên đơn vị"),
    ("agency", "name"): ("Agency name", "Tên cơ quan"),
    ("unit", "active"): ("In operation", "Đang hoạt động"),
}

#: Values that are names rather than text: states, channels, reasons, outcomes.
VALUES: dict[str, Words] = {
    "web": ("web page", "trang web"),
    "api": ("API", "API"),
    "signing": ("signing prompt", "ô mật khẩu khi ký"),
    "password_change": ("password change", "đổi mật khẩu"),
    "email": ("e-mail", "thư điện tử"),
    "bad_credentials": ("wrong user name or password", "sai tên đăng nhập hoặc mật khẩu"),
    "inactive": ("account locked", "tài khoản đã bị khóa"),
    "withdrawn": ("withdrawn", "bị hủy bỏ"),
    "accepted": ("accepted", "chấp nhận"),
    "rejected": ("rejected", "từ chối"),
    "issue": ("issue", "ban hành"),
    "withdrawal": ("withdrawal", "hủy bỏ"),
    "paper": ("paper", "bản giấy"),
    "electronic": ("electronic", "điện tử"),
    "both": ("paper and electronic", "bản giấy và điện tử"),
    "destroy": ("destroy", "tiêu hủy"),
    "archive_agency": ("to the agency's archive", "nộp lưu trữ cơ quan"),
    "archive_historical": ("to the historical archive", "nộp lưu trữ lịch sử"),
    "reappraise": ("appraise again", "đánh giá lại"),
    "change_summary": ("change summary", "tóm tắt nội dung sửa đổi"),
    "changed_sections": ("sections changed", "các mục được sửa đổi"),
    "sections": ("sections", "nội dung các mục"),
    "steps": ("steps", "các bước thực hiện"),
    "effective_date": ("effective date", "ngày hiệu lực"),
    **{role.value: (role.value.replace("_", " "), role.vi) for role in Role},
}



def add_value_words(words: dict[str, Words]) -> None:
    """Names of values a capability writes in its events' details (statuses, kinds), in both
    languages: its door adds them."""
    VALUES.update(words)


EMPTY = "—"


def pick(words: Words, language: Language) -> str:
    return words[1] if language == "vi" else words[0]


def reader_language(language: str | None) -> Language:
    chosen = language or current_language()
    return "en" if chosen == "en" else "vi"


def action_label(action: str, language: str | None = None) -> str:
    """The words of an action; an unknown one is shown as it is stored."""
    words = ACTIONS.get(action)
    return pick(words, reader_language(language)) if words else action


def group_label(group: str, language: str | None = None) -> str:
    words = GROUPS.get(group)
    return pick(words, reader_language(language)) if words else group


def field_label(name: str, language: str | None = None, object_type: str = "") -> str:
    words = OBJECT_FIELDS.get((object_type, name)) or FIELDS.get(name)
    return pick(words, reader_language(language)) if words else name.replace("_", " ")


def object_label(object_type: str, object_id: str, language: str | None = None) -> str:
    """"QT-01, lần ban hành 02", "Tài khoản iso"; empty when the event names no object."""
    if not object_type:
        return ""
    lang = reader_language(language)
    code, _sep, revision = object_id.rpartition("/")
    if object_type == "version" and code and revision.isdigit():
        return f"{code}, lần ban hành {int(revision):02d}" if lang == "vi" else f"{code} revision {revision}"
    words = OBJECT_TYPES.get(object_type)
    kind = pick(words, lang) if words else object_type
    return f"{kind} {object_id}".strip()


#: Names the application writes as the actor of what nobody did by hand.
ACTORS: dict[str, Words] = {
    "system": ("System", "Hệ thống"),
    "import": ("Procedure library import", "Nhập thư viện quy trình"),
}


def actor_label(username: str, language: str | None = None) -> str:
    words = ACTORS.get(username)
    return pick(words, reader_language(language)) if words else username or EMPTY


@dataclass(frozen=True)
class ActionGroup:
    """A group of the action filter: its prefix (``auth.``), its words and its actions."""

    prefix: str
    label: str
    actions: list[tuple[str, str]]


def action_groups(language: str | None = None) -> list[ActionGroup]:
    """Every labelled action under its group, groups and actions in the order of the table."""
    lang = reader_language(language)
    groups: dict[str, list[tuple[str, str]]] = {}
    for action, words in ACTIONS.items():
        groups.setdefault(action.split(".", 1)[0], []).append((action, pick(words, lang)))
    return [ActionGroup(f"{name}.", group_label(name, lang), actions) for name, actions in groups.items()]


def unlabelled(actions: Iterable[str]) -> list[str]:
    """Those of ``actions`` that have no label (empty when all do)."""
    return [action for action in actions if action not in ACTIONS]

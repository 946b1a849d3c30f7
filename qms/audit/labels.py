"""The audit trail in words: every action, object and detail named in English and Vietnamese.

Events keep machine names (``auth.login``, ``{"active": false}``); the page, its exports and
the audit pack show them through this one table. Records are in Vietnamese whatever the
reader's language, so each entry carries both words instead of going through gettext.
A test walks the code for every action it can write and fails on one without a label here.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal
from zoneinfo import ZoneInfo

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
#: Digests shortened on the page (the exports keep them whole).
HASH_FIELDS = frozenset({"content_hash", "sha256", "certificate"})

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


#: Fields whose values are names to translate through VALUES.
NAMED_VALUES = frozenset({"channel", "reason", "notification_mail", "outcome", "decision", "purpose",
                          "status", "from", "to", "roles", "kind", "confidentiality", "medium", "disposal",
                          "changed"})
#: Revision numbers, written as records write them ("02").
REVISION_FIELDS = frozenset({"revision", "copied_from", "superseded_by", "draft_revision", "opened_revision",
                             "carried_over_from"})
#: Free text a person typed: never translated, even when it happens to equal a name.
FREE_TEXT = frozenset({"comment", "note", "proposal", "error", "title", "name", "full_name", "holder"})
TIME_FIELDS = frozenset({"due_at"})
DATE_FIELDS = frozenset({"effective_date", "due_on", "next_review_on", "starts_on", "ends_on", "on",
                         "issued_on"})
#: Shown as the "before" of the field they name.
BEFORE_SUFFIX = "_before"
EMPTY = "—"


def _pick(words: Words, language: Language) -> str:
    return words[1] if language == "vi" else words[0]


def _language(language: str | None) -> Language:
    chosen = language or current_language()
    return "en" if chosen == "en" else "vi"


def action_label(action: str, language: str | None = None) -> str:
    """The words of an action; an unknown one is shown as it is stored."""
    words = ACTIONS.get(action)
    return _pick(words, _language(language)) if words else action


def group_label(group: str, language: str | None = None) -> str:
    words = GROUPS.get(group)
    return _pick(words, _language(language)) if words else group


def field_label(name: str, language: str | None = None, object_type: str = "") -> str:
    words = OBJECT_FIELDS.get((object_type, name)) or FIELDS.get(name)
    return _pick(words, _language(language)) if words else name.replace("_", " ")


def object_label(object_type: str, object_id: str, language: str | None = None) -> str:
    """"QT-01, lần ban hành 02", "Tài khoản iso"; empty when the event names no object."""
    if not object_type:
        return ""
    lang = _language(language)
    code, _sep, revision = object_id.rpartition("/")
    if object_type == "version" and code and revision.isdigit():
        return f"{code}, lần ban hành {int(revision):02d}" if lang == "vi" else f"{code} revision {revision}"
    words = OBJECT_TYPES.get(object_type)
    kind = _pick(words, lang) if words else object_type
    return f"{kind} {object_id}".strip()


#: Names the application writes as the actor of what nobody did by hand.
ACTORS: dict[str, Words] = {
    "system": ("System", "Hệ thống"),
    "import": ("Procedure library import", "Nhập thư viện quy trình"),
}


def actor_label(username: str, language: str | None = None) -> str:
    words = ACTORS.get(username)
    return _pick(words, _language(language)) if words else username or EMPTY


@dataclass(frozen=True)
class ActionGroup:
    """A group of the action filter: its prefix (``auth.``), its words and its actions."""

    prefix: str
    label: str
    actions: list[tuple[str, str]]


def action_groups(language: str | None = None) -> list[ActionGroup]:
    """Every labelled action under its group, groups and actions in the order of the table."""
    lang = _language(language)
    groups: dict[str, list[tuple[str, str]]] = {}
    for action, words in ACTIONS.items():
        groups.setdefault(action.split(".", 1)[0], []).append((action, _pick(words, lang)))
    return [ActionGroup(f"{name}.", group_label(name, lang), actions) for name, actions in groups.items()]


def _value(field: str, value: Any, lang: Language, zone: ZoneInfo | None) -> str:
    if value is None or value == "" or value == []:
        return EMPTY
    if isinstance(value, bool):
        return ("Có" if value else "Không") if lang == "vi" else ("Yes" if value else "No")
    if isinstance(value, int) and field in REVISION_FIELDS:
        return f"{value:02d}"
    if isinstance(value, list):
        items = [_value(field, item, lang, zone) for item in value]
        if any(isinstance(item, dict) for item in value):  # records, files: one a line
            return "".join("\n– " + item for item in items)
        return ", ".join(items)
    if isinstance(value, dict):  # a record or a file: its name first
        keys = sorted(value, key=lambda key: key not in ("name", "code"))
        return "; ".join(f"{field_label(key, lang)}: {_value(key, value[key], lang, zone)}" for key in keys)
    if isinstance(value, str):
        if field == "targets" and value.startswith("{"):
            try:
                return _targets(json.loads(value), lang)
            except (ValueError, AttributeError, TypeError):
                return value
        if field in TIME_FIELDS or field in DATE_FIELDS:
            return _moment(value, field in TIME_FIELDS, zone)
        if field == "retention" and value.isdigit():
            return f"{int(value):02d} năm" if lang == "vi" else f"{value} years"
        if field in NAMED_VALUES and field not in FREE_TEXT and value in VALUES:
            return _pick(VALUES[value], lang)
    return str(value)


def _targets(targets: dict[str, Any], lang: Language) -> str:
    """"Đơn vị: VP (kể cả đơn vị trực thuộc); Vai trò: Người phê duyệt": what a distribution named."""
    units = [unit["code"] + ((" (kể cả đơn vị trực thuộc)" if lang == "vi" else " (with sub-units)")
                             if unit.get("subunits") else "") for unit in targets.get("units", [])]
    parts = [(field_label("units", lang), ", ".join(units)),
             (field_label("roles", lang), ", ".join(_value("roles", role, lang, None)
                                                    for role in targets.get("roles", []))),
             (field_label("users", lang), ", ".join(targets.get("users", [])))]
    return "; ".join(f"{label}: {text}" for label, text in parts if text) or EMPTY


def _moment(text: str, with_time: bool, zone: ZoneInfo | None) -> str:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return text
    if with_time and moment.tzinfo is not None:
        if zone is not None:
            moment = moment.astimezone(zone)
        return moment.strftime("%H:%M %d/%m/%Y")
    return date(moment.year, moment.month, moment.day).strftime("%d/%m/%Y")


def describe(details: dict[str, Any] | str, language: str | None = None,
             zone: ZoneInfo | None = None, object_type: str = "", *, short: bool = False) -> list[str]:
    """The details of an event as lines "Field: value", or "Field: before → after" where the
    event kept both (``roles`` with ``roles_before``, ``from`` and ``to``, or a value that is
    ``{"before": …, "after": …}``)."""
    lang = _language(language)
    if isinstance(details, str):
        try:
            parsed = json.loads(details or "{}")
        except ValueError:
            return [details]
        details = parsed
    if not isinstance(details, dict):
        return [str(details)]
    lines: list[str] = []

    def label(key: str) -> str:
        value = details.get(key)
        if isinstance(value, bool) and key in BOOL_FIELDS:
            return _pick(BOOL_FIELDS[key], lang)
        if isinstance(value, int) and not isinstance(value, bool) and key in COUNT_FIELDS:
            return _pick(COUNT_FIELDS[key], lang)
        return field_label(key, lang, object_type)

    for key, value in details.items():
        if short and key in HASH_FIELDS and isinstance(value, str) and len(value) > 16:
            value = value[:12] + "…"
        if key.endswith(BEFORE_SUFFIX) and key[: -len(BEFORE_SUFFIX)] in details:
            continue
        if key == "from" and "to" in details:
            continue
        if key == "to" and "from" in details:
            lines.append(f"{label('status')}: {_value('status', details['from'], lang, zone)} → "
                         f"{_value('status', value, lang, zone)}")
            continue
        before_key = key + BEFORE_SUFFIX
        if before_key in details:
            lines.append(f"{label(key)}: {_value(key, details[before_key], lang, zone)} → "
                         f"{_value(key, value, lang, zone)}")
        elif isinstance(value, dict) and set(value) == {"before", "after"}:
            lines.append(f"{label(key)}: {_value(key, value['before'], lang, zone)} → "
                         f"{_value(key, value['after'], lang, zone)}")
        else:
            lines.append(f"{label(key)}: {_value(key, value, lang, zone)}")
    return lines


def unlabelled(actions: Iterable[str]) -> list[str]:
    """Those of ``actions`` that have no label (empty when all do)."""
    return [action for action in actions if action not in ACTIONS]

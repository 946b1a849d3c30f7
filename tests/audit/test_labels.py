"""The audit trail in words: every action the code writes has a label, details read as sentences."""

from __future__ import annotations

import ast
import json
from pathlib import Path
from typing import get_args

import qms
from qms.audit import labels
from qms.audit.details import describe
from qms.documents.models import MEANINGS
from qms.library.schemas import ChangeRequestDecision

SOURCE = Path(qms.__file__).parent
#: Actions written from an f-string: every value the placeholder can take.
TEMPLATES = {
    "f'document.import_{action}'": ("created", "revised"),
    "f'signature.{meaning}'": MEANINGS,
    "f'change_request.{data.decision}'": get_args(ChangeRequestDecision.model_fields["decision"].annotation),
}


def _constants(node: ast.expr) -> list[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _constants(node.body) + _constants(node.orelse)
    return []


def written_actions() -> set[str]:
    """Every action a call ``….record(…, action=…)`` in qms can write."""
    found: set[str] = set()
    for path in SOURCE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            assigned: dict[str, list[str]] = {}
            for node in ast.walk(function):
                if isinstance(node, ast.Assign):
                    for target in node.targets:
                        if isinstance(target, ast.Name):
                            assigned.setdefault(target.id, []).extend(_constants(node.value))
            for call in ast.walk(function):
                if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)
                        and call.func.attr == "record"):
                    continue
                for keyword in call.keywords:
                    if keyword.arg != "action":
                        continue
                    value = keyword.value
                    if isinstance(value, ast.Constant):
                        found.add(value.value)
                    elif isinstance(value, ast.JoinedStr):
                        template = ast.unparse(value)
                        assert template in TEMPLATES, f"{path}: say which values {template} takes"
                        prefix = template[2:template.index("{")]
                        found.update(prefix + choice for choice in TEMPLATES[template])
                    elif isinstance(value, ast.Name) and value.id in assigned:
                        choices = assigned[value.id]
                        assert choices, f"{path}: cannot tell which actions {value.id} holds"
                        found.update(choices)
                    else:
                        raise AssertionError(f"{path}: an action the test cannot read: {ast.unparse(value)}")
    return found


def test_every_action_the_code_can_write_has_words_in_both_languages():
    actions = written_actions()
    assert {"auth.login", "records_list.approve", "user.deactivate", "signature.approved",
            "change_request.rejected", "document.import_created"} <= actions
    assert labels.unlabelled(actions) == []
    for action in actions:
        english, vietnamese = labels.ACTIONS[action]
        assert english and vietnamese, action
        assert action.split(".")[0] in labels.GROUPS, action


def test_details_read_as_field_before_and_after_in_vietnamese():
    details = json.dumps({"roles": ["approver"], "roles_before": ["staff"], "active": False,
                          "email": None, "title": "Phó phòng"})
    lines = describe(details, "vi", object_type="user")
    assert "Vai trò: Cán bộ, công chức, viên chức → Người phê duyệt" in lines
    assert "Đang hoạt động: Không" in lines and "Thư điện tử: —" in lines
    assert "Chức danh: Phó phòng" in lines
    status = describe({"from": "in_force", "to": "amended", "replaced_by": None}, "vi")
    assert status == ["Tình trạng: còn hiệu lực → đã được sửa đổi", "Được thay thế bởi: —"]
    english = describe({"channel": "web", "overdue": True}, "en")
    assert english == ["Channel: web page", "Overdue: Yes"]
    assert describe({"active": True}, "vi", object_type="unit") == ["Đang hoạt động: Có"]
    reminder = describe({"email": True, "overdue": 2, "content_hash": "a" * 64}, "vi", short=True)
    assert reminder == ["Có địa chỉ thư điện tử: Có", "Số tài liệu quá hạn: 2",
                        "Mã băm nội dung: aaaaaaaaaaaa…"]


def test_free_text_is_never_translated_and_no_json_shows():
    lines = describe({"comment": "expired", "targets": json.dumps(
        {"units": [{"code": "VP", "subunits": True}], "roles": ["staff"], "users": []})}, "vi")
    assert lines[0] == "Ý kiến: expired"
    assert lines[1] == ("Phân phối đến: Đơn vị: VP (kể cả đơn vị trực thuộc); "
                        "Vai trò: Cán bộ, công chức, viên chức")


def test_the_action_filter_offers_every_action_under_its_group():
    groups = labels.action_groups("vi")
    offered = {action for group in groups for action, _label in group.actions}
    assert offered == set(labels.ACTIONS)
    auth = next(group for group in groups if group.prefix == "auth.")
    assert auth.label == "Đăng nhập, đăng xuất" and ("auth.login", "Đăng nhập") in auth.actions
    assert labels.object_label("version", "QT-01/2", "vi") == "QT-01, lần ban hành 02"


def test_named_values_revisions_and_lists_of_records_read_as_words():
    lines = describe({"changed": ["scope", "steps"], "copied_from": 1, "entries": [
        {"disposal": "archive_agency", "medium": "both", "name": "Sổ A", "retention": "5"}]}, "vi")
    assert lines == ["Phần được sửa: phạm vi, các bước thực hiện", "Sao từ lần ban hành: 01",
                     "Hồ sơ: \n– Tên: Sổ A; Xử lý khi hết hạn: nộp lưu trữ cơ quan; "
                     "Hình thức lưu: bản giấy và điện tử; Thời hạn lưu: 05 năm"]

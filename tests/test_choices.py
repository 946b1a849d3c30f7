"""Each fixed list is declared once, with its words in both languages: the page, the record,
the audit trail and the database constraint read the same table."""

from __future__ import annotations

import importlib
import pkgutil

import pytest
from sqlalchemy import CheckConstraint

import qms
from qms.accounts.choices import NotificationMail
from qms.core.choices import Choice
from qms.core.i18n import current_language, set_language
from qms.core.roles import Role, role_label
from qms.distribution.choices import CopyState, TaskState
from qms.distribution.labels import task_label
from qms.documents.choices import ExternalStatus, Kind, Meaning, Status
from qms.documents.labels import kind_label
from qms.documents.lifecycle import status_label
from qms.documents.models import Document


def _all_choices() -> list[type[Choice]]:
    for module in pkgutil.walk_packages(qms.__path__, "qms."):
        if module.name.endswith(".choices"):
            importlib.import_module(module.name)
    found: list[type[Choice]] = []
    pending = list(Choice.__subclasses__())
    while pending:
        kind = pending.pop()
        found.append(kind)
        pending.extend(kind.__subclasses__())
    return found


@pytest.fixture
def vietnamese():
    before = current_language()
    set_language("vi")
    yield
    set_language(before)


def test_every_capability_declares_its_lists_with_words_in_both_languages():
    lists = {kind.__module__.split(".")[1] for kind in _all_choices()}
    assert {"core", "accounts", "documents", "distribution", "library", "record_keeping"} <= lists
    for kind in _all_choices():
        for member in kind:
            assert member.en.strip() and member.vi.strip(), f"{kind.__name__}.{member.name} lacks words"
            assert member.vi != member.value, f"{kind.__name__}.{member.name} has no Vietnamese"


def test_the_page_shows_the_words_of_the_readers_language(vietnamese):
    assert role_label("quality_officer") == "Thư ký ISO" == Role.QUALITY_OFFICER.vi
    assert role_label("staff") == "Cán bộ, công chức, viên chức"
    assert status_label("awaiting_approval") == "Chờ phê duyệt"
    assert kind_label("external") == "Tài liệu có nguồn gốc bên ngoài"
    assert task_label("acknowledged_late") == "Xác nhận muộn"
    set_language("en")
    assert role_label("quality_officer") == "ISO quality officer"
    assert status_label("awaiting_approval") == "Awaiting approval"


def test_inside_a_sentence_a_value_reads_in_lower_case(vietnamese):
    assert Status.in_sentence("in_review") == "đang xem xét"
    assert ExternalStatus.in_sentence("expired") == "hết hiệu lực"
    set_language("en")
    assert Status.in_sentence("in_review") == "in review"


def test_an_unknown_value_is_shown_as_it_is():
    assert Kind.label_of("scroll") == "scroll"
    assert Status.label_of(None) == ""
    assert Kind.label_of("scroll", "vi", default="Tài liệu") == "Tài liệu"


def test_a_record_writes_its_own_words_where_it_says_a_value_more_formally():
    assert CopyState.RETURNED.vi == "Đã trả lại" and CopyState.record_of("returned") == "Đã thu hồi"
    assert Meaning.record_of("approved") == "Phê duyệt ban hành"
    assert TaskState.record_of("pending") == TaskState.PENDING.vi  # the page's words when no other
    assert ExternalStatus.record_of("in_force") == "Còn hiệu lực"
    assert Meaning.record_of("countersigned") == "countersigned"


def test_the_audit_trail_names_the_values_with_the_words_of_their_list():
    from qms.audit.labels import VALUES

    for choice in (CopyState, ExternalStatus, NotificationMail):
        for member in choice:
            assert VALUES[member.value] == (member.en.lower(), member.record.lower()), member
    assert VALUES["returned"] == ("returned", "đã thu hồi")


def test_the_api_takes_the_values_of_a_list_and_refuses_others(client, api):
    chosen = client.patch("/api/v1/me", json={"notification_mail": "daily"}, headers=api.as_("nhanvien"))
    assert chosen.status_code == 200
    assert chosen.json()["notification_mail"] == NotificationMail.DAILY
    refused = client.patch("/api/v1/me", json={"notification_mail": "weekly"}, headers=api.as_("nhanvien"))
    assert refused.status_code == 422
    assert refused.json()["errors"] == [{"field": "notification_mail",
                                         "reason": "Giá trị không nằm trong danh sách cho phép."}]


def test_the_database_accepts_exactly_the_declared_values():
    checks = [str(constraint.sqltext) for constraint in Document.__table__.constraints
              if isinstance(constraint, CheckConstraint)]
    kinds = next(check for check in checks if check.startswith("kind IN"))
    assert kinds == "kind IN (" + ", ".join(f"'{kind}'" for kind in Kind) + ")"

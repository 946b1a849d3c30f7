"""Each fixed list is declared once, with its words in both languages: the page, the record,
the audit trail and the database constraint read the same table."""

from __future__ import annotations

import importlib
import pkgutil

import pytest
from sqlalchemy import CheckConstraint

import qms
from qms.core.choices import Choice
from qms.core.i18n import current_language, set_language
from qms.core.roles import Role, role_label
from qms.distribution.labels import task_label
from qms.documents.choices import Kind, Status
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
    assert {"core", "documents", "distribution", "library", "record_keeping"} <= lists
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


def test_an_unknown_value_is_shown_as_it_is():
    assert Kind.label_of("scroll") == "scroll"
    assert Status.label_of(None) == ""
    assert Kind.label_of("scroll", "vi", default="Tài liệu") == "Tài liệu"


def test_the_database_accepts_exactly_the_declared_values():
    checks = [str(constraint.sqltext) for constraint in Document.__table__.constraints
              if isinstance(constraint, CheckConstraint)]
    kinds = next(check for check in checks if check.startswith("kind IN"))
    assert kinds == "kind IN (" + ", ".join(f"'{kind}'" for kind in Kind) + ")"

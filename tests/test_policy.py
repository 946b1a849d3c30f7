"""Named permissions (qms.core.policy) and the capabilities' use of them."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

from qms.core.errors import Forbidden
from qms.core.i18n import N_, in_language
from qms.core.policy import Permission
from qms.core.roles import Role

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Someone:
    roles: frozenset[str]


def someone(*roles: str) -> Someone:
    return Someone(frozenset(roles))


manage = Permission("manage", {Role.QUALITY_OFFICER, Role.APPROVER})


def test_granted_to_whoever_holds_one_of_its_roles():
    assert manage(someone("approver"))
    assert manage(someone("staff", "quality_officer"))
    assert not manage(someone("staff", "auditor"))
    assert not manage(someone())


def test_nobody_signed_in_is_granted_nothing():
    assert not manage(None)
    with pytest.raises(Forbidden):
        manage.require(None)


def test_roles_are_plain_strings():
    assert manage.roles == frozenset({"quality_officer", "approver"})
    assert all(type(role) is str for role in manage.roles)


def test_require_passes_or_refuses_with_403():
    manage.require(someone("quality_officer"))
    with in_language("en"), pytest.raises(Forbidden) as refused:
        manage.require(someone("staff"))
    assert refused.value.status_code == 403
    assert refused.value.detail == "Your role does not allow this action."


def test_the_refusal_is_translated_when_refused():
    own = Permission("delegate", {Role.APPROVER}, N_("Only an approver can delegate approval."))
    with in_language("vi"), pytest.raises(Forbidden) as refused:
        own.require(someone("staff"))
    assert refused.value.detail == "Chỉ người phê duyệt mới được giao ký thay phê duyệt."
    with in_language("vi"), pytest.raises(Forbidden) as refused:
        manage.require(someone("staff"))
    assert refused.value.detail == "Vai trò của bạn không được phép thực hiện thao tác này."


def test_works_with_the_signed_in_principal():
    from qms.accounts.auth import Principal

    principal = Principal(id=1, username="a", full_name="A", title="", unit_id=1, unit_code="U",
                          unit_name="U", email=None, roles=frozenset({"approver"}),
                          must_change_password=False)
    assert manage(principal)
    assert repr(manage) == "Permission('manage', ['approver', 'quality_officer'])"




def test_no_code_outside_the_policies_checks_roles():
    """Services and views ask a named permission; only ``policy.py`` modules say which roles."""
    offenders = []
    for path in sorted((ROOT / "qms").rglob("*.py")):
        if path.name == "policy.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            called = node.func if isinstance(node, ast.Call) else None
            if isinstance(called, ast.Attribute) and called.attr == "has":
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []

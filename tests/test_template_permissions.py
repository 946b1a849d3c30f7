"""No template decides by role: templates ask the named permissions of the policies
(``{% if can_manage_documents(user) %}``), never ``user.has("…")`` or a role name."""

from __future__ import annotations

from pathlib import Path

import pytest
from jinja2 import nodes

from qms.core.roles import Role
from qms.core.web import templates

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
ROLE_NAMES = frozenset(role.value for role in Role)


def _role_checks(source: str) -> list[str]:
    """Where a template checks roles: a ``.has(…)`` call, ``….roles`` of the signed-in user,
    or a role name compared (``x == "admin"``, ``"auditor" in …``, ``x in ("admin", …)``).
    A role name as a field name (``errors.get("approver")``) is not a check."""
    tree = templates.env.parse(source)
    found = [f"line {call.lineno}: .has()" for call in tree.find_all(nodes.Call)
             if isinstance(call.node, nodes.Getattr) and call.node.attr == "has"]
    found += [f"line {attr.lineno}: user.roles" for attr in tree.find_all(nodes.Getattr)
              if attr.attr == "roles" and isinstance(attr.node, nodes.Name) and attr.node.name == "user"]
    for compare in tree.find_all(nodes.Compare):
        for operand in [compare.expr, *(op.expr for op in compare.ops)]:
            items = operand.items if isinstance(operand, nodes.Tuple | nodes.List) else [operand]
            found += [f"line {compare.lineno}: role {item.value!r} compared" for item in items
                      if isinstance(item, nodes.Const) and item.value in ROLE_NAMES]
    return found


@pytest.mark.parametrize("source", [
    '{% if user.has("admin") %}x{% endif %}',
    '{{ "a" if current.has("auditor", "approver") else "b" }}',
    '{% if "admin" in user.roles %}x{% endif %}',
    '{% for r in user.roles %}{{ r }}{% endfor %}',
    '{% if role == "quality_officer" %}x{% endif %}',
    '{% if kind in ("staff", "other") %}x{% endif %}',
])
def test_the_rule_catches_role_checks(source):
    assert _role_checks(source)


@pytest.mark.parametrize("source", [
    '{% if can_manage_documents(user) %}x{% endif %}',
    '{% if errors.get("approver") %}x{% endif %}',
    '{% if username == values.get("drafter") %}x{% endif %}',
    '{% for role in t.roles %}{{ role_label(role) }}{% endfor %}',
])
def test_the_rule_lets_permissions_and_field_names_through(source):
    assert not _role_checks(source)


def test_no_template_checks_a_role():
    offenders = {str(path.relative_to(TEMPLATES)): checks
                 for path in sorted(TEMPLATES.rglob("*.html"))
                 if (checks := _role_checks(path.read_text(encoding="utf-8")))}
    assert offenders == {}


def test_the_permissions_templates_call_are_template_globals():
    """Each door registers its permissions, so a page never meets an undefined name."""
    from qms.capabilities import plug_in

    plug_in()
    called = set()
    for path in TEMPLATES.rglob("*.html"):
        tree = templates.env.parse(path.read_text(encoding="utf-8"))
        called |= {call.node.name for call in tree.find_all(nodes.Call)
                   if isinstance(call.node, nodes.Name) and call.node.name.startswith(("can_", "has_"))}
    assert called
    assert called <= set(templates.env.globals)

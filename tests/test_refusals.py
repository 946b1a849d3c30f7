"""Pages refuse a write one way: ``qms.core.db.roll_back`` undoes it (and keeps the trace of a
recorded failure such as a wrong signing password), ``qms.core.web.refused`` answers with the
refusal's status and headers, or a redirect carries the reason as a message."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import BaseModel, ValidationError

import qms
from qms.core.errors import ValidationFailed
from qms.core.forms import field_errors

PACKAGE = Path(qms.__file__).parent
VIEW_MODULES = sorted({*PACKAGE.glob("*/views.py"), *PACKAGE.glob("*/*_views.py")})
WRITES = {"post", "put", "patch", "delete"}


def _name(path: Path) -> str:
    return str(path.relative_to(PACKAGE.parent))


def _calls(node: ast.AST) -> Iterator[ast.Call]:
    return (child for child in ast.walk(node) if isinstance(child, ast.Call))


def _called(call: ast.Call) -> str:
    func = call.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        owner = func.value.id if isinstance(func.value, ast.Name) else "?"
        return f"{owner}.{func.attr}"
    return "?"


def _route_methods(function: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str]:
    methods = set()
    for decorator in function.decorator_list:
        if isinstance(decorator, ast.Call) and isinstance(decorator.func, ast.Attribute):
            methods.add(decorator.func.attr)
    return methods


def _writing_functions(tree: ast.Module) -> Iterator[ast.FunctionDef | ast.AsyncFunctionDef]:
    """Routes that write and the helpers they call (any function that is no route)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            methods = _route_methods(node)
            if not methods & {"get", "head", "api_route"} or methods & WRITES:
                yield node


def _answering_handlers(function: ast.AST) -> Iterator[ast.ExceptHandler]:
    """``except`` clauses that answer the request themselves (they return), not those that
    only re-raise or carry on."""
    for node in ast.walk(function):
        if isinstance(node, ast.ExceptHandler) and any(isinstance(child, ast.Return)
                                                       for child in ast.walk(node)):
            yield node


def test_the_view_modules_are_found() -> None:
    names = {_name(path) for path in VIEW_MODULES}
    assert {"qms/accounts/admin_views.py", "qms/records/views.py", "qms/documents/version_views.py"} <= names


@pytest.mark.parametrize("path", VIEW_MODULES, ids=_name)
def test_no_view_rolls_the_session_back_by_hand(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    by_hand = [call.lineno for call in _calls(tree) if _called(call) == "session.rollback"]
    assert by_hand == [], f"{_name(path)}: use qms.core.db.roll_back(session, exc) at lines {by_hand}"


@pytest.mark.parametrize("path", VIEW_MODULES, ids=_name)
def test_a_refused_write_is_rolled_back_and_answered_as_refused(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    problems = []
    for function in _writing_functions(tree):
        for handler in _answering_handlers(function):
            called = {_called(call) for call in _calls(handler)}
            # A refused file of several rolls back its own savepoint; the others are kept.
            if "roll_back" not in called and "savepoint.rollback" not in called:
                problems.append(f"{function.name}, line {handler.lineno}: no roll_back(session, exc)")
            for answer in (child for child in ast.walk(handler) if isinstance(child, ast.Return)):
                value = answer.value
                if not (isinstance(value, ast.Call) and _called(value) in ("refused", "redirect")):
                    problems.append(f"{function.name}, line {answer.lineno}: answer: refused(…) or redirect")
    assert problems == [], f"{_name(path)}: " + "; ".join(problems)


def test_field_errors_name_the_fields_of_pydantic_errors_and_of_a_refusal() -> None:
    class Form(BaseModel):
        number: int

    with pytest.raises(ValidationError) as raised:
        Form.model_validate({})
    assert list(field_errors(raised.value.errors())) == ["number"]
    refusal = ValidationFailed("external.number", "Give the number.")
    assert field_errors(refusal) == {"external.number": "Give the number."}
    assert field_errors(refusal, within="external") == {"number": "Give the number."}
    assert field_errors(ValidationFailed("code", "Taken."), within="external") == {"code": "Taken."}

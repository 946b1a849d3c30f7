"""Reading HTML forms into the same Pydantic models the API uses, with readable errors."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from fastapi import Request
from pydantic import BaseModel, ValidationError
from starlette.datastructures import FormData

from qms.core.errors import QMSError, ValidationFailed
from qms.core.i18n import _

ModelT = TypeVar("ModelT", bound=BaseModel)


async def form_data(request: Request) -> FormData:
    return await request.form()


def _message(error: Mapping[str, Any]) -> str:
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return _("This field is required.")
    if kind == "json_invalid":
        return _("The body is not valid JSON.")
    if kind in ("model_attributes_type", "dict_type", "model_type"):
        return _("Must be an object with named fields.")
    if kind == "string_too_short":
        if ctx.get("min_length") == 1 or error.get("input") == "":
            return _("This field is required.")
        return _("Must have at least %(n)s characters.", n=ctx.get("min_length"))
    if kind == "string_too_long":
        return _("Must have at most %(n)s characters.", n=ctx.get("max_length"))
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return _("Must be a whole number.")
    if kind in ("greater_than_equal", "greater_than"):
        return _("Must be at least %(n)s.", n=ctx.get("ge", ctx.get("gt")))
    if kind in ("less_than_equal", "less_than"):
        return _("Must be at most %(n)s.", n=ctx.get("le", ctx.get("lt")))
    if kind == "enum" or kind == "literal_error":
        return _("Not one of the allowed values.")
    if kind in ("date_from_datetime_parsing", "date_parsing", "datetime_parsing", "date_type"):
        return _("Must be a date (dd/mm/yyyy or yyyy-mm-dd).")
    if kind == "value_error" and "email" in str(error.get("msg", "")).lower():
        return _("This is not a valid e-mail address.")
    if kind in ("bool_parsing", "bool_type"):
        return _("Must be yes or no.")
    if kind in ("string_type", "string_unicode", "bytes_type"):
        return _("Must be text.")
    if kind == "string_pattern_mismatch":
        return _("Contains characters or a form that this field does not allow.")
    if kind in ("list_type", "tuple_type", "set_type", "iterable_type"):
        return _("Must be a list.")
    if kind == "too_short":
        return _("Must have at least %(n)s items.", n=ctx.get("min_length"))
    if kind == "too_long":
        return _("Must have at most %(n)s items.", n=ctx.get("max_length"))
    if kind in ("float_parsing", "float_type", "decimal_parsing", "decimal_type", "finite_number",
                "int_parsing_size"):
        return _("Must be a number in the allowed range.")
    if kind in ("datetime_type", "datetime_parsing", "datetime_from_date_parsing", "timezone_aware",
                "timezone_naive"):
        return _("Must be a date and time.")
    if kind == "extra_forbidden":
        return _("This field is not expected here.")
    if kind in ("value_error", "assertion_error"):
        # Raised by the models' own checks, whose messages are already translated.
        return str(error.get("msg", "")).removeprefix("Value error, ").removeprefix("Assertion failed, ")
    return _("Invalid value.")


def field_errors(errors: Iterable[Mapping[str, Any]] | ValidationFailed, *,
                 within: str = "") -> dict[str, str]:
    """``{"field": "reason"}`` in the current language, the first reason per field, from
    Pydantic's errors or from a refusal (its ``fields``).

    ``within`` names a part of a form whose fields the services name ``"<within>.<field>"``
    (``external.number``): they come back by the form's own names (``number``).
    """
    if isinstance(errors, ValidationFailed):
        result = dict(errors.fields)
    else:
        result = {}
        for error in errors:
            location = [str(part) for part in error.get("loc", ()) if part not in ("body", "query", "path")]
            # A JSON syntax error is located by its character position, which is no field.
            field = location[0] if location and error.get("type") != "json_invalid" else "request"
            result.setdefault(field, _message(error))
    if not within:
        return result
    return {key.removeprefix(f"{within}."): reason for key, reason in result.items()}


def parse(model: type[ModelT], data: Mapping[str, Any]) -> ModelT:
    """Validate a mapping; a bad value raises ValidationFailed naming the first bad field."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        errors = field_errors(exc.errors())
        field, reason = next(iter(errors.items()))
        raise ValidationFailed(field, reason, errors) from None


def present(form: FormData, *names: str) -> dict[str, Any]:
    """The named fields that the form sent, as strings (lists for repeated fields)."""
    values: dict[str, Any] = {}
    for name in names:
        items = form.getlist(name)
        if items:
            values[name] = items if len(items) > 1 else items[0]
    return values


def refusal_fields(exc: QMSError, default: str = "form") -> dict[str, str]:
    """Where a form shows a refusal: at the field it names (a wrong signing password at the
    password field), else under ``default``."""
    if isinstance(exc, ValidationFailed):
        return exc.fields
    return {getattr(exc, "field", None) or default: exc.detail}

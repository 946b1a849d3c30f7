"""An audit event's details in words: "Field: value" lines, "before → after" where the event
kept both, dates and revisions written as records write them.

The words come from :mod:`qms.audit.labels`; this module only arranges them."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from qms.audit.labels import (
    BOOL_FIELDS,
    COUNT_FIELDS,
    EMPTY,
    VALUES,
    Language,
    field_label,
    pick,
    reader_language,
)

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


#: Digests shortened on the page (the exports keep them whole).
HASH_FIELDS = frozenset({"content_hash", "sha256", "certificate"})


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
            return pick(VALUES[value], lang)
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
    lang = reader_language(language)
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
            return pick(BOOL_FIELDS[key], lang)
        if isinstance(value, int) and not isinstance(value, bool) and key in COUNT_FIELDS:
            return pick(COUNT_FIELDS[key], lang)
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

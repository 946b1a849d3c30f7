"""Words shown for kinds, confidentiality levels, sections and signature meanings."""

from __future__ import annotations

from qms.documents.lifecycle import status_label
from qms.i18n import _


def kind_label(kind: str) -> str:
    return {
        "manual": _("Quality manual"),
        "policy": _("Quality policy"),
        "objectives": _("Quality objectives"),
        "procedure": _("Procedure"),
        "work_instruction": _("Work instruction"),
        "form": _("Form"),
        "external": _("External document"),
        "other": _("Other"),
    }.get(kind, kind)


def confidentiality_label(level: str) -> str:
    return {"public": _("Public"), "internal": _("Internal"), "restricted": _("Restricted")}.get(level, level)


def section_label(section: str) -> str:
    return {
        "purpose": _("Purpose"),
        "scope": _("Scope"),
        "references": _("References"),
        "definitions": _("Definitions and abbreviations"),
        "content": _("Procedure content"),
        "forms": _("Forms"),
        "records": _("Records to keep"),
    }.get(section, section)


def meaning_label(meaning: str, purpose: str = "issue") -> str:
    if purpose == "withdrawal":
        return {"approved": _("Approved the withdrawal"), "rejected": _("Refused the withdrawal")}.get(
            meaning, meaning)
    return {
        "drafted": _("Drafted"),
        "reviewed": _("Reviewed"),
        "approved": _("Approved"),
        "rejected": _("Sent back"),
    }.get(meaning, meaning)


def role_in_signoff(meaning: str) -> str:
    return {"drafted": _("Drafted by"), "reviewed": _("Reviewed by"), "approved": _("Approved by")}.get(
        meaning, meaning)


TEMPLATE_GLOBALS = {
    "kind_label": kind_label,
    "confidentiality_label": confidentiality_label,
    "section_label": section_label,
    "meaning_label": meaning_label,
    "status_label": status_label,
    "role_in_signoff": role_in_signoff,
}

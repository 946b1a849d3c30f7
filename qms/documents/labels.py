"""Words shown for kinds, confidentiality levels, sections and signature meanings."""

from __future__ import annotations

from markupsafe import Markup, escape

from qms.core.i18n import N_, _, translated_choice
from qms.documents.lifecycle import status_label
from qms.documents.placement import split_at_steps
from qms.documents.schemas import InProgress

_KINDS = {
    "manual": N_("Quality manual"),
    "policy": N_("Quality policy"),
    "objectives": N_("Quality objectives"),
    "procedure": N_("Procedure"),
    "work_instruction": N_("Work instruction"),
    "form": N_("Form"),
    "external": N_("External document"),
    "other": N_("Other"),
}


def kind_label(kind: str) -> str:
    return translated_choice(_KINDS, kind)


_CONFIDENTIALITY = {
    "public": N_("Public"),
    "internal": N_("Internal"),
    "restricted": N_("Restricted"),
}


def confidentiality_label(level: str) -> str:
    return translated_choice(_CONFIDENTIALITY, level)


_SECTIONS = {
    "purpose": N_("Purpose"),
    "scope": N_("Scope"),
    "references": N_("References"),
    "definitions": N_("Definitions and abbreviations"),
    "content": N_("Procedure content"),
    "forms": N_("Forms"),
    "records": N_("Records to keep"),
}


def section_label(section: str) -> str:
    return translated_choice(_SECTIONS, section)


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


def status_badge(status: str | None) -> Markup:
    """The coloured status of a version, as shown in every list and page."""
    if not status:
        return Markup("")
    return Markup(f'<span class="status status--{escape(status)}">{escape(status_label(status))}</span>')


def in_progress_badge(in_progress: InProgress | None) -> Markup:
    """The second badge of a document in force: its newer revision not yet in force."""
    if not in_progress:
        return Markup("")
    revision, status = in_progress.revision, in_progress.status
    text = _("%(status)s, revision %(rev)s", status=status_label(status), rev=f"{revision:02d}")
    return Markup(f'<span class="status status--{escape(status)} status--next">{escape(text)}</span>')


_EXTERNAL_STATUSES = {
    "in_force": N_("In force"),
    "amended": N_("Amended"),
    "expired": N_("Expired"),
}


def external_status_label(status: str | None) -> str:
    return translated_choice(_EXTERNAL_STATUSES, status) if status in _EXTERNAL_STATUSES else ""


TEMPLATE_GLOBALS = {
    "split_at_steps": split_at_steps,
    "status_badge": status_badge,
    "in_progress_badge": in_progress_badge,
    "kind_label": kind_label,
    "confidentiality_label": confidentiality_label,
    "section_label": section_label,
    "meaning_label": meaning_label,
    "status_label": status_label,
    "role_in_signoff": role_in_signoff,
    "external_status_label": external_status_label,
}

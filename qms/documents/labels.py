"""Words shown for kinds, confidentiality levels, sections and signature meanings."""

from __future__ import annotations

from markupsafe import Markup, escape

from qms.core.i18n import _
from qms.documents.choices import Confidentiality, ExternalStatus, Kind, Meaning, Section, Status
from qms.documents.lifecycle import status_label
from qms.documents.placement import split_at_steps
from qms.documents.schemas import InProgress


def kind_label(kind: str) -> str:
    return Kind.label_of(kind)


def confidentiality_label(level: str) -> str:
    return Confidentiality.label_of(level)


def section_label(section: str) -> str:
    return Section.label_of(section)


def meaning_label(meaning: str, purpose: str = "issue") -> str:
    if purpose == "withdrawal":
        said: dict[str, str] = {Meaning.APPROVED: _("Approved the withdrawal"),
                                Meaning.REJECTED: _("Refused the withdrawal")}
        return said.get(meaning, meaning)
    return Meaning.label_of(meaning)


def role_in_signoff(meaning: str) -> str:
    by: dict[str, str] = {Meaning.DRAFTED: _("Drafted by"), Meaning.REVIEWED: _("Reviewed by"),
                          Meaning.APPROVED: _("Approved by")}
    return by.get(meaning, meaning)


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


def external_status_label(status: str | None) -> str:
    return ExternalStatus.label_of(status, default="")


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
    "Status": Status,
    "Kind": Kind,
    "Confidentiality": Confidentiality,
    "ExternalStatus": ExternalStatus,
    "Meaning": Meaning,
}

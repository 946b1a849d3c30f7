"""Words of record keeping in the UI: the medium of a record and what happens to it at the end."""

from __future__ import annotations

from qms.core.i18n import N_, translated_choice

_MEDIA = {
    "paper": N_("Paper"),
    "electronic": N_("Electronic"),
    "both": N_("Paper and electronic"),
}


def medium_label(medium: str) -> str:
    return translated_choice(_MEDIA, medium)


_DISPOSALS = {
    "destroy": N_("Destroy when the period ends"),
    "archive_agency": N_("Transfer to the agency archive"),
    "archive_historical": N_("Transfer to the historical archive"),
    "reappraise": N_("Appraise again when the period ends"),
}


def disposal_label(disposal: str) -> str:
    return translated_choice(_DISPOSALS, disposal)


TEMPLATE_GLOBALS = {"medium_label": medium_label, "disposal_label": disposal_label}

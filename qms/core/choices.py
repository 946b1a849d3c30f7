"""Fixed lists of values, each value with its words in English and Vietnamese.

A capability's ``choices.py`` declares its lists as :class:`Choice` enums::

    class Kind(Choice):
        PROCEDURE = "procedure", "Procedure", "Quy trình"

The member is the stored string (``Kind.PROCEDURE == "procedure"``); models build their
CHECK constraints from :meth:`Choice.values`, schemas take the enum (or a ``Literal`` of some
of its members), pages show :meth:`Choice.label` in the reader's language, and records, always
in Vietnamese, write :meth:`Choice.record_of`. A value may give a fourth wording when a record
says it more formally than a page (``"returned", "Returned", "Đã trả lại", "Đã thu hồi"``).
One table per list, so the page, the record and the audit trail cannot disagree.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Self

from qms.core.i18n import current_language


class Choice(StrEnum):
    en: str
    vi: str
    #: The words of a record (Vietnamese), by default ``vi``.
    record: str

    def __new__(cls, value: str, en: str = "", vi: str = "", record: str = "") -> Self:
        member = str.__new__(cls, value)
        member._value_ = value
        member.en = en or value
        member.vi = vi or member.en
        member.record = record or member.vi
        return member

    def label(self, language: str | None = None) -> str:
        """The words of this value in ``language`` (by default the reader's)."""
        return self.vi if (language or current_language()) == "vi" else self.en

    @classmethod
    def values(cls) -> tuple[str, ...]:
        return tuple(member.value for member in cls)

    @classmethod
    def label_of(cls, value: str | None, language: str | None = None, default: str | None = None) -> str:
        """The words of a stored value; an unknown one is shown as it is (or as ``default``)."""
        try:
            return cls(value or "").label(language)
        except ValueError:
            return (value or "") if default is None else default

    @classmethod
    def in_sentence(cls, value: str | None) -> str:
        """The reader's words of a stored value inside a sentence ("…while the version is in
        review"): its label, lower-cased."""
        return cls.label_of(value).lower()

    @classmethod
    def words_in_sentence(cls) -> dict[str, tuple[str, str]]:
        """Each value's words inside a sentence, as the audit trail's details read: English and
        the record's Vietnamese, lower-cased (a door hands them to ``audit.labels``)."""
        return {member.value: (member.en.lower(), member.record.lower()) for member in cls}

    @classmethod
    def record_of(cls, value: str | None) -> str:
        """The words a record writes for a stored value; an unknown one is written as it is."""
        try:
            return cls(value or "").record
        except ValueError:
            return value or ""

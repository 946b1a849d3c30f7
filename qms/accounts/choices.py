"""The fixed lists of accounts, each value with its English and Vietnamese words (the roles are
the core's, :class:`qms.core.roles.Role`)."""

from __future__ import annotations

from qms.core.choices import Choice


class NotificationMail(Choice):
    """How a person wants to be e-mailed about their notifications."""

    IMMEDIATE = "immediate", "At once", "Ngay khi có"
    DAILY = "daily", "Once a day", "Mỗi ngày một lần"

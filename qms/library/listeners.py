"""Registers what the library hears from the lifecycle and the wording of its notifications:
new draft revisions keep their files (attachments), a version coming into force that cites
a law no longer in force needs review (external), notification texts (notify), the check
of attached files in the store (integrity)."""

from qms.library import attachments, external, integrity, notify, panels

__all__ = ["attachments", "external", "integrity", "notify", "panels"]

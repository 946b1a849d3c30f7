"""Registers what the library hears from the lifecycle and the wording of its notifications:
new draft revisions keep their files (attachments), a version coming into force that cites
a law no longer in force needs review (external), a change request closes when its revision
comes into force (change_requests), notification texts (notify), the check of attached files
in the store (integrity)."""

from qms.library import attachments, change_requests, external, integrity, notify, panels

__all__ = ["attachments", "change_requests", "external", "integrity", "notify", "panels"]

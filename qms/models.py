"""Imports every capability's tables so that the metadata is complete."""

from qms.accounts.models import AgencyProfile, AuthSession, LoginAttempt, Unit, User, UserRole
from qms.audit.models import AuditEvent, AuditHead
from qms.distribution.models import Acknowledgement, Distribution, MailOutbox, Notification, PaperCopy
from qms.documents.models import (
    Delegation,
    Document,
    DocumentUnit,
    RevisionHistory,
    Signature,
    Version,
    VersionReviewer,
    VersionStep,
)

__all__ = [
    "Acknowledgement",
    "AgencyProfile",
    "AuditEvent",
    "AuditHead",
    "AuthSession",
    "Delegation",
    "Distribution",
    "Document",
    "DocumentUnit",
    "LoginAttempt",
    "MailOutbox",
    "Notification",
    "PaperCopy",
    "RevisionHistory",
    "Signature",
    "Unit",
    "User",
    "UserRole",
    "Version",
    "VersionReviewer",
    "VersionStep",
]

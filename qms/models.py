"""Imports every capability's tables so that the metadata is complete."""

from qms.accounts.models import AgencyProfile, AuthSession, LoginAttempt, Unit, User, UserRole
from qms.audit.models import AuditEvent, AuditHead
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
    "AgencyProfile",
    "AuditEvent",
    "AuditHead",
    "AuthSession",
    "Delegation",
    "Document",
    "DocumentUnit",
    "LoginAttempt",
    "RevisionHistory",
    "Signature",
    "Unit",
    "User",
    "UserRole",
    "Version",
    "VersionReviewer",
    "VersionStep",
]

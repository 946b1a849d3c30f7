"""Imports every capability's tables so that the metadata is complete."""

from qms.accounts.models import AgencyProfile, AuthSession, LoginAttempt, Unit, User, UserRole
from qms.audit.models import AuditEvent, AuditHead

__all__ = [
    "AgencyProfile",
    "AuditEvent",
    "AuditHead",
    "AuthSession",
    "LoginAttempt",
    "Unit",
    "User",
    "UserRole",
]

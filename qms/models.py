"""Imports every capability's tables so that the metadata is complete."""

from qms.accounts.key_wrap import WrapKey
from qms.accounts.models import AgencyProfile, AuthSession, LoginAttempt, Unit, User, UserRole
from qms.audit.models import AuditEvent, AuditHead
from qms.core.joblock import JobLock, JobRun
from qms.distribution.models import Acknowledgement, AcknowledgementTally, Distribution, PaperCopy
from qms.documents.models import (
    Delegation,
    Document,
    DocumentUnit,
    ExternalDetails,
    RevisionHistory,
    Signature,
    Version,
    VersionReviewer,
    VersionStep,
)
from qms.library.models import Attachment, ChangeRequest, PeriodicReview
from qms.notify.models import MailOutbox, Notification
from qms.record_keeping.models import RecordEntry, RecordsListApproval
from qms.records.models import ApproverSignedOriginal, PersonalCertificate, SignatureImage, SignedRecord

__all__ = [
    "Acknowledgement",
    "AcknowledgementTally",
    "AgencyProfile",
    "ApproverSignedOriginal",
    "Attachment",
    "AuditEvent",
    "AuditHead",
    "AuthSession",
    "ChangeRequest",
    "Delegation",
    "Distribution",
    "Document",
    "DocumentUnit",
    "ExternalDetails",
    "JobLock",
    "JobRun",
    "LoginAttempt",
    "MailOutbox",
    "Notification",
    "PaperCopy",
    "PeriodicReview",
    "PersonalCertificate",
    "RecordEntry",
    "RecordsListApproval",
    "RevisionHistory",
    "Signature",
    "SignatureImage",
    "SignedRecord",
    "Unit",
    "User",
    "UserRole",
    "Version",
    "VersionReviewer",
    "VersionStep",
    "WrapKey",
]

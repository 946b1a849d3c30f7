"""The signed PDF of each version, kept content-addressed in the file storage, and each
person's own signing certificate."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, Integer, LargeBinary, Text
from sqlmodel import Field, SQLModel

from qms.core.db import UTCDateTime, utcnow


class SignedRecord(SQLModel, table=True):
    """The PDF of a version as issued, signed once with the agency certificate (PAdES)."""

    __tablename__ = "signed_record"

    id: int | None = Field(default=None, primary_key=True)
    version_id: int = Field(sa_column=Column(Integer, ForeignKey("document_version.id", ondelete="CASCADE"),
                                             nullable=False, unique=True))
    sha256: str = Field(max_length=64, index=True)
    size: int
    signed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    signer: str = Field(max_length=200)
    certificate_sha256: str = Field(max_length=64)
    demo: bool = Field(default=False)


class ApproverSignedOriginal(SQLModel, table=True):
    """The electronic original as the approver signed it with their own certificate, when they
    approved; the agency's signature is added to this file when the version comes into force."""

    __tablename__ = "approver_signed_original"

    version_id: int = Field(sa_column=Column(Integer, ForeignKey("document_version.id", ondelete="CASCADE"),
                                             primary_key=True))
    sha256: str = Field(max_length=64)
    #: Where the agency's stamp goes in this file: "page x1 y1 x2 y2" (points).
    agency_box: str = Field(max_length=100)
    signer: str = Field(max_length=200)
    certificate_sha256: str = Field(max_length=64)
    signed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class SignatureImage(SQLModel, table=True):
    """The image of a person's handwritten signature, shown in the stamp of their own digital
    signature (a PNG with a transparent background)."""

    __tablename__ = "signature_image"

    user_id: int = Field(sa_column=Column(Integer, ForeignKey("user_account.id", ondelete="CASCADE"),
                                          primary_key=True))
    png: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    width: int
    height: int
    uploaded_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class PersonalCertificate(SQLModel, table=True):
    """A person's own signing certificate (one per person), with its private key sealed to
    them (:mod:`qms.accounts.key_wrap`): only their password opens it, at the moment they sign."""

    __tablename__ = "personal_certificate"

    user_id: int = Field(sa_column=Column(Integer, ForeignKey("user_account.id", ondelete="CASCADE"),
                                          primary_key=True))
    subject: str = Field(max_length=500)
    issuer: str = Field(max_length=500)
    serial: str = Field(max_length=64)
    not_before: datetime = Field(sa_type=UTCDateTime)
    not_after: datetime = Field(sa_type=UTCDateTime)
    fingerprint: str = Field(max_length=64)
    #: The certificate first, then the others the file carried (PEM).
    chain_pem: str = Field(sa_column=Column(Text, nullable=False))
    #: The private key (PKCS#8 DER) sealed to the wrapping key named by ``wrap_key_id``.
    sealed_key: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    wrap_key_id: str = Field(max_length=32)
    uploaded_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)

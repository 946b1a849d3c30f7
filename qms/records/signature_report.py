"""Every signature of an uploaded PDF, as the public check page lists them: who signed, when,
which revision of the file the signature covers, whether it is intact and whether the
certificate chains to the agency's CA.

Validation never fetches anything from the network: a record must check offline.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import EmbeddedPdfSignature, validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from qms.records.signing import _asn1_cert, followed_by_benign_changes_only, off_event_loop

log = logging.getLogger(__name__)

#: A public upload is validated up to this many signatures; the others are reported unchecked.
MAX_SIGNATURES = 12


@dataclass(frozen=True)
class SignatureReport:
    """One signature; ``coverage`` is "whole_file", "earlier_revision" (only signatures or
    validation data were added after it) or "changed_after" (the file was altered after it)."""

    number: int  # 1-based, in the order the signatures were made
    total: int
    signer: str
    organisation: str
    signed_at: datetime | None
    revision: int  # 1-based revision of the file the signature covers
    revisions: int
    coverage: str
    intact: bool
    valid: bool
    trusted: bool
    signed_bytes: int  # length of the file as it was when this signature was made
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.intact and self.valid and self.trusted and self.coverage != "changed_after"


@dataclass(frozen=True)
class FileReport:
    readable: bool
    signatures: tuple[SignatureReport, ...] = ()
    keywords: str = ""  # the document's own /Keywords entry (code and revision of our records)

    @property
    def signed(self) -> bool:
        return bool(self.signatures)


def _coverage(status: object, whole: bool) -> str:
    if whole:
        return "whole_file"
    return "earlier_revision" if followed_by_benign_changes_only(status) else "changed_after"


def _name_part(certificate: object, field: str) -> str:
    try:
        return str(certificate.subject.native.get(field, ""))  # type: ignore[attr-defined]
    except (AttributeError, ValueError):
        return ""


def inspect_pdf(data: bytes, trust_roots: tuple[x509.Certificate, ...]) -> FileReport:
    """Validate each signature of ``data`` against ``trust_roots``; never raises for a bad file."""
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        embedded = list(reader.embedded_regular_signatures)
        revisions = reader.xrefs.total_revisions
        info = reader.trailer_view.get("/Info")
        keywords = str(info.get_object().get("/Keywords", "")) if info is not None else ""
    except Exception as exc:  # a file pyHanko cannot parse is simply not a signed record
        log.info("uploaded PDF not readable: %s", exc.__class__.__name__)
        return FileReport(readable=False)
    context_roots = [_asn1_cert(root) for root in trust_roots]
    reports = []
    for number, signature in enumerate(embedded, start=1):
        if number > MAX_SIGNATURES:
            reports.append(SignatureReport(
                number=number, total=len(embedded), signer="", organisation="", signed_at=None, revision=0,
                revisions=revisions, coverage="changed_after", intact=False, valid=False, trusted=False,
                signed_bytes=0, problem="not checked"))
            continue
        reports.append(_one(signature, number, len(embedded), revisions, context_roots))
    return FileReport(readable=True, signatures=tuple(reports), keywords=keywords[:200])


def _one(signature: EmbeddedPdfSignature, number: int, total: int, revisions: int,
         roots: list[asn1_x509.Certificate]) -> SignatureReport:
    byte_range = [int(n) for n in signature.byte_range]
    signed_bytes = byte_range[2] + byte_range[3] if len(byte_range) == 4 else 0
    base: dict[str, Any] = {"number": number, "total": total, "revisions": revisions,
                            "revision": int(signature.signed_revision) + 1, "signed_bytes": signed_bytes}
    cert = getattr(signature, "signer_cert", None)
    who: dict[str, Any] = {"signer": _name_part(cert, "common_name"),
                           "organisation": _name_part(cert, "organization_name")}
    context = ValidationContext(trust_roots=roots, allow_fetching=False)
    try:
        status = off_event_loop(lambda: validate_pdf_signature(signature, context))
    except Exception as exc:
        log.info("signature %s of %s cannot be checked: %s", number, total, exc.__class__.__name__)
        return SignatureReport(**base, **who, signed_at=None, coverage="changed_after", intact=False,
                               valid=False, trusted=False, problem="unreadable")
    whole = getattr(status, "coverage", None) == SignatureCoverageLevel.ENTIRE_FILE
    return SignatureReport(
        **base, **who, signed_at=status.signer_reported_dt, coverage=_coverage(status, whole),
        intact=bool(status.intact), valid=bool(status.valid), trusted=bool(status.trusted),
    )

"""PAdES signatures with pyHanko: sign a record with the agency certificate, with a visible
stamp, and validate a signed PDF (intact, valid, trusted against the agency's CA).

The signed revision embeds the validation data held (DSS: the chain, the revocation lists
the installation keeps), so a reader without network validates it; with ``QMS_TSA_URL`` the
signature also carries an RFC 3161 timestamp token. An unreachable timestamp authority fails
the signing (:class:`TimestampUnavailable`): a record is never kept without the timestamp
the installation promises. The signer's and the authority's certificates are validated
against the trusted CAs before signing (:class:`CertificateNotUsable` otherwise)."""

from __future__ import annotations

import asyncio
import io
import logging
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Protocol, TypedDict, TypeVar
from zoneinfo import ZoneInfo

from asn1crypto import crl as asn1_crl
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from PIL import Image
from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
from pyhanko.pdf_utils.images import PdfImage
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.layout import AxisAlignment, Margins, SimpleBoxLayoutRule
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.sign import fields, pkcs11, signers
from pyhanko.sign.general import SigningError
from pyhanko.sign.signers.pdf_signer import DSSContentSettings, SigDSSPlacementPreference
from pyhanko.sign.timestamps import HTTPTimeStamper, TimestampRequestError
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.dss import DocumentSecurityStore, NoDSSFoundError
from pyhanko.sign.validation.status import ModificationLevel, SignatureCoverageLevel
from pyhanko.stamp import BaseStampStyle, StaticStampStyle, TextStampStyle
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.errors import PathBuildingError, PathValidationError
from pyhanko_certvalidator.registry import SimpleCertificateStore

from qms.core.errors import QMSError
from qms.core.i18n import _
from qms.records.certificates import TokenKey
from qms.records.fonts import STAMP_FONT
from qms.records.layout import nfc

log = logging.getLogger(__name__)
T = TypeVar("T")
STAMP_FONT_SIZE = 8
FIELD_NAME = "ChuKySoCoQuan"


class _StampLayout(TypedDict, total=False):
    background_layout: SimpleBoxLayoutRule
    inner_content_layout: SimpleBoxLayoutRule


def _side_by_side(width: float) -> _StampLayout:
    """A signature image in the left two fifths of a stamp ``width`` points wide, the text in
    the rest."""
    split = width * 2 / 5
    # pyHanko annotates margins as int; they are points, and a fraction of one is kept.
    return {
        "background_layout": SimpleBoxLayoutRule(
            x_align=AxisAlignment.ALIGN_MID, y_align=AxisAlignment.ALIGN_MID,
            margins=Margins(left=4, right=width - split, top=4, bottom=4)),  # type: ignore[arg-type]
        "inner_content_layout": SimpleBoxLayoutRule(
            x_align=AxisAlignment.ALIGN_MIN, y_align=AxisAlignment.ALIGN_MID,
            margins=Margins(left=split + 4, right=4, top=4, bottom=4)),  # type: ignore[arg-type]
    }


class _NoFetchingNotice(logging.Filter):
    """pyHanko warns at every signing that it will not fetch revocation data; not fetching is
    the choice here (the installation embeds what it holds), so the notice is only noise."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "fetching is not allowed" not in record.getMessage()


logging.getLogger("pyhanko.sign.signers.pdf_signer").addFilter(_NoFetchingNotice())


class TimestampUnavailable(QMSError):
    """The timestamp authority named in QMS_TSA_URL did not answer with a timestamp."""

    status_code = 503


class CertificateNotUsable(QMSError):
    """The agency's or the timestamp authority's certificate does not validate (expired,
    revoked, wrong key usage, not issued by a trusted CA): nothing is signed with it."""

    status_code = 503


def off_event_loop(work: Callable[[], T]) -> T:
    """Run ``work`` here, or in a worker thread when this thread already runs an event loop:
    pyHanko's synchronous calls (signing, validation) start their own loop (asyncio.run),
    which a running loop forbids. Whoever calls pyHanko synchronously goes through here."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return work()
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(work).result()


def _asn1_cert(certificate: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))


class SigningKey(Protocol):
    """A key that signs, with its certificate, the rest of its chain and the CAs to check it by:
    the agency's (:class:`AgencyCertificate`) or a person's own."""

    @property
    def key(self) -> object: ...
    @property
    def certificate(self) -> x509.Certificate: ...
    @property
    def chain(self) -> tuple[x509.Certificate, ...]: ...
    @property
    def trust_roots(self) -> tuple[x509.Certificate, ...]: ...
    @property
    def demo(self) -> bool: ...
    @property
    def subject_name(self) -> str: ...


@contextmanager
def _signer(signer: SigningKey) -> Iterator[signers.Signer]:
    """pyHanko's signer for ``signer``: the key in memory, or on its PKCS#11 token, where it
    signs without ever leaving it (a session is opened for this signature and closed)."""
    token: TokenKey | None = getattr(signer, "token", None)
    if token is None:
        key_der = signer.key.private_bytes(  # type: ignore[attr-defined]
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        yield signers.SimpleSigner(
            signing_cert=_asn1_cert(signer.certificate),
            signing_key=asn1_keys.PrivateKeyInfo.load(key_der),
            cert_registry=SimpleCertificateStore.from_certs([_asn1_cert(c) for c in signer.chain]),
        )
        return
    try:
        session = pkcs11.open_pkcs11_session(str(token.module), token_criteria=pkcs11.TokenCriteria(
            label=token.token or None), user_pin=token.pin)
    except Exception as exc:
        log.warning("the PKCS#11 token %r cannot be opened: %s", token.token, exc)
        raise CertificateNotUsable(_(
            "The token that holds the agency's key cannot be opened (QMS_SIGNING_PKCS11_*); the record "
            "is not signed. Tell the administrator.")) from exc
    try:
        yield pkcs11.PKCS11Signer(session, key_label=token.key_label,
                                  signing_cert=_asn1_cert(signer.certificate),
                                  ca_chain=[_asn1_cert(c) for c in signer.chain])
    finally:
        session.close()


def _stamp(lines: Sequence[str], signed_at: datetime, zone: ZoneInfo, demo: bool) -> str:
    local = signed_at.astimezone(zone)
    lines = [*lines, "Thời gian ký: " + local.strftime("%H:%M:%S ngày %d/%m/%Y")]
    if demo:
        lines.append("Chứng thư số thử nghiệm – không có giá trị pháp lý")
    return nfc("\n".join(lines)).replace("%", "%%")


def stamp_text(agency: SigningKey, signed_at: datetime, zone: ZoneInfo) -> str:
    return _stamp(["Ký số bởi: " + agency.subject_name], signed_at, zone, agency.demo)


def person_stamp_text(person: SigningKey, title: str, on_behalf_of_title: str, signed_at: datetime,
                      zone: ZoneInfo) -> str:
    """The approver's own signature: who, in which capacity ("KT. GIÁM ĐỐC" when a deputy signs
    for the head, as Decree 30 writes it), when."""
    capacity = (f"KT. {on_behalf_of_title.upper()} – {title}" if on_behalf_of_title else title)
    lines = ["Ký số bởi: " + person.subject_name]
    if capacity:
        lines.append(capacity)
    return _stamp(lines, signed_at, zone, person.demo)


#: Timestampers by (URL, timeout), with when they were made. One kept for a while learns the
#: authority's certificates and token size from a first request and reuses them, so each
#: signature then costs one round trip instead of two; renewed hourly for a renewed TSA cert.
_timestampers: dict[tuple[str, int], tuple[float, HTTPTimeStamper]] = {}
TIMESTAMPER_LIFETIME = 3600.0


def _timestamper(url: str, timeout: int) -> HTTPTimeStamper:
    now = time.monotonic()
    made = _timestampers.get((url, timeout))
    if made is None or now - made[0] > TIMESTAMPER_LIFETIME:
        made = (now, HTTPTimeStamper(url, timeout=timeout))
        _timestampers[(url, timeout)] = made
    return made[1]


def _embedding_context(agency: SigningKey, crls: Sequence[bytes]) -> ValidationContext:
    """What the signer knows of the chain and its revocation, without fetching anything."""
    return ValidationContext(
        trust_roots=[_asn1_cert(root) for root in agency.trust_roots],
        other_certs=[_asn1_cert(c) for c in agency.chain],
        crls=[asn1_crl.CertificateList.load(crl) for crl in crls], allow_fetching=False)


def sign_pdf(data: bytes, agency: SigningKey, *, box: tuple[int, float, float, float, float] | None,
             signed_at: datetime, zone: ZoneInfo, reason: str, location: str,
             tsa_url: str | None = None, tsa_timeout: int = 10, crls: Sequence[bytes] = (),
             field_name: str = FIELD_NAME, stamp: str | None = None, seal: Path | None = None,
             signature_image: bytes | None = None) -> bytes:
    """A PAdES signature (SHA-256) with a visible stamp in ``box`` (page, x1, y1, x2, y2), the
    validation data in the same revision, and a timestamp from ``tsa_url`` when given. A file
    signed already is signed again incrementally: the earlier signature stays valid. With
    ``seal`` (a PNG) the stamp is that image instead of text; ``signature_image`` (a PNG) is
    shown at the left of the text."""
    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    page, x1, y1, x2, y2 = box if box is not None else (0, 0.0, 0.0, 0.0, 0.0)
    spec = fields.SigFieldSpec(field_name, on_page=page,
                               box=(int(x1), int(y1), int(x2), int(y2)) if box else None)
    style: BaseStampStyle
    if seal is not None:  # the agency's signature shown as its seal (Decree 30, Appendix I)
        with Image.open(seal) as image:
            style = StaticStampStyle(background=PdfImage(image.convert("RGBA")), border_width=0)
    else:
        # A signature image stands at the left of the stamp, the text at the right.
        picture = None
        if signature_image is not None:
            with Image.open(io.BytesIO(signature_image)) as image:
                picture = PdfImage(image.convert("RGBA"))
        style = TextStampStyle(
            stamp_text=stamp if stamp is not None else stamp_text(agency, signed_at, zone),
            text_box_style=TextBoxStyle(
                font=GlyphAccumulatorFactory(str(STAMP_FONT), font_size=STAMP_FONT_SIZE),
                font_size=STAMP_FONT_SIZE, leading=STAMP_FONT_SIZE + 3),
            border_width=1, border_color=(0.72, 0.05, 0.05), background=picture, background_opacity=1.0,
            **(_side_by_side(x2 - x1) if picture else _StampLayout()),
        )
    metadata = signers.PdfSignatureMetadata(
        field_name=field_name, md_algorithm="sha256", subfilter=fields.SigSeedSubFilter.PADES,
        reason=nfc(reason), location=nfc(location), name=agency.subject_name,
        embed_validation_info=True, validation_context=_embedding_context(agency, crls),
        dss_settings=DSSContentSettings(placement=SigDSSPlacementPreference.TOGETHER_WITH_SIGNATURE,
                                        include_vri=False),
    )
    timestamper = _timestamper(tsa_url, tsa_timeout) if tsa_url else None
    output = io.BytesIO()
    try:
        with _signer(agency) as key_signer:
            pdf_signer = signers.PdfSigner(metadata, signer=key_signer, timestamper=timestamper,
                                           stamp_style=style, new_field_spec=spec)
            off_event_loop(lambda: pdf_signer.sign_pdf(writer, output=output))
    except TimestampRequestError as exc:
        log.warning("the timestamp authority %s did not answer: %s", tsa_url, exc.__cause__ or exc)
        raise TimestampUnavailable(_(
            "The timestamp authority (QMS_TSA_URL) did not answer; the record is not signed yet. "
            "Try again later or tell the administrator.")) from exc
    except (SigningError, PathBuildingError, PathValidationError) as exc:
        log.warning("a certificate used for signing does not validate: %s", exc)
        raise CertificateNotUsable(_(
            "The agency certificate or the timestamp authority's certificate does not validate "
            "against the trusted certification authorities (QMS_SIGNING_CA); the record is not "
            "signed. Tell the administrator.")) from exc
    return output.getvalue()


@dataclass(frozen=True)
class Verdict:
    """What validation found; ``ok`` only when the file is intact, valid, trusted and whole."""

    signed: bool
    intact: bool = False
    valid: bool = False
    trusted: bool = False
    whole_file: bool = False
    signer: str = ""
    signed_at: datetime | None = None
    timestamped_at: datetime | None = None  # the time an RFC 3161 timestamp authority attests
    problem: str = ""
    signers: tuple[str, ...] = ()  # every signer, in the order they signed

    @property
    def ok(self) -> bool:
        return self.signed and self.intact and self.valid and self.trusted and self.whole_file


def validate(data: bytes, trust_roots: tuple[x509.Certificate, ...]) -> Verdict:
    """Check every signature of ``data`` in order (the approver's, then the agency's); the
    verdict names the last signer, and is ``ok`` only when each signature is intact, valid and
    trusted, the earlier ones were followed only by what may follow a signature (another
    signature, validation data), and the last covers the whole file. Never raises for a bad
    or foreign file."""
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = reader.embedded_signatures
    except Exception as exc:  # a file pyHanko cannot parse is simply not a signed record
        return Verdict(signed=False, problem=f"not a readable PDF ({exc.__class__.__name__})")
    if not signatures:
        return Verdict(signed=False, problem="the PDF carries no digital signature")
    context = offline_context(reader, trust_roots)
    statuses = []
    for embedded in signatures:
        try:
            statuses.append(off_event_loop(partial(validate_pdf_signature, embedded, context)))
        except (SigningError, ValueError, KeyError, TypeError) as exc:
            return Verdict(signed=True, problem=f"the signature cannot be checked ({exc})")
        except Exception as exc:
            log.info("signature validation failed: %s", exc)
            return Verdict(signed=True, problem=f"the signature cannot be checked ({exc.__class__.__name__})")
    status = statuses[-1]
    coverage = getattr(status, "coverage", None)
    earlier_problem = ""
    for earlier in statuses[:-1]:
        if not followed_by_benign_changes_only(earlier):
            earlier_problem = "a later revision changed what an earlier signature covers"
        elif not earlier.bottom_line:
            earlier_problem = _problem(earlier, True)
        if earlier_problem:
            break
    whole = coverage is not None and coverage.name == "ENTIRE_FILE" and not earlier_problem
    signers = tuple(_common_name(s) for s in statuses)
    stamp = status.timestamp_validity
    return Verdict(
        signed=True, intact=all(s.intact for s in statuses), valid=all(s.valid for s in statuses),
        trusted=all(s.trusted for s in statuses), whole_file=whole, signer=signers[-1],
        signed_at=status.signer_reported_dt,
        timestamped_at=stamp.timestamp if stamp is not None and stamp.valid and stamp.trusted else None,
        problem="" if status.bottom_line and whole else earlier_problem or _problem(status, whole),
        signers=signers,
    )


#: Later revisions that only add signatures, form fields or validation data (DSS, timestamps).
BENIGN_LATER_CHANGES = (ModificationLevel.NONE, ModificationLevel.LTA_UPDATES, ModificationLevel.FORM_FILLING)


def followed_by_benign_changes_only(status: object) -> bool:
    """A signature of an earlier revision of the file, after which only signatures or validation
    data were added: it still holds for what it signed."""
    return (getattr(status, "coverage", None) == SignatureCoverageLevel.ENTIRE_REVISION
            and getattr(status, "modification_level", None) in BENIGN_LATER_CHANGES
            and getattr(status, "docmdp_ok", True) is not False)


def _common_name(status: object) -> str:
    cert = getattr(status, "signing_cert", None)
    return str(cert.subject.native.get("common_name", "")) if cert is not None else ""


def offline_context(reader: PdfFileReader, trust_roots: tuple[x509.Certificate, ...]) -> ValidationContext:
    """Trust only ``trust_roots``; take the rest (chain, revocation lists) from the file's DSS,
    never from the network."""
    options = {"trust_roots": [_asn1_cert(root) for root in trust_roots], "allow_fetching": False}
    try:
        return DocumentSecurityStore.read_dss(reader).as_validation_context(options)
    except NoDSSFoundError:
        pass
    except Exception as exc:  # a malformed DSS in an uploaded file: validate without it
        log.info("the DSS of a PDF cannot be read: %s", exc.__class__.__name__)
    return ValidationContext(**options)  # type: ignore[arg-type]


def _problem(status: object, whole: bool) -> str:
    if not getattr(status, "intact", False):
        return "the content was changed after signing"
    if not getattr(status, "valid", False):
        return "the signature does not match the certificate"
    if not getattr(status, "trusted", False):
        return "the certificate was not issued by the agency's certification authority"
    if not whole:
        return "the file was extended after signing"
    return "the signature is not valid"

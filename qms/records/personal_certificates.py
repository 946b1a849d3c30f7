"""Each person's own signing certificate: uploaded as a PKCS#12 file, checked, and kept with
its private key sealed to the person (:mod:`qms.accounts.key_wrap`).

The checks refuse, each with its reason (422): a file that does not open with the password,
one without a private key and its certificate or whose key is not the certificate's, a CA
certificate or one whose key usage does not allow signing, one not yet valid or expired,
and one not issued by a certification authority the agency trusts (the agency certificate's
CAs and ``QMS_SIGNING_CA``). The key is opened only to sign, with the signer's password
(:func:`unlock`). Neither the file nor its password is kept.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from sqlalchemy import select
from sqlmodel import Session, col

from qms.accounts import key_wrap
from qms.accounts.auth import Principal
from qms.accounts.models import User
from qms.accounts.passwords import verify_password
from qms.audit import service as audit
from qms.core.config import ConfigError, Settings
from qms.core.dates import format_day
from qms.core.db import pk, utcnow
from qms.core.errors import Conflict, NotFound, ValidationFailed
from qms.core.i18n import _
from qms.documents.policy import require_signer
from qms.records import certificates
from qms.records.document_record import load_agency
from qms.records.models import PersonalCertificate, SignatureImage
from qms.records.seal import check_transparent_png

MAX_P12_BYTES = 64 * 1024
MAX_SIGNATURE_IMAGE_BYTES = 256 * 1024
MAX_PASSWORD = 256
_PURPOSE = b"qms personal signing key"
_MAX_CHAIN = 5


@dataclass(frozen=True)
class CertificateFacts:
    subject: str
    issuer: str
    not_after: dt.datetime
    not_before: dt.datetime
    serial: str
    fingerprint: str
    usable: bool  # False once a password reset has made its key unopenable
    subject_name: str  # the common names, as a person reads them
    issuer_name: str


@dataclass(frozen=True)
class UnlockedCertificate:
    key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey
    certificate: x509.Certificate
    chain: tuple[x509.Certificate, ...]

    @property
    def subject_name(self) -> str:
        return certificates.common_name(self.certificate.subject)


def trusted_roots(settings: Settings) -> tuple[x509.Certificate, ...]:
    """The CAs a person's certificate must chain to: those of the agency certificate (its file
    and QMS_SIGNING_CA), else QMS_SIGNING_CA alone."""
    try:
        agency = certificates.agency_certificate(settings)
    except ConfigError:
        agency = None
    if agency is not None:
        return agency.trust_roots
    if settings.signing_ca is not None:
        try:
            return tuple(x509.load_pem_x509_certificates(settings.signing_ca.read_bytes()))
        except (OSError, ValueError):
            return ()
    return ()


def _file_problem(message: str) -> ValidationFailed:
    return ValidationFailed("file", message)


def _issued_by_trusted(certificate: x509.Certificate, others: list[x509.Certificate],
                       roots: tuple[x509.Certificate, ...]) -> bool:
    """Walk up from ``certificate`` through the file's other certificates to a trusted root,
    each link checked by its signature (pyHanko validates the whole path again at signing)."""
    current = certificate
    for _step in range(_MAX_CHAIN):
        for root in roots:
            try:
                current.verify_directly_issued_by(root)
                return True
            except (ValueError, TypeError, InvalidSignature):
                continue
        for other in others:
            if other == current:
                continue
            try:
                current.verify_directly_issued_by(other)
            except (ValueError, TypeError, InvalidSignature):
                continue
            current = other
            break
        else:
            return False
    return False


def check_p12(data: bytes, password: str, roots: tuple[x509.Certificate, ...],
              now: dt.datetime) -> tuple[rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey, x509.Certificate,
                                         list[x509.Certificate]]:
    """Open and check an uploaded PKCS#12; a :class:`ValidationFailed` names what is wrong."""
    if not data:
        raise _file_problem(_("Choose the PKCS#12 file (.p12 or .pfx) of your signing certificate."))
    if len(data) > MAX_P12_BYTES:
        raise _file_problem(_("The file is larger than %(kb)s KB; a certificate file is much smaller.",
                              kb=MAX_P12_BYTES // 1024))
    if len(password) > MAX_PASSWORD:
        raise ValidationFailed("password", _("The password is longer than %(n)s characters.", n=MAX_PASSWORD))
    try:
        key, certificate, others = pkcs12.load_key_and_certificates(data, password.encode("utf-8") or None)
    except ValueError:
        raise ValidationFailed("password", _(
            "The file does not open with this password (a wrong password, or not a PKCS#12 file).")) from None
    if key is None or certificate is None:
        raise _file_problem(_("The file holds no private key with its certificate."))
    if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
        raise _file_problem(_("The key is neither RSA nor elliptic-curve; it cannot sign PDF files here."))
    public = serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    if key.public_key().public_bytes(*public) != certificate.public_key().public_bytes(*public):
        raise _file_problem(_("The private key in the file is not the key of its certificate."))
    try:
        constraints = certificate.extensions.get_extension_for_class(x509.BasicConstraints).value
        if constraints.ca:
            raise _file_problem(_("This is a certification authority's certificate, not a person's."))
    except x509.ExtensionNotFound:
        pass
    try:
        usage = certificate.extensions.get_extension_for_class(x509.KeyUsage).value
        signs = usage.digital_signature or usage.content_commitment
    except x509.ExtensionNotFound:
        signs = False
    if not signs:
        raise _file_problem(_("The certificate is not for signing: its key usage allows neither digital "
                              "signature nor non-repudiation."))
    if certificate.not_valid_before_utc > now:
        raise _file_problem(_("The certificate is not valid yet: it is valid from %(day)s.",
                              day=format_day(certificate.not_valid_before_utc)))
    if certificate.not_valid_after_utc < now:
        raise _file_problem(_("The certificate expired on %(day)s.",
                              day=format_day(certificate.not_valid_after_utc)))
    if not roots:
        raise Conflict(_("No certification authority is configured to trust (QMS_SIGNING_CA); "
                         "tell the administrator."))
    chain = list(others or ())
    if not _issued_by_trusted(certificate, chain, roots):
        raise _file_problem(_("The certificate was not issued by a certification authority this agency "
                              "trusts."))
    return key, certificate, chain


def upload(session: Session, actor: Principal, settings: Settings, data: bytes, password: str,
           now: dt.datetime | None = None) -> PersonalCertificate:
    """Check the file and keep the certificate, its key sealed to ``actor``; replaces theirs."""
    require_signer(actor)
    wrap = session.get(key_wrap.WrapKey, actor.id)
    if wrap is None:
        raise Conflict(_("Sign out and sign in again with your own password first: your certificate's "
                         "key is kept so that only that password opens it."))
    key, certificate, chain = check_p12(data, password, trusted_roots(settings), now or utcnow())
    return _keep(session, wrap, key, certificate, chain, actor=actor, username=actor.username)


def _keep(session: Session, wrap: key_wrap.WrapKey, key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey,
          certificate: x509.Certificate, chain: list[x509.Certificate], *, actor: Principal | None,
          username: str) -> PersonalCertificate:
    key_der = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    pem = b"".join(c.public_bytes(serialization.Encoding.PEM) for c in (certificate, *chain)).decode("ascii")
    # a new row's other fields are all set below
    record = (session.get(PersonalCertificate, wrap.user_id)
              or PersonalCertificate(user_id=wrap.user_id))  # type: ignore[call-arg]
    record.subject = certificate.subject.rfc4514_string()[:500]
    record.issuer = certificate.issuer.rfc4514_string()[:500]
    record.serial = format(certificate.serial_number, "x")[:64]
    record.not_before = certificate.not_valid_before_utc
    record.not_after = certificate.not_valid_after_utc
    record.fingerprint = certificate.fingerprint(hashes.SHA256()).hex()
    record.chain_pem = pem
    record.sealed_key = key_wrap.seal_to(wrap, key_der, _PURPOSE)
    record.wrap_key_id = wrap.key_id
    record.uploaded_at = utcnow()
    session.add(record)
    session.flush()
    audit.record(session, actor=actor, actor_username=None if actor else "system",
                 action="user.certificate_upload", object_type="user", object_id=username,
                 details={"subject": record.subject, "issuer": record.issuer, "serial": record.serial,
                          "fingerprint": record.fingerprint, "not_after": record.not_after.isoformat()})
    return record


def give_demo_certificates(session: Session, settings: Settings, usernames: list[str],
                           password: str) -> list[str]:
    """``qms seed --demo``: a certificate from the demo CA for each of ``usernames`` who has none
    and still has the demo ``password`` (which seals the key); returns who got one."""
    given = []
    organisation = load_agency(session).name
    for user in session.execute(select(User).where(col(User.username).in_(usernames))).scalars():
        if session.get(PersonalCertificate, user.id) is not None or not verify_password(user.password_hash,
                                                                                         password):
            continue
        issued = certificates.issue_demo_person_certificate(
            settings.data_dir, user.full_name, organisation, certificates.crl_url(settings.base_url))
        if issued is None:
            break
        key, certificate, ca = issued
        wrap = key_wrap.remember_password(session, pk(user), password)
        _keep(session, wrap, key, certificate, [ca], actor=None, username=user.username)
        given.append(user.username)
    return given


def _usable(session: Session, record: PersonalCertificate) -> bool:
    wrap = session.get(key_wrap.WrapKey, record.user_id)
    return wrap is not None and wrap.key_id == record.wrap_key_id


def facts_of(session: Session, user_id: int) -> CertificateFacts | None:
    record = session.get(PersonalCertificate, user_id)
    if record is None:
        return None
    certificate = x509.load_pem_x509_certificate(record.chain_pem.encode("ascii"))
    return CertificateFacts(subject=record.subject, issuer=record.issuer, not_after=record.not_after,
                            not_before=record.not_before, serial=record.serial,
                            fingerprint=record.fingerprint, usable=_usable(session, record),
                            subject_name=certificates.common_name(certificate.subject),
                            issuer_name=certificates.common_name(certificate.issuer))


def own_facts(session: Session, actor: Principal) -> CertificateFacts | None:
    """An administrator never signs, so has no certificate to hold (403)."""
    require_signer(actor)
    return facts_of(session, actor.id)


def own_certificate(session: Session, actor: Principal) -> CertificateFacts:
    facts = own_facts(session, actor)
    if facts is None:
        raise NotFound(_("You have not uploaded a signing certificate."))
    return facts


def remove(session: Session, actor: Principal) -> None:
    require_signer(actor)
    record = session.get(PersonalCertificate, actor.id)
    if record is None:
        raise NotFound(_("You have not uploaded a signing certificate."))
    session.delete(record)
    audit.record(session, actor=actor, action="user.certificate_remove", object_type="user",
                 object_id=actor.username, details={"fingerprint": record.fingerprint})


def unlock(session: Session, user_id: int, password: str) -> UnlockedCertificate | None:
    """The person's key and certificate, opened with their password (already checked as theirs);
    None when they have no usable certificate."""
    record = session.get(PersonalCertificate, user_id)
    wrap = session.get(key_wrap.WrapKey, user_id)
    if record is None or wrap is None or wrap.key_id != record.wrap_key_id:
        return None
    try:
        key_der = key_wrap.open_sealed(wrap, password, record.sealed_key, _PURPOSE)
    except key_wrap.Locked:
        return None
    key = serialization.load_der_private_key(key_der, password=None)
    assert isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey)
    certificate, *chain = x509.load_pem_x509_certificates(record.chain_pem.encode("ascii"))
    return UnlockedCertificate(key=key, certificate=certificate, chain=tuple(chain))


def save_signature_image(session: Session, actor: Principal, data: bytes, filename: str) -> SignatureImage:
    """The image of the person's handwritten signature for the stamp of their digital signature;
    checked like the seal (a PNG whose background is transparent)."""
    require_signer(actor)
    width, height = check_transparent_png(data, filename, _("your signature"), MAX_SIGNATURE_IMAGE_BYTES)
    image = (session.get(SignatureImage, actor.id)
             or SignatureImage(user_id=actor.id, png=data, width=width, height=height))
    image.png, image.width, image.height, image.uploaded_at = data, width, height, utcnow()
    session.add(image)
    session.flush()
    audit.record(session, actor=actor, action="user.signature_image_upload", object_type="user",
                 object_id=actor.username, details={"width": width, "height": height, "size": len(data)})
    return image


def signature_image_of(session: Session, user_id: int) -> SignatureImage | None:
    return session.get(SignatureImage, user_id)


def remove_signature_image(session: Session, actor: Principal) -> None:
    require_signer(actor)
    image = session.get(SignatureImage, actor.id)
    if image is None:
        raise NotFound(_("You have not uploaded an image of your signature."))
    session.delete(image)
    audit.record(session, actor=actor, action="user.signature_image_remove", object_type="user",
                 object_id=actor.username)

"""The agency's signing certificate: the PKCS#12 file the administrator configures, or the
demo CA and agency certificate that ``qms seed --demo`` creates in the data folder.

Which certificate is in use is decided by the settings the app or the command started
with (:func:`configure`); the lifecycle listener that signs new versions reads it too.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import secrets
import threading
from dataclasses import dataclass, field
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from qms.core import config
from qms.core.config import ConfigError, Settings
from qms.core.private_files import FILE_MODE, private_dir

DEMO_FOLDER = "signing"
DEMO_P12 = "demo-agency.p12"
DEMO_PASSWORD_FILE = "demo-agency.password"
DEMO_CA = "demo-ca.pem"
DEMO_CA_KEY = "demo-ca.key.pem"
DEMO_CRL = "demo-ca.crl"
#: Where the app serves the demo CA's revocation list (no login); the demo certificates name it.
CRL_PATH = "/api/v1/agency/crl"
CRL_DAYS = 7  # how long a published list is valid
CRL_RENEW = dt.timedelta(days=1)  # renewed when this close to its next update


@dataclass(frozen=True)
class TokenKey:
    """Where a key that never leaves its PKCS#11 token or HSM is: the module, the token's
    label, the key's label and the user PIN."""

    module: Path
    token: str
    key_label: str
    pin: str | None = field(default=None, repr=False)


@dataclass(frozen=True)
class AgencyCertificate:
    key: rsa.RSAPrivateKey | object | None  # None when the key is on a token
    certificate: x509.Certificate
    chain: tuple[x509.Certificate, ...]  # the others in the file: intermediates and the root
    trust_roots: tuple[x509.Certificate, ...]
    demo: bool
    source: Path
    token: TokenKey | None = None

    @property
    def subject_name(self) -> str:
        return common_name(self.certificate.subject)

    @property
    def fingerprint(self) -> str:
        return self.certificate.fingerprint(hashes.SHA256()).hex()

    @property
    def not_after(self) -> dt.datetime:
        return self.certificate.not_valid_after_utc


def common_name(name: x509.Name) -> str:
    """The common name of a certificate's subject or issuer, as a person reads it."""
    names = name.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(names[0].value) if names else name.rfc4514_string()


#: The administrator's home warns this many days before the agency certificate expires.
EXPIRY_WARNING_DAYS = 60


def ca_bundle_pem(agency: AgencyCertificate) -> bytes:
    """The CA certificates that verify the agency's records, PEM: the intermediates and
    roots of its PKCS#12 file and those of ``QMS_SIGNING_CA``, each once."""
    seen: set[bytes] = set()
    parts: list[bytes] = []
    for cert in (*agency.chain, *agency.trust_roots):
        fingerprint = cert.fingerprint(hashes.SHA256())
        if fingerprint not in seen and cert != agency.certificate:
            seen.add(fingerprint)
            parts.append(cert.public_bytes(serialization.Encoding.PEM))
    return b"".join(parts)


@dataclass(frozen=True)
class CertificateFacts:
    """What the administrator sees of the agency certificate."""

    subject: str
    issuer: str
    serial: str  # hexadecimal, in pairs
    not_before: dt.datetime
    not_after: dt.datetime
    days_left: int  # negative once expired
    demo: bool
    fingerprint: str

    @property
    def expired(self) -> bool:
        return self.days_left < 0

    @property
    def expires_soon(self) -> bool:
        return self.days_left <= EXPIRY_WARNING_DAYS


def describe(agency: AgencyCertificate, now: dt.datetime | None = None) -> CertificateFacts:
    certificate = agency.certificate
    now = now or dt.datetime.now(dt.UTC)
    serial = f"{certificate.serial_number:x}"
    serial = serial.rjust(len(serial) + len(serial) % 2, "0")
    return CertificateFacts(
        subject=certificate.subject.rfc4514_string(), issuer=certificate.issuer.rfc4514_string(),
        serial=":".join(serial[i:i + 2] for i in range(0, len(serial), 2)).upper(),
        not_before=certificate.not_valid_before_utc, not_after=certificate.not_valid_after_utc,
        days_left=(certificate.not_valid_after_utc - now).days if certificate.not_valid_after_utc > now
        else -1 - (now - certificate.not_valid_after_utc).days,
        demo=agency.demo, fingerprint=agency.fingerprint,
    )


def expiry_warning(settings: Settings | None = None) -> CertificateFacts | None:
    """The agency certificate when it expires within :data:`EXPIRY_WARNING_DAYS` or has
    expired; None otherwise, and when none is configured or it cannot be read."""
    try:
        agency = agency_certificate(settings)
    except ConfigError:
        return None
    if agency is None:
        return None
    facts = describe(agency)
    return facts if facts.expires_soon else None


def demo_paths(data_dir: Path) -> tuple[Path, Path, Path]:
    folder = data_dir / DEMO_FOLDER
    return folder / DEMO_P12, folder / DEMO_PASSWORD_FILE, folder / DEMO_CA


def load_demo_ca(data_dir: Path) -> tuple[x509.Certificate, rsa.RSAPrivateKey] | None:
    """The demo CA's certificate and key (kept 0600 beside it), to issue the demo's other
    certificates and its revocation list; None when no demo CA was made here."""
    folder = data_dir / DEMO_FOLDER
    cert_path, key_path = folder / DEMO_CA, folder / DEMO_CA_KEY
    if not (cert_path.exists() and key_path.exists()):
        return None
    certificate = x509.load_pem_x509_certificate(cert_path.read_bytes())
    key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ConfigError(f"{key_path}: not an RSA key")
    return certificate, key


def _is_ca(certificate: x509.Certificate) -> bool:
    try:
        return bool(certificate.extensions.get_extension_for_class(x509.BasicConstraints).value.ca)
    except x509.ExtensionNotFound:
        return certificate.subject == certificate.issuer


def load_p12(path: Path, password: str | None, *, demo: bool = False,
             extra_trust: Path | None = None) -> AgencyCertificate:
    """Open a PKCS#12 file; a wrong file or password is a ConfigError naming the setting."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"QMS_SIGNING_P12: cannot read {path}: {exc.strerror}") from None
    try:
        key, certificate, others = pkcs12.load_key_and_certificates(
            data, password.encode("utf-8") if password else None)
    except ValueError:
        raise ConfigError(f"QMS_SIGNING_P12_PASSWORD: does not open {path} "
                          "(wrong password, or not a PKCS#12 file)") from None
    if key is None or certificate is None:
        raise ConfigError(f"QMS_SIGNING_P12: {path} holds no private key with its certificate")
    chain = tuple(others or ())
    roots = [cert for cert in chain if _is_ca(cert)]
    if extra_trust is not None:
        try:
            roots += x509.load_pem_x509_certificates(extra_trust.read_bytes())
        except (OSError, ValueError):
            raise ConfigError(f"QMS_SIGNING_CA: {extra_trust} is not a readable PEM certificate file"
                              ) from None
    if not roots:
        raise ConfigError("QMS_SIGNING_CA: the PKCS#12 file carries no CA certificate; "
                          "name the issuing CA's PEM file in QMS_SIGNING_CA")
    return AgencyCertificate(key=key, certificate=certificate, chain=chain, trust_roots=tuple(roots),
                             demo=demo, source=path)


_lock = threading.Lock()
_cache: dict[tuple[str, float], AgencyCertificate] = {}


def configure(settings: Settings) -> None:
    """Sign with the certificate of ``settings`` from now on: they become the process's
    (:func:`qms.core.config.use`) and the certificates loaded before are forgotten."""
    config.use(settings)
    with _lock:
        _cache.clear()


def load_token_certificate(settings: Settings) -> AgencyCertificate:
    """The agency's key on a PKCS#11 token (QMS_SIGNING_PKCS11_*): its certificate and chain
    from QMS_SIGNING_PKCS11_CERT, the CAs to trust from there and QMS_SIGNING_CA."""
    if settings.signing_pkcs11_cert is None or not settings.signing_pkcs11_key:
        raise ConfigError("QMS_SIGNING_PKCS11_MODULE needs QMS_SIGNING_PKCS11_CERT (the certificate, PEM) "
                          "and QMS_SIGNING_PKCS11_KEY (the key's label on the token)")
    try:
        certificate, *chain = x509.load_pem_x509_certificates(settings.signing_pkcs11_cert.read_bytes())
    except (OSError, ValueError):
        raise ConfigError(f"QMS_SIGNING_PKCS11_CERT: {settings.signing_pkcs11_cert} is not a readable PEM "
                          "certificate file") from None
    roots = [cert for cert in chain if _is_ca(cert)]
    if settings.signing_ca is not None:
        try:
            roots += x509.load_pem_x509_certificates(settings.signing_ca.read_bytes())
        except (OSError, ValueError):
            raise ConfigError(f"QMS_SIGNING_CA: {settings.signing_ca} is not a readable PEM certificate file"
                              ) from None
    if not roots:
        raise ConfigError("QMS_SIGNING_CA: name the CA that issued the token's certificate")
    assert settings.signing_pkcs11_module is not None
    token = TokenKey(settings.signing_pkcs11_module, settings.signing_pkcs11_token,
                     settings.signing_pkcs11_key, settings.signing_pkcs11_pin)
    return AgencyCertificate(key=None, certificate=certificate, chain=tuple(chain), trust_roots=tuple(roots),
                             demo=False, source=settings.signing_pkcs11_cert, token=token)


def agency_certificate(settings: Settings | None = None) -> AgencyCertificate | None:
    """The configured certificate (a token's, or a PKCS#12 file's), else the demo one in the
    data folder, else None; by default that of the settings an app or command runs with."""
    settings = settings or config.chosen()
    if settings is None:
        return None
    if settings.signing_pkcs11_module is not None:
        return load_token_certificate(settings)
    if settings.signing_p12 is not None:
        path, password, demo = settings.signing_p12, settings.signing_p12_password, False
    else:
        path, password_file, _ca = demo_paths(settings.data_dir)
        if not path.exists() or not password_file.exists():
            return None
        password, demo = password_file.read_text(encoding="ascii").strip(), True
    try:
        key = (str(path.resolve()), path.stat().st_mtime)
    except OSError as exc:
        raise ConfigError(f"QMS_SIGNING_P12: cannot read {path}: {exc.strerror}") from None
    with _lock:
        if key not in _cache:
            _cache[key] = load_p12(path, password, demo=demo, extra_trust=settings.signing_ca)
        return _cache[key]


def _name(common_name: str, organisation: str) -> x509.Name:
    return x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation[:64]),
        x509.NameAttribute(NameOID.COMMON_NAME, common_name[:64]),
    ])


def _key_usage(*, certify: bool) -> x509.KeyUsage:
    """A CA certifies; the agency's certificate signs documents (with non-repudiation)."""
    return x509.KeyUsage(digital_signature=not certify, content_commitment=not certify,
                         key_encipherment=False, data_encipherment=False, key_agreement=False,
                         key_cert_sign=certify, crl_sign=certify, encipher_only=False, decipher_only=False)


def crl_url(base_url: str) -> str:
    return base_url.rstrip("/") + CRL_PATH


def _crl_distribution_point(url: str) -> x509.CRLDistributionPoints:
    return x509.CRLDistributionPoints([x509.DistributionPoint(
        full_name=[x509.UniformResourceIdentifier(url)], relative_name=None, reasons=None, crl_issuer=None)])


def demo_crl(data_dir: Path, now: dt.datetime | None = None) -> bytes | None:
    """The demo CA's revocation list (DER), kept in the data folder and issued again when it
    is a day from its next update; None when no demo CA was made here. Revoked entries of the
    previous list are carried over."""
    loaded = load_demo_ca(data_dir)
    if loaded is None:
        return None
    ca_cert, ca_key = loaded
    path = data_dir / DEMO_FOLDER / DEMO_CRL
    now = now or dt.datetime.now(dt.UTC)
    previous: x509.CertificateRevocationList | None = None
    if path.exists():
        try:
            previous = x509.load_der_x509_crl(path.read_bytes())
        except ValueError:
            previous = None
        if (previous is not None and previous.next_update_utc is not None
                and previous.next_update_utc - now > CRL_RENEW
                and isinstance(ca_public := ca_cert.public_key(), rsa.RSAPublicKey)
                and previous.is_signature_valid(ca_public)):
            return path.read_bytes()
    builder = (
        x509.CertificateRevocationListBuilder().issuer_name(ca_cert.subject)
        .last_update(now - dt.timedelta(minutes=5)).next_update(now + dt.timedelta(days=CRL_DAYS))
        .add_extension(x509.CRLNumber(int(now.timestamp())), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
                       critical=False)
    )
    for revoked in previous or ():
        builder = builder.add_revoked_certificate(revoked)
    data = builder.sign(ca_key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)
    _write_private(path, data)
    return data


def held_crls(settings: Settings) -> tuple[bytes, ...]:
    """The revocation lists this installation holds, to embed in what it signs."""
    crl = demo_crl(settings.data_dir)
    return (crl,) if crl is not None else ()


def create_demo_certificate(data_dir: Path, agency_name: str,
                            crl_at: str | None = None) -> tuple[Path, bool]:
    """A demo CA and an agency certificate it issued, once; (path of the .p12, created now).
    ``crl_at``: the URL of the CA's revocation list, named in the agency certificate."""
    p12_path, password_path, ca_path = demo_paths(data_dir)
    if p12_path.exists() and password_path.exists() and (ca_path.parent / DEMO_CA_KEY).exists():
        return p12_path, False
    private_dir(p12_path.parent)
    private_dir(ca_path.parent)
    now = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)
    organisation = agency_name or "qms demo"
    ca_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ca_name = _name("qms demo CA (not legally valid)", organisation)
    ca_cert = (
        x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name)
        .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now).not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(certify=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    agency_cert = _signing_certificate(_name(organisation, organisation), key, ca_cert, ca_key, now,
                                       days=3 * 365, crl_at=crl_at)
    password = secrets.token_urlsafe(18)
    bundle = pkcs12.serialize_key_and_certificates(
        b"agency", key, agency_cert, [ca_cert],
        serialization.BestAvailableEncryption(password.encode("ascii")))
    _write_private(password_path, password.encode("ascii"))
    _write_private(p12_path, bundle)
    _write_private(ca_path.parent / DEMO_CA_KEY, ca_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    _write_private(ca_path, ca_cert.public_bytes(serialization.Encoding.PEM))
    with _lock:
        _cache.clear()
    return p12_path, True


def _signing_certificate(subject: x509.Name, key: rsa.RSAPrivateKey, ca_cert: x509.Certificate,
                         ca_key: rsa.RSAPrivateKey, now: dt.datetime, *, days: int,
                         crl_at: str | None) -> x509.Certificate:
    """A certificate of the demo CA that signs documents (the agency's or a person's)."""
    builder = (
        x509.CertificateBuilder().subject_name(subject).issuer_name(ca_cert.subject)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now).not_valid_after(now + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(certify=False), critical=True)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
                       critical=False)
    )
    if crl_at:
        builder = builder.add_extension(_crl_distribution_point(crl_at), critical=False)
    return builder.sign(ca_key, hashes.SHA256())


def issue_demo_person_certificate(
    data_dir: Path, full_name: str, organisation: str, crl_at: str | None = None,
) -> tuple[rsa.RSAPrivateKey, x509.Certificate, x509.Certificate] | None:
    """A signing certificate for one person from the demo CA (key, certificate, CA), valid two
    years; None when no demo CA was made here."""
    loaded = load_demo_ca(data_dir)
    if loaded is None:
        return None
    ca_cert, ca_key = loaded
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)
    subject = _name(full_name, organisation or "qms demo")
    certificate = _signing_certificate(subject, key, ca_cert, ca_key, now, days=2 * 365, crl_at=crl_at)
    return key, certificate, ca_cert


def _write_private(path: Path, data: bytes) -> None:
    draft = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.replace(draft, path)


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()

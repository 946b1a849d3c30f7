"""The agency's key on a PKCS#11 token (SoftHSM2 here): generated on the token, marked
sensitive and not extractable, and records are signed with it there."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pkcs11
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from pkcs11 import Attribute, KeyType, ObjectClass

from qms.core.config import ConfigError
from qms.records import certificates
from qms.records.signing import validate

from .conftest import app_settings, publish_rich
from .test_signing import SIGNED

MODULE = Path("/usr/lib/softhsm/libsofthsm2.so")
TOKEN, PIN, KEY = "qms-thu-nghiem", "246810", "khoa-co-quan"


@pytest.fixture(scope="module")
def token(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A SoftHSM2 token holding an RSA key made on it; yields its folder. One per test module:
    the PKCS#11 library reads its configuration once per process."""
    folder = tmp_path_factory.mktemp("softhsm")
    (folder / "tokens").mkdir()
    conf = folder / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {folder / 'tokens'}\n"
                    "objectstore.backend = file\nlog.level = ERROR\n")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOFTHSM2_CONF", str(conf))
        subprocess.run(["softhsm2-util", "--init-token", "--free", "--label", TOKEN, "--pin", PIN,
                        "--so-pin", "13579111"], check=True, capture_output=True, env=os.environ.copy())
        yield folder


def _public_key_on_token() -> rsa.RSAPublicKey:
    """Make the key pair on the token (private half sensitive, not extractable) once."""
    token = pkcs11.lib(str(MODULE)).get_token(token_label=TOKEN)
    with token.open(user_pin=PIN, rw=True) as session:
        found = list(session.get_objects({Attribute.CLASS: ObjectClass.PUBLIC_KEY, Attribute.LABEL: KEY}))
        if found:
            public = found[0]
        else:
            public, _private = session.generate_keypair(
                KeyType.RSA, 2048, store=True, label=KEY,
                private_template={Attribute.SENSITIVE: True, Attribute.EXTRACTABLE: False})
        numbers = rsa.RSAPublicNumbers(int.from_bytes(public[Attribute.PUBLIC_EXPONENT], "big"),
                                       int.from_bytes(public[Attribute.MODULUS], "big"))
        return numbers.public_key()


def _private_key_attributes() -> tuple[bool, bool]:
    token = pkcs11.lib(str(MODULE)).get_token(token_label=TOKEN)
    with token.open(user_pin=PIN) as session:
        private = session.get_key(ObjectClass.PRIVATE_KEY, label=KEY)
        return bool(private[Attribute.SENSITIVE]), bool(private[Attribute.EXTRACTABLE])


def _token_settings(settings, token: Path, data_dir: Path):  # type: ignore[no-untyped-def]
    """The demo CA certifies the token's public key; the settings name the token."""
    certificates.create_demo_certificate(data_dir, "Sở Nội vụ tỉnh Ninh Bình")
    ca = certificates.load_demo_ca(data_dir)
    assert ca is not None
    ca_cert, ca_key = ca
    now = dt.datetime.now(dt.UTC)
    name = x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
                      x509.NameAttribute(NameOID.COMMON_NAME, "Sở Nội vụ tỉnh Ninh Bình (token)")])
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(ca_cert.subject)
            .public_key(_public_key_on_token()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5)).not_valid_after(now + dt.timedelta(days=365))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(
                digital_signature=True, content_commitment=True, key_encipherment=False,
                data_encipherment=False, key_agreement=False, key_cert_sign=False, crl_sign=False,
                encipher_only=False, decipher_only=False), critical=True)
            .sign(ca_key, hashes.SHA256()))
    pem = token / "agency.pem"
    pem.write_bytes(b"".join(c.public_bytes(serialization.Encoding.PEM) for c in (cert, ca_cert)))
    return settings.model_copy(update={
        "data_dir": data_dir, "signing_pkcs11_module": MODULE, "signing_pkcs11_token": TOKEN,
        "signing_pkcs11_key": KEY, "signing_pkcs11_pin": PIN, "signing_pkcs11_cert": pem})


def test_a_record_is_signed_with_a_key_that_never_leaves_its_token(api, app, settings, token, tmp_path):
    with app_settings(app, _token_settings(settings, token, tmp_path / "data")) as on_token:
        agency = certificates.agency_certificate(on_token)
        assert agency is not None and agency.key is None and agency.token is not None, "no key in memory"
        publish_rich(api, steps=2)
        data = api.get("iso", SIGNED).content

    verdict = validate(data, agency.trust_roots)
    assert verdict.ok, verdict
    assert verdict.signers == ("Sở Nội vụ tỉnh Ninh Bình (token)",)
    assert _private_key_attributes() == (True, False), "sensitive, and never extractable"


def test_a_token_setting_without_its_certificate_is_refused_by_name(settings, token):
    incomplete = settings.model_copy(update={"signing_pkcs11_module": MODULE, "signing_pkcs11_key": KEY,
                                             "signing_pkcs11_cert": None})
    with pytest.raises(ConfigError, match="QMS_SIGNING_PKCS11_CERT"):
        certificates.agency_certificate(incomplete)

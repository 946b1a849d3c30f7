"""A person's own signing certificate: uploaded as PKCS#12, refused with the reason when it
cannot sign for the agency, and kept so that only its owner's password opens the key."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from sqlmodel import Session
from support import PASSWORD, api_headers, login, post_form

from qms.accounts import key_wrap, users
from qms.records import certificates, personal_certificates
from qms.records.models import PersonalCertificate
from tests.records.conftest import audit_events

P12_PASSWORD = "mat-khau-tep"
NOW = dt.datetime.now(dt.UTC)


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
                      x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _ca(common_name: str = "CA khác") -> tuple[x509.Certificate, rsa.RSAPrivateKey]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    cert = (x509.CertificateBuilder().subject_name(_name(common_name)).issuer_name(_name(common_name))
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(NOW - dt.timedelta(days=1)).not_valid_after(NOW + dt.timedelta(days=365))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .sign(key, hashes.SHA256()))
    return cert, key


def person_p12(ca: tuple[x509.Certificate, rsa.RSAPrivateKey], *, name: str = "Đặng Văn Bình",
               not_before: dt.datetime | None = None, not_after: dt.datetime | None = None,
               signs: bool = True, is_ca: bool = False, password: str = P12_PASSWORD) -> bytes:
    ca_cert, ca_key = ca
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    usage = x509.KeyUsage(digital_signature=signs, content_commitment=signs, key_encipherment=not signs,
                          data_encipherment=False, key_agreement=False, key_cert_sign=False, crl_sign=False,
                          encipher_only=False, decipher_only=False)
    cert = (x509.CertificateBuilder().subject_name(_name(name)).issuer_name(ca_cert.subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(not_before or NOW - dt.timedelta(days=1))
            .not_valid_after(not_after or NOW + dt.timedelta(days=365))
            .add_extension(x509.BasicConstraints(ca=is_ca, path_length=None), critical=True)
            .add_extension(usage, critical=True)
            .sign(ca_key, hashes.SHA256()))
    return pkcs12.serialize_key_and_certificates(
        b"person", key, cert, [ca_cert], serialization.BestAvailableEncryption(password.encode()))


@pytest.fixture
def agency_ca(demo_signing) -> tuple[x509.Certificate, rsa.RSAPrivateKey]:
    """The demo CA that the agency certificate of ``demo_signing`` chains to."""
    loaded = certificates.load_demo_ca(Path(demo_signing.source).parent.parent)
    assert loaded is not None
    return loaded


def _upload(client, headers, data: bytes, password: str = P12_PASSWORD):
    return client.post("/api/v1/me/certificate", headers=headers,
                       files={"file": ("chu-ky.p12", data, "application/x-pkcs12")},
                       data={"password": password})


def test_a_person_uploads_their_certificate_and_reads_it_back(client, people, agency_ca, engine):
    headers = api_headers(client, "giamdoc")
    assert client.get("/api/v1/me/certificate", headers=headers).status_code == 404

    response = _upload(client, headers, person_p12(agency_ca))

    assert response.status_code == 201, response.text
    body = response.json()
    assert "CN=Đặng Văn Bình" in body["subject"] and "qms demo CA" in body["issuer"]
    assert body["usable"] is True
    assert client.get("/api/v1/me/certificate", headers=headers).json() == body
    assert audit_events(engine, "user.certificate_upload")[-1]["object"] == "giamdoc"


@pytest.mark.parametrize(("case", "field", "reason"), [
    ("expired", "file", "hết hạn"),
    ("not yet valid", "file", "chưa có hiệu lực"),
    ("another CA", "file", "không do tổ chức chứng thực"),
    ("no signing usage", "file", "không dùng để ký"),
    ("a CA certificate", "file", "tổ chức chứng thực"),
    ("wrong password", "password", "không mở được"),
    ("not a PKCS#12 file", "password", "không mở được"),
    ("empty", "file", "Chọn tệp"),
])
def test_a_certificate_that_cannot_sign_for_the_agency_is_refused_with_the_reason(
        client, people, agency_ca, case, field, reason):
    headers = api_headers(client, "giamdoc")
    files = {
        "expired": lambda: person_p12(agency_ca, not_before=NOW - dt.timedelta(days=400),
                                      not_after=NOW - dt.timedelta(days=2)),
        "not yet valid": lambda: person_p12(agency_ca, not_before=NOW + dt.timedelta(days=3)),
        "another CA": lambda: person_p12(_ca()),
        "no signing usage": lambda: person_p12(agency_ca, signs=False),
        "a CA certificate": lambda: person_p12(agency_ca, is_ca=True),
        "wrong password": lambda: person_p12(agency_ca, password="mot-mat-khau-khac"),
        "not a PKCS#12 file": lambda: b"%PDF-1.7 not a certificate",
        "empty": lambda: b"",
    }
    response = _upload(client, headers, files[case]())

    assert response.status_code == 422, response.text
    body = response.json()
    assert body["field"] == field
    assert reason in body["detail"], body["detail"]
    assert client.get("/api/v1/me/certificate", headers=headers).status_code == 404, "nothing kept"


def test_the_key_opens_with_its_owners_password_only(client, people, agency_ca, db: Session):
    data = person_p12(agency_ca)
    assert _upload(client, api_headers(client, "giamdoc"), data).status_code == 201
    user_id = people["giamdoc"].id
    record = db.get(PersonalCertificate, user_id)
    assert record is not None

    unlocked = personal_certificates.unlock(db, user_id, PASSWORD)
    assert unlocked is not None
    assert unlocked.subject_name == "Đặng Văn Bình"
    public = serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    assert (unlocked.key.public_key().public_bytes(*public)
            == unlocked.certificate.public_key().public_bytes(*public))
    key_der = unlocked.key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                         serialization.NoEncryption())
    assert key_der not in record.sealed_key, "what the database holds is sealed"
    assert personal_certificates.unlock(db, user_id, "khong-phai-mat-khau") is None
    assert personal_certificates.unlock(db, people["phogiamdoc"].id, PASSWORD) is None, "not hers"


def test_a_password_reset_by_an_administrator_locks_the_key_for_good(client, people, make, agency_ca, db):
    assert _upload(client, api_headers(client, "giamdoc"), person_p12(agency_ca)).status_code == 201
    admin = make.user("quantri", "admin", full_name="Nguyễn Quản Trị")
    temporary = users.reset_password(db, admin, "giamdoc")
    db.commit()

    user_id = people["giamdoc"].id
    assert personal_certificates.unlock(db, user_id, temporary) is None
    # Whoever knew the temporary password chooses the next one: the old key stays locked.
    headers = api_headers(client, "giamdoc", temporary)
    changed = client.post("/api/v1/me/password", headers=headers,
                          json={"current_password": temporary, "new_password": "Ngay-Moi-2026!"})
    assert changed.status_code == 204
    assert personal_certificates.unlock(db, user_id, "Ngay-Moi-2026!") is None
    headers = api_headers(client, "giamdoc", "Ngay-Moi-2026!")
    assert client.get("/api/v1/me/certificate", headers=headers).json()["usable"] is False

    assert _upload(client, headers, person_p12(agency_ca)).status_code == 201, "uploaded again, it works"
    db.rollback()  # a new read: the requests committed after this session last read
    assert personal_certificates.unlock(db, user_id, "Ngay-Moi-2026!") is not None


def test_changing_ones_own_password_keeps_the_key(client, people, agency_ca, db):
    headers = api_headers(client, "giamdoc")
    assert _upload(client, headers, person_p12(agency_ca)).status_code == 201
    changed = client.post("/api/v1/me/password", headers=headers,
                          json={"current_password": PASSWORD, "new_password": "Doi-Mat-Khau-9x"})
    assert changed.status_code == 204
    db.rollback()  # a new read: the requests committed after this session last read
    user_id = people["giamdoc"].id
    assert personal_certificates.unlock(db, user_id, "Doi-Mat-Khau-9x") is not None
    assert personal_certificates.unlock(db, user_id, PASSWORD) is None


def test_only_a_password_of_ones_own_makes_the_wrapping_key(client, people, make, db):
    """Signing in makes the key that seals a person's certificate, unless the password was set
    by an administrator, who knows it."""
    api_headers(client, "nhanvien")
    assert db.get(key_wrap.WrapKey, people["nhanvien"].id) is not None

    admin = make.user("quantri", "admin", full_name="Nguyễn Quản Trị")
    temporary = users.reset_password(db, admin, "xemxet")
    db.commit()
    client.post("/api/v1/auth/token", json={"username": "xemxet", "password": temporary})
    db.rollback()  # a new read: the requests committed after this session last read
    assert db.get(key_wrap.WrapKey, people["xemxet"].id) is None


def test_the_page_uploads_shows_and_removes_the_certificate(client, people, agency_ca):
    login(client, "giamdoc")
    page = client.get("/account/certificate")
    assert page.status_code == 200 and "Bạn chưa tải lên chứng thư số" in page.text

    p12 = {"file": ("a.p12", person_p12(agency_ca), "application/x-pkcs12")}
    refused = client.post("/account/certificate", files=p12,
                          data={"password": "sai", "csrf_token": client.cookies.get("qms_csrf")})
    assert refused.status_code == 422
    assert 'id="cert-password-error"' in refused.text and "không mở được" in refused.text

    saved = client.post("/account/certificate", files=p12,
                        data={"password": P12_PASSWORD, "csrf_token": client.cookies.get("qms_csrf")},
                        follow_redirects=True)
    assert saved.status_code == 200
    assert "Đặng Văn Bình" in saved.text and "qms demo CA" in saved.text

    removed = post_form(client, "/account/certificate/remove")
    assert removed.status_code == 303
    assert "Bạn chưa tải lên chứng thư số" in client.get("/account/certificate").text


def test_the_demo_gives_its_approvers_and_a_reviewer_certificates_of_their_own(
        db, people, demo_signing, settings):
    demo_settings = settings.model_copy(update={"data_dir": Path(demo_signing.source).parent.parent})
    wanted = ["giamdoc", "phogiamdoc", "xemxet", "khong-co-ai"]
    given = personal_certificates.give_demo_certificates(db, demo_settings, wanted, PASSWORD)
    db.commit()
    assert sorted(given) == ["giamdoc", "phogiamdoc", "xemxet"]

    unlocked = personal_certificates.unlock(db, people["phogiamdoc"].id, PASSWORD)
    assert unlocked is not None and unlocked.subject_name == "Hoàng Thị Mai"
    assert unlocked.certificate.issuer == demo_signing.certificate.issuer, "the agency's CA issued it"
    assert personal_certificates.give_demo_certificates(db, demo_settings, wanted, PASSWORD) == [], "once"


def test_a_password_the_policy_sends_to_be_changed_keeps_the_key_when_changed(client, people, agency_ca, db):
    """Flagged at sign-in as too weak for today's policy, the password is still the person's
    own: choosing another re-seals the key; only an administrator's reset locks it."""
    headers = api_headers(client, "giamdoc")
    assert _upload(client, headers, person_p12(agency_ca)).status_code == 201
    user = db.get(users.User, people["giamdoc"].id)
    user.must_change_password = True
    db.commit()
    changed = client.post("/api/v1/me/password", headers=headers,
                          json={"current_password": PASSWORD, "new_password": "Chon-Lai-2026x"})
    assert changed.status_code == 204
    db.rollback()
    assert personal_certificates.unlock(db, people["giamdoc"].id, "Chon-Lai-2026x") is not None

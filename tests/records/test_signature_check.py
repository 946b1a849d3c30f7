"""The public check of a signed PDF lists every signature (who, when, which revision of the
file it covers, intact, trusted) and the status of the document; the agency's CA is published
for anyone to validate a record offline; the administrator sees the agency certificate and is
warned before it expires."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path
from zoneinfo import ZoneInfo

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from support import login, post_form

from qms.records import certificates
from qms.records.signing import _asn1_cert, off_event_loop, sign_pdf

from .conftest import app_settings, publish_rich

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")


def _text(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.text).split())


def _check(client, data: bytes, name: str = "QT-01.pdf"):
    client.get("/verify")
    response = post_form(client, "/verify", files={"file": (name, data, "application/pdf")})
    assert response.status_code == 200, response.text
    return _text(response)


def _signed(api) -> bytes:
    publish_rich(api, steps=2)
    response = api.get("iso", "/api/v1/documents/QT-01/versions/1/signed.pdf")
    assert response.status_code == 200, response.text
    return response.content


def test_the_agency_ca_is_published_and_validates_a_signed_record(api, client, demo_signing):
    data = _signed(api)
    client.cookies.clear()
    response = client.get("/api/v1/agency/ca.pem")  # nobody signed in
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/x-pem-file")
    roots = x509.load_pem_x509_certificates(response.content)
    assert [root.subject for root in roots] == [demo_signing.certificate.issuer]

    embedded = PdfFileReader(io.BytesIO(data)).embedded_signatures[0]
    context = ValidationContext(trust_roots=[_asn1_cert(root) for root in roots], allow_fetching=False)
    status = off_event_loop(lambda: validate_pdf_signature(embedded, context))
    assert status.intact and status.valid and status.trusted


def test_the_published_ca_adds_the_configured_ca_file(app, client, settings, tmp_path):
    path, password = _certificate_expiring_in(tmp_path / "p12", 400)
    other = certificates.load_demo_ca(_demo_folder(tmp_path / "other"))[0]
    ca_file = tmp_path / "ca.pem"
    ca_file.write_bytes(other.public_bytes(serialization.Encoding.PEM))
    configured = _signing_with(settings, path, password).model_copy(update={"signing_ca": ca_file})
    with app_settings(app, configured):
        roots = x509.load_pem_x509_certificates(client.get("/api/v1/agency/ca.pem").content)
    names = [root.subject.rfc4514_string() for root in roots]
    assert names == ["CN=CA thử nghiệm", other.subject.rfc4514_string()]


def _demo_folder(folder: Path) -> Path:
    certificates.create_demo_certificate(folder, "Cơ quan khác")
    return folder


def test_without_a_certificate_there_is_no_ca_to_publish(app, client, settings, tmp_path):
    response = client.get("/api/v1/agency/ca.pem")
    assert response.status_code == 404 and response.json()["detail"]
    path, _password = _certificate_expiring_in(tmp_path / "p12", 400)
    with app_settings(app, _signing_with(settings, path, "not-its-password")):
        assert client.get("/api/v1/agency/ca.pem").status_code == 404


def test_a_signed_record_shows_its_signature_intact_and_trusted(api, client, demo_signing):
    text = _check(client, _signed(api))
    assert "Chữ ký 1 trên 1" in text
    assert "Sở Nội vụ tỉnh Ninh Bình" in text
    assert "phủ toàn bộ tệp" in text
    assert "nguyên vẹn: nội dung đã ký không bị thay đổi" in text
    assert "tin cậy: được cấp bởi tổ chức chứng thực của cơ quan" in text
    assert "Đang có hiệu lực" in text
    assert re.search(r"Thời gian ký \d\d/\d\d/\d{4} \d\d:\d\d", text)


def test_a_changed_byte_shows_the_signature_not_intact(api, client, demo_signing):
    data = bytearray(_signed(api))
    data[len(data) // 3] ^= 0x01
    text = _check(client, bytes(data))
    assert "không nguyên vẹn: nội dung đã ký đã bị thay đổi" in text
    assert "Không phải tài liệu hợp lệ do cơ quan ban hành" in text


def test_an_unsigned_pdf_says_it_carries_no_signature(api, client, demo_signing):
    publish_rich(api, steps=2)
    plain = api.get("iso", "/api/v1/documents/QT-01/versions/1/record.pdf").content
    text = _check(client, plain)
    assert "Tệp không có chữ ký số" in text
    assert "Chữ ký 1" not in text
    # the record names its code and revision: the page still tells whether it is in force
    assert "QT-01" in text and "Đang có hiệu lực" in text


def test_a_file_that_is_not_a_pdf_is_refused_with_the_reason(client, demo_signing):
    client.get("/verify")
    upload = ("bao-cao.docx", b"PK\x03\x04 word", "application/msword")
    response = post_form(client, "/verify", files={"file": upload})
    assert response.status_code == 415
    assert "Tệp bao-cao.docx không phải là tệp PDF" in _text(response)


def test_a_file_changed_after_signing_shows_which_revision_the_signature_covers(api, client, demo_signing):
    data = _signed(api)
    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    page = writer.root["/Pages"]["/Kids"][0].get_object()
    page["/Rotate"] = generic.NumberObject(90)
    writer.update_container(page)
    out = io.BytesIO()
    writer.write(out)
    text = _check(client, out.getvalue())
    assert "Chữ ký 1 trên 1" in text
    assert "phủ bản trước: tệp đã bị sửa sau khi ký" in text
    assert "Cơ quan đã ban hành tệp này, nhưng tệp đã bị bổ sung sau khi ban hành" in text
    assert "Không phải tài liệu hợp lệ do cơ quan ban hành" in text


def test_a_second_signature_lists_both_in_order_and_the_foreign_one_untrusted(api, client, demo_signing,
                                                                             tmp_path):
    data = _signed(api)
    certificates.create_demo_certificate(tmp_path / "other", "Công ty Giả mạo")
    _p12, password_file, _ca = certificates.demo_paths(tmp_path / "other")
    other = certificates.load_p12(_p12, password_file.read_text().strip())
    foreign = sign_pdf(data, other, box=None, signed_at=dt.datetime.now(dt.UTC), zone=ZONE, reason="",
                       location="", field_name="ChuKyKhac")
    text = _check(client, foreign)
    first, second = text.index("Chữ ký 1 trên 2"), text.index("Chữ ký 2 trên 2")
    assert first < second
    assert "chỉ bổ sung chữ ký hoặc dữ liệu kiểm tra" in text[first:second]
    assert "Công ty Giả mạo" in text[second:]
    assert "không tin cậy" in text[second:]


def test_signatures_beyond_the_limit_are_said_unchecked(api, client, demo_signing, monkeypatch):
    from qms.records import signature_report

    data = _signed(api)
    second = sign_pdf(data, demo_signing, box=None, signed_at=dt.datetime.now(dt.UTC), zone=ZONE, reason="",
                      location="", field_name="ChuKyHai")
    monkeypatch.setattr(signature_report, "MAX_SIGNATURES", 1)
    text = _check(client, second)
    assert "Chữ ký 2 trên 2 Chưa kiểm tra" in text
    assert "Không phải tài liệu hợp lệ do cơ quan ban hành" in text


def test_a_superseded_revision_is_said_superseded(api, client, demo_signing):
    data = _signed(api)
    assert api.post("iso", "/api/v1/documents/QT-01/versions").status_code == 201
    api.fill("QT-01", 2)
    api.publish("QT-01", 2)
    text = _check(client, data)
    assert "Đã bị thay thế — không sử dụng." in text and "Đã được thay thế bằng lần ban hành 02" in text


def _certificate_expiring_in(folder: Path, days: int) -> tuple[Path, str]:
    folder.mkdir(parents=True, exist_ok=True)
    now = dt.datetime.now(dt.UTC)
    ca_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "CA thử nghiệm")])
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
          .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=700))
          .not_valid_after(now + dt.timedelta(days=3650))
          .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
          .sign(ca_key, hashes.SHA256()))
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Sở Nội vụ tỉnh Ninh Bình"),
                      x509.NameAttribute(NameOID.COMMON_NAME, "Sở Nội vụ tỉnh Ninh Bình")])
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(ca_name).public_key(key.public_key())
            .serial_number(0x1A2B3C).not_valid_before(now - dt.timedelta(days=700))
            .not_valid_after(now + dt.timedelta(days=days, hours=1))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .sign(ca_key, hashes.SHA256()))
    path = folder / "agency.p12"
    path.write_bytes(pkcs12.serialize_key_and_certificates(
        b"agency", key, cert, [ca], serialization.BestAvailableEncryption(b"mat-khau-p12")))
    return path, "mat-khau-p12"


def _signing_with(settings, path: Path, password: str):
    return settings.model_copy(update={"signing_p12": path, "signing_p12_password": password})


def test_the_administrator_sees_the_certificate_and_is_warned_30_days_before_it_expires(
        app, client, make, settings, tmp_path):
    make.user("quantri", "admin", unit="VP", full_name="Trần Quản Trị")
    path, password = _certificate_expiring_in(tmp_path / "p12", 30)
    replacement = settings.model_copy(update={"signing_p12": path, "signing_p12_password": password})
    with app_settings(app, replacement):
        login(client, "quantri")
        home = _text(client.get("/"))
        assert "Chứng thư số của cơ quan hết hạn vào ngày" in home and "Còn 30 ngày" in home
        page = client.get("/admin/certificate")
        assert page.status_code == 200
        text = _text(page)
        assert "CN=Sở Nội vụ tỉnh Ninh Bình" in text and "CN=CA thử nghiệm" in text
        assert "1A:2B:3C" in text
        assert "Chứng thư số này hết hạn sau 30 ngày" in text
        valid_until = (dt.datetime.now(dt.UTC) + dt.timedelta(days=30, hours=1)).astimezone(settings.zone)
        assert valid_until.strftime("%d/%m/%Y") in text


def test_no_warning_while_the_certificate_has_long_to_run_and_an_expired_one_is_said_expired(
        app, client, make, settings, tmp_path, demo_signing):
    make.user("quantri", "admin", unit="VP", full_name="Trần Quản Trị")
    login(client, "quantri")
    assert "Chứng thư số của cơ quan" not in _text(client.get("/"))
    path, password = _certificate_expiring_in(tmp_path / "old", -3)
    with app_settings(app, _signing_with(settings, path, password)):
        assert "Chứng thư số của cơ quan đã hết hạn vào ngày" in _text(client.get("/"))
        assert "Chứng thư số này đã hết hạn" in _text(client.get("/admin/certificate"))


def test_staff_do_not_see_the_certificate_warning(app, client, make, settings, tmp_path):
    make.user("nhanvien", "staff", unit="VP")
    path, password = _certificate_expiring_in(tmp_path / "p12", 10)
    with app_settings(app, _signing_with(settings, path, password)):
        login(client, "nhanvien")
        assert "Chứng thư số của cơ quan" not in _text(client.get("/"))
        assert client.get("/admin/certificate").status_code == 403

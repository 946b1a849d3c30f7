"""Time and offline validation: with QMS_TSA_URL each signature of a record carries an RFC 3161
timestamp token; the signed revision embeds the chain and the demo CA's revocation list (DSS),
so the file validates with the network off; an unreachable authority leaves the record
unsigned with a clear 503; the demo CA publishes its CRL without login."""

from __future__ import annotations

import datetime as dt
import io
import logging
import socket

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.dss import DocumentSecurityStore
from pyhanko_certvalidator import ValidationContext
from sqlalchemy import select
from sqlmodel import Session

from qms.cli import main
from qms.records import certificates
from qms.records.models import SignedRecord
from qms.records.signing import off_event_loop, validate

from .conftest import app_settings, publish_rich
from .timestamp_authority import demo_stamper, running_tsa

SIGNED = "/api/v1/documents/QT-01/versions/1/signed.pdf"
AGENCY = "Sở Nội vụ tỉnh Ninh Bình"


def _demo_ca(tmp_path, settings):
    data_dir = tmp_path / "data"
    certificates.create_demo_certificate(data_dir, AGENCY, certificates.crl_url(settings.base_url))
    return data_dir


def _token_count(data: bytes) -> list[int]:
    """For each signature, how many RFC 3161 signature timestamp tokens it carries."""
    counts = []
    for embedded in PdfFileReader(io.BytesIO(data), strict=False).embedded_signatures:
        unsigned = embedded.signer_info["unsigned_attrs"]
        counts.append(sum(1 for attr in unsigned if attr["type"].native == "signature_time_stamp_token")
                      if unsigned.native else 0)
    return counts


def _roots(agency: certificates.AgencyCertificate) -> list[asn1_x509.Certificate]:
    return [asn1_x509.Certificate.load(root.public_bytes(serialization.Encoding.DER))
            for root in agency.trust_roots]


def _network_off(monkeypatch) -> list[object]:
    """From now on every outgoing connection attempt is recorded and refused."""
    attempts: list[object] = []

    def refuse(self, address):
        attempts.append(address)
        raise OSError("the network is off in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    return attempts


def test_a_timestamped_record_validates_with_the_network_off(api, app, settings, tmp_path, monkeypatch,
                                                             capsys):
    data_dir = _demo_ca(tmp_path, settings)
    stamper = demo_stamper(data_dir, certificates.crl_url(settings.base_url))
    with running_tsa(stamper) as (url, answered), \
            app_settings(app, settings.model_copy(update={"data_dir": data_dir, "tsa_url": url})) as current:
        publish_rich(api, steps=5)
        data = api.get("nhanvien", SIGNED).content
        agency = certificates.agency_certificate(current)
        first = len(answered)
        publish_rich(api, code="QT-02", title="Quy trình đánh giá nội bộ", steps=2)
        second = api.get("nhanvien", SIGNED.replace("QT-01", "QT-02")).content
    assert agency is not None and first
    assert _token_count(data) == [1] and _token_count(second) == [1]
    assert len(answered) == first + 1  # later signatures: one round trip to the authority each

    attempts = _network_off(monkeypatch)
    verdict = validate(data, agency.trust_roots)
    assert verdict.ok, verdict
    assert verdict.timestamped_at is not None
    assert abs(verdict.timestamped_at - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=5)

    # the revocation list comes from the file itself: required, and found, with no fetching
    reader = PdfFileReader(io.BytesIO(data), strict=False)
    dss = DocumentSecurityStore.read_dss(reader)
    assert len(dss.crls) == 1 and len(dss.certs) >= 2
    offline = dss.as_validation_context({"trust_roots": _roots(agency), "allow_fetching": False,
                                         "revocation_mode": "hard-fail"})
    status = off_event_loop(lambda: validate_pdf_signature(reader.embedded_signatures[0], offline))
    assert status.bottom_line, status.pretty_print_details()
    assert status.timestamp_validity is not None and status.timestamp_validity.trusted
    # without the embedded data the same strict check fails: the file is what carries it
    bare = ValidationContext(trust_roots=_roots(agency), allow_fetching=False, revocation_mode="hard-fail",
                             crls=[], ocsps=[])
    assert not off_event_loop(lambda: validate_pdf_signature(reader.embedded_signatures[0], bare)).bottom_line

    record = tmp_path / "record.pdf"
    record.write_bytes(data)
    monkeypatch.setenv("QMS_DATA_DIR", str(data_dir))
    monkeypatch.setenv("QMS_DATABASE_URL", settings.effective_database_url)
    assert main(["verify-pdf", str(record)]) == 0
    assert f"timestamp={verdict.timestamped_at.isoformat()}" in capsys.readouterr().out
    assert attempts == []


def test_without_a_tsa_url_the_signature_has_no_timestamp(api, demo_signing):
    assert demo_signing.demo
    publish_rich(api, steps=5)
    data = api.get("nhanvien", SIGNED).content
    assert _token_count(data) == [0]
    verdict = validate(data, demo_signing.trust_roots)
    assert verdict.ok and verdict.timestamped_at is None


def test_an_unreachable_tsa_leaves_the_record_unsigned_and_says_so(api, app, engine, settings, tmp_path,
                                                                   caplog):
    data_dir = _demo_ca(tmp_path, settings)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    down = f"http://127.0.0.1:{closed_port}/tsa"
    with app_settings(app, settings.model_copy(update={"data_dir": data_dir, "tsa_url": down})), \
            caplog.at_level(logging.WARNING):
        publish_rich(api, steps=5)
        response = api.get("nhanvien", SIGNED)
    assert response.status_code == 503
    assert "QMS_TSA_URL" in response.json()["detail"]
    assert any("timestamp authority" in record.getMessage() for record in caplog.records)
    with Session(engine) as session:
        assert session.execute(select(SignedRecord)).first() is None


def test_a_tsa_of_an_untrusted_ca_is_refused_with_a_reason(api, app, engine, settings, tmp_path):
    data_dir = _demo_ca(tmp_path, settings)
    with running_tsa(demo_stamper(None, certificates.crl_url(settings.base_url))) as (url, _answered), \
            app_settings(app, settings.model_copy(update={"data_dir": data_dir, "tsa_url": url})):
        publish_rich(api, steps=2)
        response = api.get("nhanvien", SIGNED)
    assert response.status_code == 503
    assert "QMS_SIGNING_CA" in response.json()["detail"]
    with Session(engine) as session:
        assert session.execute(select(SignedRecord)).first() is None


def test_the_demo_ca_publishes_its_crl_without_login(app, client, settings, tmp_path):
    data_dir = _demo_ca(tmp_path, settings)
    with app_settings(app, settings.model_copy(update={"data_dir": data_dir})) as current:
        response = client.get("/api/v1/agency/crl")
        agency = certificates.agency_certificate(current)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pkix-crl"
    crl = x509.load_der_x509_crl(response.content)
    assert agency is not None
    ca = agency.trust_roots[0]
    assert crl.issuer == ca.subject and crl.is_signature_valid(ca.public_key())
    assert crl.next_update_utc is not None
    assert crl.next_update_utc > dt.datetime.now(dt.UTC) + dt.timedelta(days=5)
    # the agency certificate names where the list is
    points = agency.certificate.extensions.get_extension_for_class(x509.CRLDistributionPoints).value
    assert points[0].full_name[0].value == certificates.crl_url(settings.base_url)
    # kept while fresh, issued again when a day from its next update
    assert certificates.demo_crl(data_dir) == response.content
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=6, hours=12)
    renewed = x509.load_der_x509_crl(certificates.demo_crl(data_dir, now=later))
    assert renewed.next_update_utc > later + dt.timedelta(days=6)
    assert client.get("/api/v1/agency/crl").status_code == 404  # the test's own data folder has no demo CA


def test_a_malformed_dss_in_an_uploaded_file_is_a_verdict_not_an_error(api, demo_signing):
    publish_rich(api, steps=2)
    data = api.get("nhanvien", SIGNED).content
    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    writer.root["/DSS"] = generic.DictionaryObject({
        generic.NameObject("/Certs"): generic.ArrayObject([generic.NumberObject(7)]),
        generic.NameObject("/CRLs"): generic.TextStringObject("not a list")})
    writer.update_root()
    output = io.BytesIO()
    writer.write(output)
    verdict = validate(output.getvalue(), demo_signing.trust_roots)
    assert verdict.signed and not verdict.ok and verdict.problem


def test_both_signatures_of_a_record_carry_a_timestamp_and_validate_offline(api, app, client, settings,
                                                                           tmp_path, monkeypatch):
    from support import api_headers

    from .test_personal_certificates import _upload, person_p12

    data_dir = _demo_ca(tmp_path, settings)
    stamper = demo_stamper(data_dir, certificates.crl_url(settings.base_url))
    with running_tsa(stamper) as (url, _answered), \
            app_settings(app, settings.model_copy(update={"data_dir": data_dir, "tsa_url": url})) as current:
        ca = certificates.load_demo_ca(data_dir)
        assert _upload(client, api_headers(client, "giamdoc"), person_p12(ca)).status_code == 201
        publish_rich(api, steps=2)
        data = api.get("nhanvien", SIGNED).content
        agency = certificates.agency_certificate(current)
    assert agency is not None
    assert _token_count(data) == [1, 1], "the approver's signature and the agency's, each with its token"
    attempts = _network_off(monkeypatch)
    verdict = validate(data, agency.trust_roots)
    assert verdict.ok and verdict.signers == ("Đặng Văn Bình", AGENCY), verdict
    assert attempts == []

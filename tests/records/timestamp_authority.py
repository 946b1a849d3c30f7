"""A test-grade RFC 3161 timestamp authority on a loopback port: pyHanko's DummyTimeStamper
signing with a certificate the demo CA issues for time-stamping only."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from asn1crypto import keys as asn1_keys
from asn1crypto import tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from pyhanko.sign.timestamps import DummyTimeStamper
from pyhanko_certvalidator.registry import SimpleCertificateStore

from qms.records import certificates


def _asn1(certificate: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))


def demo_stamper(data_dir: Path | None, crl_at: str) -> DummyTimeStamper:
    """A timestamper whose certificate the demo CA of ``data_dir`` issued (EKU timeStamping);
    without ``data_dir``, by a CA of its own that nobody trusts."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    loaded = certificates.load_demo_ca(data_dir) if data_dir is not None else None
    if loaded is None:
        foreign_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "foreign CA")])
        start = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)
        foreign = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
                   .public_key(foreign_key.public_key()).serial_number(x509.random_serial_number())
                   .not_valid_before(start).not_valid_after(start + dt.timedelta(days=30))
                   .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
                   .sign(foreign_key, hashes.SHA256()))
        loaded = (foreign, foreign_key)
    ca_cert, ca_key = loaded
    now = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "qms demo TSA")]))
        .issuer_name(ca_cert.subject).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now).not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
                       critical=False)
        .add_extension(x509.CRLDistributionPoints([x509.DistributionPoint(
            full_name=[x509.UniformResourceIdentifier(crl_at)], relative_name=None, reasons=None,
            crl_issuer=None)]), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key_der = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    return DummyTimeStamper(tsa_cert=_asn1(cert), tsa_key=asn1_keys.PrivateKeyInfo.load(key_der),
                            certs_to_embed=SimpleCertificateStore.from_certs([_asn1(ca_cert)]))


@contextmanager
def running_tsa(stamper: DummyTimeStamper) -> Iterator[tuple[str, list[str]]]:
    """Serve ``stamper`` on 127.0.0.1 (a free port) in a thread: (URL, requests answered)."""
    answered: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            reply = stamper.request_tsa_response(tsp.TimeStampReq.load(body)).dump()
            answered.append(self.headers.get("Content-Type", ""))
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/tsa", answered
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)

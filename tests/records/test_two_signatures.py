"""A version approved by someone with a certificate of their own: the record carries the
approver's PAdES signature and then the agency's, both valid, in that order."""

from __future__ import annotations

import io
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from PIL import Image, ImageDraw
from pypdf import PdfReader
from sqlalchemy import select
from sqlmodel import Session
from support import PASSWORD, api_headers, login

from qms.cli import main
from qms.core import jobs
from qms.core.clock import local_today
from qms.records import certificates, seal, signing
from qms.records.models import ApproverSignedOriginal
from qms.records.signing import validate

from .conftest import audit_events, flat, pdf_pages, publish_rich
from .test_personal_certificates import _upload, person_p12
from .test_signing import SIGNED, _one_byte_changed


def _give_certificate(client, demo_signing, username: str, name: str) -> None:
    ca = certificates.load_demo_ca(Path(demo_signing.source).parent.parent)
    assert _upload(client, api_headers(client, username), person_p12(ca, name=name)).status_code == 201


def _signature_fields(data: bytes) -> list[tuple[str, tuple[float, ...]]]:
    widgets = [a.get_object() for a in PdfReader(io.BytesIO(data)).pages[0].get("/Annots", [])]
    return [(str(w["/T"]), tuple(float(v) for v in w["/Rect"])) for w in widgets if w.get("/FT") == "/Sig"]


def test_the_record_carries_the_approvers_signature_then_the_agencys(
        api, client, engine, demo_signing, tmp_path):
    _give_certificate(client, demo_signing, "giamdoc", "Đặng Văn Bình")
    publish_rich(api, steps=3)

    data = api.get("nhanvien", SIGNED).content
    verdict = validate(data, demo_signing.trust_roots)
    assert verdict.ok, verdict
    assert verdict.signers == ("Đặng Văn Bình", "Sở Nội vụ tỉnh Ninh Bình"), "person first, then agency"
    fields = dict(_signature_fields(data))
    assert set(fields) == {"ChuKySoNguoiKy", "ChuKySoCoQuan"}
    person, agency = fields["ChuKySoNguoiKy"], fields["ChuKySoCoQuan"]
    assert person[1] >= agency[3] - 1, "the two stamps do not overlap: the approver's above the agency's"
    cover = flat(pdf_pages(data)[0])
    assert "Đặng Văn Bình" in cover
    assert [event["object"] for event in audit_events(engine, "record.approver_sign")] == ["QT-01/1"]

    broken = validate(_one_byte_changed(data), demo_signing.trust_roots)
    assert not broken.ok and not broken.intact

    good = tmp_path / "good.pdf"
    good.write_bytes(data)
    poppler = subprocess.run(["pdfsig", str(good)], capture_output=True, text=True).stdout
    assert poppler.count("Signature is Valid.") == 2, poppler
    assert poppler.index("Đặng Văn Bình") < poppler.index("Sở Nội vụ tỉnh Ninh Bình")
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(_one_byte_changed(data))
    poppler_bad = subprocess.run(["pdfsig", str(bad)], capture_output=True, text=True).stdout
    assert "Signature is Valid." not in poppler_bad, "a byte changed breaks both"


def test_qms_verify_pdf_names_both_signers_in_order(api, client, demo_signing, app, tmp_path, monkeypatch,
                                                     capsys):
    _give_certificate(client, demo_signing, "giamdoc", "Đặng Văn Bình")
    publish_rich(api, steps=2)
    path = tmp_path / "ban-goc.pdf"
    path.write_bytes(api.get("iso", SIGNED).content)
    monkeypatch.setenv("QMS_DATA_DIR", str(app.state.settings.data_dir))
    monkeypatch.setenv("QMS_DATABASE_URL", app.state.settings.effective_database_url)
    assert main(["verify-pdf", str(path)]) == 0
    out = capsys.readouterr().out
    assert "signers='Đặng Văn Bình → Sở Nội vụ tỉnh Ninh Bình'" in out and "VALID" in out


def test_an_approver_without_a_certificate_leaves_the_agency_to_sign_alone(api, demo_signing):
    publish_rich(api, steps=2)
    verdict = validate(api.get("iso", SIGNED).content, demo_signing.trust_roots)
    assert verdict.ok and verdict.signers == ("Sở Nội vụ tỉnh Ninh Bình",)


def test_a_later_effective_date_keeps_the_approvers_signature_for_the_agency_to_add_its_own(
        api, client, engine, demo_signing, settings, monkeypatch):
    """Approved for a later day, the approver signs at once; the agency signs on the day."""
    _give_certificate(client, demo_signing, "giamdoc", "Đặng Văn Bình")
    api.create_procedure("QT-01", "Quy trình kiểm soát tài liệu")
    api.fill("QT-01")
    day = local_today(settings.zone) + timedelta(days=3)
    assert api.edit("QT-01", 1, {"effective_date": day.isoformat()}).status_code == 200
    assert api.publish("QT-01", 1)["status"] == "approved"
    with Session(engine) as session:
        rows = list(session.execute(select(ApproverSignedOriginal)).scalars())
    assert [row.signer for row in rows] == ["Đặng Văn Bình"], "signed when approved"

    monkeypatch.setattr(jobs, "local_today", lambda zone: day)
    assert "versions made effective: 1 (QT-01/1)" in [str(o) for o in jobs.run_jobs(engine, settings)]
    verdict = validate(api.get("iso", SIGNED).content, demo_signing.trust_roots)
    assert verdict.ok and verdict.signers == ("Đặng Văn Bình", "Sở Nội vụ tỉnh Ninh Bình")


def test_the_seal_covers_the_left_third_of_the_approvers_stamp(api, client, demo_signing, tmp_path):
    data_dir = Path(demo_signing.source).parent.parent
    image = Image.new("RGBA", (400, 400), (0, 0, 0, 0))
    ImageDraw.Draw(image).ellipse((8, 8, 392, 392), outline=(200, 16, 16, 255), width=18)
    image.save(seal.seal_path(data_dir), format="PNG")
    _give_certificate(client, demo_signing, "giamdoc", "Đặng Văn Bình")
    publish_rich(api, steps=2)

    data = api.get("iso", SIGNED).content
    assert validate(data, demo_signing.trust_roots).ok
    fields = dict(_signature_fields(data))
    px1, py1, px2, py2 = fields["ChuKySoNguoiKy"]
    sx1, sy1, sx2, sy2 = fields["ChuKySoCoQuan"]
    assert abs((sx2 - sx1) - (sy2 - sy1)) < 1, "the seal keeps its round shape"
    assert sx1 < px1 < sx2 < px2, "the seal stands at the left, over the approver's stamp"
    assert abs((sx2 - px1) - (px2 - px1) / 3) < 2, "over about a third of it"
    assert sy1 <= py1 and py2 <= sy2 + 1, "the approver's stamp is beside the seal's middle"
    (tmp_path / "seal.pdf").write_bytes(data)
    subprocess.run(["pdftoppm", "-r", "80", "-f", "1", "-l", "1", "-png", str(tmp_path / "seal.pdf"),
                    str(tmp_path / "seal")], check=True)


def test_a_deputy_signs_the_record_with_her_own_certificate_under_kt(api, client, demo_signing, people):
    today = local_today(ZoneInfo("Asia/Ho_Chi_Minh"))
    _give_certificate(client, demo_signing, "phogiamdoc", "Hoàng Thị Mai")
    api.create_procedure()
    api.fill("QT-01")
    delegation = api.post("giamdoc", "/api/v1/delegations", {
        "delegate": "phogiamdoc", "starts_on": (today - timedelta(days=1)).isoformat(),
        "ends_on": (today + timedelta(days=5)).isoformat(), "password": PASSWORD})
    assert delegation.status_code == 201, delegation.text
    assert api.submit("QT-01", 1).status_code == 200
    assert api.review("QT-01", 1).status_code == 200
    assert api.approve("QT-01", 1, username="phogiamdoc").status_code == 200

    verdict = validate(api.get("iso", SIGNED).content, demo_signing.trust_roots)
    assert verdict.ok and verdict.signers == ("Hoàng Thị Mai", "Sở Nội vụ tỉnh Ninh Bình")


def test_the_approvers_stamp_says_kt_when_a_deputy_signs_for_the_head(demo_signing):
    zone = ZoneInfo("Asia/Ho_Chi_Minh")
    at = datetime(2026, 12, 7, 2, 30, tzinfo=UTC)
    deputy = signing.person_stamp_text(demo_signing, "Phó Giám đốc", "Giám đốc", at, zone)
    assert deputy.splitlines()[:3] == ["Ký số bởi: Sở Nội vụ tỉnh Ninh Bình", "KT. GIÁM ĐỐC – Phó Giám đốc",
                                       "Thời gian ký: 09:30:00 ngày 07/12/2026"]
    head = signing.person_stamp_text(demo_signing, "Giám đốc", "", at, zone)
    assert head.splitlines()[1] == "Giám đốc"


def _signature_png() -> bytes:
    image = Image.new("RGBA", (360, 140), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.line([(20, 100), (80, 30), (130, 110), (190, 40), (250, 95), (330, 60)], fill=(20, 40, 160, 255),
              width=7)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def test_the_approvers_stamp_shows_the_image_of_their_signature(api, client, demo_signing, tmp_path):
    _give_certificate(client, demo_signing, "giamdoc", "Đặng Văn Bình")
    login(client, "giamdoc")
    csrf = {"csrf_token": client.cookies.get("qms_csrf")}
    refused = client.post("/account/certificate/signature", data=csrf,
                          files={"file": ("ky.png", b"not a png", "image/png")})
    assert refused.status_code == 415 and 'id="signature-file-error"' in refused.text
    saved = client.post("/account/certificate/signature", data=csrf, follow_redirects=False,
                        files={"file": ("ky.png", _signature_png(), "image/png")})
    assert saved.status_code == 303
    assert client.get("/account/certificate/signature.png").content == _signature_png()
    publish_rich(api, steps=2)

    data = api.get("iso", SIGNED).content
    assert validate(data, demo_signing.trust_roots).ok
    widgets = [a.get_object() for a in PdfReader(io.BytesIO(data)).pages[0]["/Annots"]]
    person = next(w for w in widgets if w.get("/T") == "ChuKySoNguoiKy")
    resources = person["/AP"]["/N"].get_object()["/Resources"]
    images = [x for x in _xobjects(resources) if x.get("/Subtype") == "/Image"]
    assert images and any("/SMask" in image for image in images), "the transparent image is in the stamp"
    (tmp_path / "ky.pdf").write_bytes(data)


def _xobjects(resources) -> list:  # type: ignore[no-untyped-def]
    """Every XObject under ``resources``, nested forms included."""
    found = []
    for item in (resources.get("/XObject") or {}).values():
        item = item.get_object()
        found.append(item)
        if item.get("/Subtype") == "/Form" and "/Resources" in item:
            found += _xobjects(item["/Resources"].get_object())
    return found


def test_a_record_the_agency_signs_alone_shows_its_seal(api, demo_signing, tmp_path):
    data_dir = Path(demo_signing.source).parent.parent
    image = Image.new("RGBA", (400, 400), (0, 0, 0, 0))
    ImageDraw.Draw(image).ellipse((8, 8, 392, 392), outline=(200, 16, 16, 255), width=18)
    image.save(seal.seal_path(data_dir), format="PNG")
    publish_rich(api, steps=2)

    data = api.get("iso", SIGNED).content
    verdict = validate(data, demo_signing.trust_roots)
    assert verdict.ok and verdict.signers == ("Sở Nội vụ tỉnh Ninh Bình",)
    (x1, y1, x2, y2), = dict(_signature_fields(data)).values()
    assert abs((x2 - x1) - (y2 - y1)) < 1 and x2 - x1 > 90, "the seal, round and about 36 mm across"
    (tmp_path / "alone.pdf").write_bytes(data)

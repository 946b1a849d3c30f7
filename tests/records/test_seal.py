"""The administrator uploads the agency's seal image: only a real PNG whose background is
transparent is kept (in the data folder), and the certificate page shows it."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageDraw
from support import login, post_form

from qms.records import seal

from .conftest import app_settings, audit_events


def _png(mode: str = "RGBA", size: tuple[int, int] = (300, 300), background=(0, 0, 0, 0),
         fmt: str = "PNG") -> bytes:
    image = Image.new(mode, size, background if mode == "RGBA" else "white")
    ImageDraw.Draw(image).ellipse((10, 10, size[0] - 10, size[1] - 10), outline="red", width=12)
    out = io.BytesIO()
    image.save(out, format=fmt)
    return out.getvalue()


@pytest.fixture
def admin(app, client, make, settings, tmp_path):
    make.user("quantri", "admin", unit="VP", full_name="Trần Quản Trị")
    with app_settings(app, settings.model_copy(update={"data_dir": tmp_path / "data"})) as replaced:
        login(client, "quantri")
        client.get("/admin/certificate")
        yield replaced


def _upload(client, data: bytes, name: str = "con-dau.png", content_type: str = "image/png"):
    return post_form(client, "/admin/certificate/seal", files={"file": (name, data, content_type)})


def test_a_transparent_png_is_kept_in_the_data_folder_and_shown(admin, client, engine):
    data = _png()
    response = _upload(client, data)
    assert response.status_code == 303
    assert seal.seal_path(admin.data_dir).read_bytes() == data
    page = client.get("/admin/certificate")
    assert 'src="/admin/certificate/seal.png' in page.text and "300 × 300" in page.text
    image = client.get("/admin/certificate/seal.png")
    assert image.status_code == 200 and image.headers["content-type"] == "image/png"
    assert image.content == data
    assert audit_events(engine, "agency.seal.update")[0]["actor"] == "quantri"


@pytest.mark.parametrize(("data", "status", "reason"), [
    (_png(mode="RGB"), 422, "không có kênh trong suốt"),
    (_png(background=(255, 255, 255, 255)), 422, "không có vùng trong suốt"),
    (_png(fmt="JPEG", mode="RGB"), 415, "không phải là ảnh PNG"),
    (b"\x89PNG\r\n\x1a\n" + b"garbage" * 20, 415, "không đọc được"),
    (_png(size=(40, 40)), 422, "từ 100 đến 2000 điểm ảnh"),
    (b"\x89PNG\r\n\x1a\n" + b"0" * (1024 * 1024 + 1), 413, "lớn hơn 1024 KB"),
])
def test_what_is_not_a_transparent_png_is_refused_with_the_reason(admin, client, data, status, reason):
    response = _upload(client, data)
    assert response.status_code == status
    assert reason in response.text
    assert not seal.seal_path(admin.data_dir).exists()


def test_only_the_administrator_uploads_the_seal(app, client, make, settings, tmp_path):
    make.user("iso", "quality_officer", unit="VP")
    with app_settings(app, settings.model_copy(update={"data_dir": tmp_path / "data"})) as replaced:
        login(client, "iso")
        client.get("/")
        assert _upload(client, _png()).status_code == 403
        assert not seal.seal_path(replaced.data_dir).exists()

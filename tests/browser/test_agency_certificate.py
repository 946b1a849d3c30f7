"""The administrator opens the agency certificate page from the home page, reads its facts
and uploads the seal image, which is then shown."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageDraw

pytestmark = pytest.mark.browser


def test_the_administrator_reads_the_certificate_and_uploads_the_seal(person, screenshot_dir, tmp_path):
    image = Image.new("RGBA", (240, 240), (0, 0, 0, 0))
    ImageDraw.Draw(image).ellipse((8, 8, 232, 232), outline=(200, 0, 0, 255), width=14)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    seal = tmp_path / "con-dau.png"
    seal.write_bytes(buffer.getvalue())

    with person("admin") as page:
        page.get_by_role("link", name="Chứng thư số", exact=True).click()
        assert page.url.endswith("/admin/certificate")
        facts = page.locator(".cert-facts").inner_text()
        assert "CN=qms demo CA" in facts and "Có hiệu lực đến" in facts
        page.set_input_files("#seal-file", str(seal))
        page.get_by_role("button", name="Tải lên hình ảnh con dấu").click()
        page.wait_for_selector("img.seal-preview")
        assert page.locator("img.seal-preview").evaluate("img => img.naturalWidth") == 240
        page.screenshot(path=screenshot_dir / "admin-certificate.png", full_page=True)
        print(f"screenshot: {screenshot_dir / 'admin-certificate.png'}")

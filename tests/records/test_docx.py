"""The controlled document as DOCX: it opens with python-docx, carries the header with the
page fields, and LibreOffice converts it to a PDF with the same words (about 2 s: one test)."""

from __future__ import annotations

import io
import re
import shutil
import subprocess

from docx import Document as open_docx

from .conftest import issue_copies, pdf_pages, publish_rich

URL = "/api/v1/documents/QT-01/versions/1"
WORD = re.compile(r"\w+", re.UNICODE)


def _docx_text(data: bytes) -> tuple[str, str]:
    """(body text with its tables, header text) of a DOCX."""
    document = open_docx(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    header = document.sections[0].header
    header_parts = [cell.text for table in header.tables for row in table.rows for cell in row.cells]
    return "\n".join(parts), "\n".join(header_parts)


def test_the_docx_opens_and_libreoffice_makes_a_pdf_with_the_same_words(api, engine, tmp_path):
    publish_rich(api, steps=12)
    issue_copies(api, ("nhanvien", "xemxet"))
    response = api.get("iso", URL + "/record.docx?copy=2")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    body, header = _docx_text(response.content)
    assert "QUY TRÌNH KIỂM SOÁT TÀI LIỆU" in header and "Mã hiệu: QT-01" in header
    assert "Lần ban hành: 01" in header and "Trang:" in header
    assert "NGƯỜI PHÊ DUYỆT" in body and "Đặng Văn Bình" in body
    assert "Quy định thống nhất cách kiểm soát tài liệu của Sở Nội vụ" in body
    assert "BẢN KIỂM SOÁT số 02" in body
    xml = open_docx(io.BytesIO(response.content)).sections[0].header._element.xml
    assert "NUMPAGES" in xml and " PAGE " in xml  # "Trang x/y" are Word fields
    assert "w:tblHeader" in open_docx(io.BytesIO(response.content)).element.xml  # header rows repeat

    source = tmp_path / "QT-01.docx"
    source.write_bytes(response.content)
    office = shutil.which("libreoffice") or shutil.which("soffice")
    assert office, "libreoffice-writer-nogui is installed by scripts/system-deps.sh"
    subprocess.run([office, f"-env:UserInstallation=file://{tmp_path}/profile", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
                   check=True, capture_output=True, timeout=120)
    pages = pdf_pages((tmp_path / "QT-01.pdf").read_bytes())
    assert len(pages) >= 2
    converted = set(WORD.findall("\n".join(pages)))
    missing = set(WORD.findall(body + "\n" + header)) - converted - {"PAGE", "NUMPAGES"}
    assert missing == set()
    assert all("Trang:" in page and "QT-01" in page for page in pages)
    assert all("HẾT HIỆU LỰC" not in page for page in pages)


def test_a_superseded_docx_carries_the_watermark(api):
    publish_rich(api, steps=2)
    assert api.post("iso", "/api/v1/documents/QT-01/versions").status_code == 201
    api.fill("QT-01", 2)
    api.publish("QT-01", 2)
    data = api.get("iso", URL + "/record.docx").content
    header_xml = open_docx(io.BytesIO(data)).sections[0].header._element.xml
    assert 'string="HẾT HIỆU LỰC"' in header_xml
    _body, header = _docx_text(data)
    footer = open_docx(io.BytesIO(data)).sections[0].footer.paragraphs[0].text
    assert "BẢN KHÔNG KIỂM SOÁT – in ngày" in footer
    assert "Lần ban hành: 01" in header

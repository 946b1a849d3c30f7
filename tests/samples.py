"""Files for the library tests, made here: DOCX and XLSX packages, PDFs, and hostile ones."""

from __future__ import annotations

import io
import zipfile
from functools import cache

from docx import Document

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def docx(text: str = "Biểu mẫu đăng ký", *, paragraphs: list[str] | None = None) -> bytes:
    document = Document()
    for line in paragraphs or [text]:
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _package(parts: dict[str, bytes], *, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as package:
        for name, data in parts.items():
            package.writestr(name, data)
    return buffer.getvalue()


def _content_types(main: str, part: str, extra: str = "") -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/{part}" ContentType="{main}"/>{extra}</Types>'
    ).encode()


def xlsx() -> bytes:
    return _package({
        "[Content_Types].xml": _content_types(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml", "xl/workbook.xml"),
        "xl/workbook.xml": b'<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/'
                           b'spreadsheetml/2006/main"><sheets/></workbook>',
    })


def pdf() -> bytes:
    return (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>"
            b"endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


def docx_with_macros() -> bytes:
    """A DOCX package that carries a VBA project (as a .docm renamed .docx would)."""
    source = zipfile.ZipFile(io.BytesIO(docx()))
    parts = {name: source.read(name) for name in source.namelist()}
    parts["word/vbaProject.bin"] = b"\xd0\xcf\x11\xe0" + b"\0" * 512
    return _package(parts)


def docm() -> bytes:
    source = zipfile.ZipFile(io.BytesIO(docx()))
    parts = {name: source.read(name) for name in source.namelist()}
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
        b"application/vnd.ms-word.document.macroEnabled.main+xml")
    return _package(parts)


@cache
def zip_bomb() -> bytes:
    """A small DOCX-looking package one of whose parts expands to 60 MB of zeros."""
    source = zipfile.ZipFile(io.BytesIO(docx()))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as package:
        for name in source.namelist():
            package.writestr(name, source.read(name))
        with package.open("word/media/padding.bin", "w", force_zip64=True) as handle:
            block = b"\0" * (1024 * 1024)
            for _ in range(60):
                handle.write(block)
    return buffer.getvalue()


def truncated_docx() -> bytes:
    data = docx()
    return data[: len(data) // 2]


def plain_zip() -> bytes:
    return _package({"readme.txt": b"hello"})

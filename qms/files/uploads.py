"""Checking uploaded files: size, type by content (never by name), and a display name.

A DOCX or XLSX must be a readable OOXML package whose main part has the right content
type; packages with macros (``vbaProject.bin``, macro-enabled content types) or ActiveX
are refused unless the installation allows macros; zip bombs are refused by the total
uncompressed size, the compression ratio and the number of entries, all read from the
package directory before anything is decompressed. A PDF is recognised by its header
and must end with its end-of-file marker. Nothing here writes to the file system.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass
from xml.etree import ElementTree

from qms.core.errors import QMSError, ValidationFailed
from qms.core.i18n import _

MAX_ENTRIES = 5_000
MAX_UNCOMPRESSED = 200 * 1024 * 1024
MAX_RATIO = 100
RATIO_FLOOR = 5 * 1024 * 1024  # small packages may compress well; a bomb is large by nature
MAX_CONTENT_TYPES = 1024 * 1024
MAX_NAME = 120


class FileTooLarge(QMSError):
    status_code = 413


class UnsupportedFile(QMSError):
    """The content is not a file type the library accepts, or it is damaged or dangerous."""

    status_code = 415


@dataclass(frozen=True)
class FileKind:
    media_type: str
    extension: str
    label: str
    macros: bool = False


DOCX = FileKind("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx",
                "Word (DOCX)")
XLSX = FileKind("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx", "Excel (XLSX)")
DOCM = FileKind("application/vnd.ms-word.document.macroEnabled.12", "docm", "Word (DOCM)", macros=True)
XLSM = FileKind("application/vnd.ms-excel.sheet.macroEnabled.12", "xlsm", "Excel (XLSM)", macros=True)
PDF = FileKind("application/pdf", "pdf", "PDF")
KINDS = (DOCX, XLSX, DOCM, XLSM, PDF)
KNOWN_EXTENSIONS = {kind.extension for kind in KINDS} | {"doc", "xls", "dotx", "xltx", "dotm", "xltm", "zip",
                                                          "exe", "js", "html", "htm", "odt", "ods"}

MAIN_PART_TYPES = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": DOCX,
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": XLSX,
    "application/vnd.ms-word.document.macroEnabled.main+xml": DOCM,
    "application/vnd.ms-excel.sheet.macroEnabled.main+xml": XLSM,
}
ACTIVE_CONTENT_TYPES = ("application/vnd.ms-office.vbaproject", "application/vnd.ms-office.activex")
_CT_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"


def size_limit_text(limit: int) -> str:
    return f"{limit / (1024 * 1024):.0f} MB"


def check_size(data: bytes, limit: int) -> None:
    if len(data) > limit:
        raise FileTooLarge(_("The file is larger than the limit of %(limit)s.", limit=size_limit_text(limit)))


def detect(data: bytes, *, allow_macros: bool = False) -> FileKind:
    """The kind of ``data`` from its content; UnsupportedFile with the reason otherwise."""
    if not data:
        raise UnsupportedFile(_("The file is empty."))
    if data.startswith(b"%PDF-"):
        if b"%%EOF" not in data[-2048:]:
            raise UnsupportedFile(_("The PDF file is incomplete: it does not end as a PDF file must."))
        return PDF
    if data.startswith(b"PK\x03\x04"):
        return _inspect_package(data, allow_macros)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise UnsupportedFile(_("Old Word or Excel files (.doc, .xls) are not accepted; save the file as "
                                "DOCX or XLSX and upload it again."))
    raise UnsupportedFile(_("Only Word (DOCX), Excel (XLSX) and PDF files are accepted; the content of this "
                            "file is none of them."))


def _damaged() -> UnsupportedFile:
    return UnsupportedFile(_("The file is damaged or incomplete: it is not a readable Word or Excel "
                             "package."))


def _inspect_package(data: bytes, allow_macros: bool) -> FileKind:
    try:
        package = zipfile.ZipFile(io.BytesIO(data))
        entries = package.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError):
        raise _damaged() from None
    _check_bomb(entries)
    names = {entry.filename for entry in entries}
    lowered = {name.lower() for name in names}
    types = _content_types(package, names)
    kind = next((MAIN_PART_TYPES[ct] for part, ct in types.items()
                 if ct in MAIN_PART_TYPES and part.lstrip("/") in names), None)
    if kind is None:
        raise UnsupportedFile(_("The file is a ZIP package but not a Word (DOCX) or Excel (XLSX) document."))
    active = (kind.macros or any(name.endswith(("vbaproject.bin", "vbadata.xml")) for name in lowered)
              or any("/activex/" in name for name in lowered)
              or any(ct.lower() in ACTIVE_CONTENT_TYPES for ct in types.values()))
    if active and not allow_macros:
        raise UnsupportedFile(_("The document contains macros or ActiveX controls, which are not accepted; "
                                "save it as a plain DOCX or XLSX and upload it again."))
    try:
        bad = package.testzip()
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, OSError):
        raise _damaged() from None
    if bad is not None:
        raise _damaged()
    return kind


def _check_bomb(entries: list[zipfile.ZipInfo]) -> None:
    """Refuse packages that would decompress to far more than they weigh (sizes from the
    directory; reading an entry never yields more than its declared size)."""
    if len(entries) > MAX_ENTRIES:
        raise UnsupportedFile(_("The package has too many parts (%(n)s) to be a document.", n=len(entries)))
    total = sum(entry.file_size for entry in entries)
    compressed = sum(entry.compress_size for entry in entries)
    too_dense = any(entry.file_size > RATIO_FLOOR
                    and entry.file_size > MAX_RATIO * max(entry.compress_size, 1) for entry in entries)
    overall = total > RATIO_FLOOR and total > MAX_RATIO * max(compressed, 1)
    if total > MAX_UNCOMPRESSED or too_dense or overall:
        raise UnsupportedFile(_("The package would expand to %(size)s when opened: refused as a possible "
                                "ZIP bomb.", size=size_limit_text(total)))
    if any(entry.flag_bits & 0x1 for entry in entries):
        raise UnsupportedFile(_("The document is encrypted or password-protected; upload it without a "
                                "password."))


def _content_types(package: zipfile.ZipFile, names: set[str]) -> dict[str, str]:
    """Part name → content type from ``[Content_Types].xml`` (overrides only)."""
    if "[Content_Types].xml" not in names:
        raise UnsupportedFile(_("The file is a ZIP package but not a Word (DOCX) or Excel (XLSX) document."))
    try:
        with package.open("[Content_Types].xml") as handle:
            raw = handle.read(MAX_CONTENT_TYPES + 1)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, OSError):
        raise _damaged() from None
    if len(raw) > MAX_CONTENT_TYPES or b"<!DOCTYPE" in raw.upper() or b"<!ENTITY" in raw.upper():
        raise _damaged()
    try:
        root = ElementTree.fromstring(raw)
    except ElementTree.ParseError:
        raise _damaged() from None
    return {element.get("PartName", ""): element.get("ContentType", "")
            for element in root.iter(f"{_CT_NS}Override")}


_UNSAFE = re.compile(r"[^\w\s().,+\-]")


def display_name(raw: str, kind: FileKind) -> str:
    """A name to show and to download under: never a path, the extension of the real type.

    A name with folder parts is refused (browsers send only the file's own name); a name
    whose extension claims another type than the content is refused too.
    """
    name = unicodedata.normalize("NFC", raw or "").strip()
    if "/" in name or "\\" in name or name in (".", ".."):
        raise ValidationFailed("file", _("The file name must not contain folders (/ or \\); give the file's "
                                         "own name only."))
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    extension = extension.lower()
    if extension in KNOWN_EXTENSIONS and extension != kind.extension:
        raise UnsupportedFile(_("The file is called .%(ext)s but its content is %(kind)s; rename or convert "
                                "it.", ext=extension, kind=kind.label))
    if extension and extension != kind.extension:
        stem = f"{stem}.{extension}"
    stem = " ".join(_UNSAFE.sub("_", stem).split()).strip(" ._-")[:MAX_NAME].rstrip(" ._-")
    return f"{stem or 'tep'}.{kind.extension}"

"""The plain-text source format of the procedure library (see procedures/README.md)."""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pydantic import ValidationError

from qms.documents.choices import Confidentiality, Kind
from qms.documents.models import CONFIDENTIALITY, KINDS, SECTIONS
from qms.documents.placement import drop_trailing_marker, heading_key, is_steps_marker
from qms.documents.schemas import ExternalInfo, Step

SECTION_HEADINGS = {
    "muc dich": "purpose",
    "pham vi": "scope",
    "pham vi ap dung": "scope",
    "tai lieu vien dan": "references",
    "dinh nghia, viet tat": "definitions",
    "dinh nghia va chu viet tat": "definitions",
    "dinh nghia va viet tat": "definitions",
    "noi dung quy trinh": "content",
    "noi dung": "content",
    "bieu mau": "forms",
    "ho so can luu": "records",
    "ho so": "records",
}


FILE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*(\.[A-Za-z0-9_-]+)+$")


class SourceError(ValueError):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"line {line}: {message}")
        self.line = line
        self.message = message


@dataclass
class RevisionEntry:
    revision: int
    effective_date: date
    change_summary: str
    changed_sections: str
    drafted_by: str
    reviewed_by: list[str]
    approved_by: str


@dataclass
class ProcedureSource:
    code: str
    title: str
    kind: str
    unit: str
    confidentiality: str
    review_interval_months: int
    parent: str
    revisions: list[RevisionEntry]
    sections: dict[str, str]
    steps: list[Step] = field(default_factory=list)
    key_lines: dict[str, int] = field(default_factory=dict)
    external: ExternalInfo | None = None
    files: list[str] = field(default_factory=list)

    @property
    def current(self) -> RevisionEntry:
        return self.revisions[-1]




def _split_front_matter(lines: list[str]) -> tuple[str, int]:
    if not lines or lines[0].strip() != "+++":
        raise SourceError(1, "the file must start with a line '+++' opening the front matter")
    for index in range(1, len(lines)):
        if lines[index].strip() == "+++":
            return "\n".join(lines[1:index]), index + 1
    raise SourceError(1, "the front matter opened here is not closed by a line '+++'")


def _require(meta: dict[str, Any], key: str, kind: type, line_of: dict[str, int]) -> Any:
    if key not in meta:
        raise SourceError(1, f"front matter: '{key}' is missing")
    value = meta[key]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise SourceError(line_of.get(key, 1), f"front matter: '{key}' must be {kind.__name__}")
    return value


def _key_lines(front: str) -> dict[str, int]:
    found: dict[str, int] = {}
    for number, line in enumerate(front.splitlines(), start=2):
        match = re.match(r"\s*([A-Za-z_]+)\s*=|\s*(\[[A-Za-z_]+\])\s*$", line)
        if match:
            found.setdefault(match.group(1) or match.group(2), number)
    return found


def _revisions(meta: dict[str, Any], line_of: dict[str, int]) -> list[RevisionEntry]:
    raw = meta.get("revisions")
    if not isinstance(raw, list) or not raw:
        raise SourceError(1, "front matter: at least one [[revisions]] entry is needed")
    entries: list[RevisionEntry] = []
    for item in raw:
        try:
            entry = RevisionEntry(
                revision=int(item["revision"]), effective_date=item["effective_date"],
                change_summary=str(item.get("change_summary", "")),
                changed_sections=str(item.get("changed_sections", "")),
                drafted_by=str(item["drafted_by"]), reviewed_by=[str(u) for u in item.get("reviewed_by", [])],
                approved_by=str(item["approved_by"]),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise SourceError(line_of.get("revision", 1), f"front matter: a revision lacks {exc}") from None
        if not isinstance(entry.effective_date, date):
            raise SourceError(line_of.get("effective_date", 1), "front matter: effective_date must be a date")
        if entries and entry.revision <= entries[-1].revision:
            raise SourceError(line_of.get("revision", 1), "front matter: revisions must increase")
        if entry.drafted_by in entry.reviewed_by or entry.drafted_by == entry.approved_by:
            raise SourceError(line_of.get("drafted_by", 1),
                              f"revision {entry.revision}: the drafter cannot review or approve it")
        entries.append(entry)
    return entries


def _external(meta: dict[str, Any], kind: str, line_of: dict[str, int]) -> ExternalInfo | None:
    """The ``[external]`` table: number, issuer, issued_on, status, replaced_by."""
    raw = meta.get("external")
    line = line_of.get("[external]", 1)
    if raw is None:
        if kind == Kind.EXTERNAL:
            raise SourceError(1, "front matter: an external document needs an [external] table "
                                 "with its number")
        return None
    if kind != Kind.EXTERNAL:
        raise SourceError(line, "front matter: only a document of kind 'external' has an [external] table")
    if not isinstance(raw, dict):
        raise SourceError(line, "front matter: 'external' must be a table")
    unknown = sorted(set(raw) - set(ExternalInfo.model_fields))
    if unknown:
        raise SourceError(line_of.get(unknown[0], line),
                          f"front matter: unknown key {unknown[0]!r} in [external]")
    try:
        details = ExternalInfo.model_validate(raw)
    except ValidationError as exc:
        error = exc.errors()[0]
        key = str(error["loc"][0]) if error["loc"] else "external"
        raise SourceError(line_of.get(key, line), f"front matter: external.{key}: {error['msg']}") from None
    if not details.number:
        raise SourceError(line, "front matter: [external] needs the document's number")
    return details


def _files(meta: dict[str, Any], line_of: dict[str, int]) -> list[str]:
    """``files``: names of files in the ``files/`` folder beside the source, attached to the revision."""
    raw = meta.get("files", [])
    line = line_of.get("files", 1)
    if not isinstance(raw, list) or not all(isinstance(name, str) for name in raw):
        raise SourceError(line, "front matter: 'files' must be a list of file names")
    for name in raw:
        if not FILE_NAME.match(name):
            raise SourceError(line, f"front matter: {name!r} is not a plain file name (letters, digits, "
                                    "'.', '_' and '-', with an extension)")
    if len(set(raw)) != len(raw):
        raise SourceError(line, "front matter: a file is named twice in 'files'")
    return raw


def _table_cells(line: str) -> list[str]:
    inner = line.strip()
    inner = inner[1:] if inner.startswith("|") else inner
    inner = inner[:-1] if inner.endswith("|") else inner
    return [cell.strip() for cell in inner.split("|")]


def _extract_steps(content_lines: list[tuple[int, str]]) -> tuple[list[tuple[int, str]], list[Step]]:
    """Take the steps table (under its level-3 heading) out of the content section; its heading
    stays as the marker of its place when text follows it (:mod:`qms.documents.placement`)."""
    kept: list[tuple[int, str]] = []
    steps: list[Step] = []
    index = 0
    while index < len(content_lines):
        number, line = content_lines[index]
        if is_steps_marker(line):
            kept.append((number, line))  # where the table stands; dropped below if nothing follows
            index += 1
            while index < len(content_lines) and not content_lines[index][1].strip():
                index += 1
            table: list[tuple[int, str]] = []
            while index < len(content_lines) and content_lines[index][1].strip().startswith("|"):
                table.append(content_lines[index])
                index += 1
            if len(table) < 3:
                raise SourceError(number, "the steps heading must be followed by a table with a header, "
                                          "a separator and at least one row")
            for row_number, row in table[2:]:
                cells = _table_cells(row)
                if len(cells) != 5:
                    raise SourceError(row_number, f"a steps row needs 5 cells, this one has {len(cells)}")
                steps.append(Step(step=cells[0], responsibility=cells[1], task=cells[2], duration=cells[3],
                                  output=cells[4]))
            continue
        kept.append((number, line))
        index += 1
    return kept[:len(drop_trailing_marker([line for _n, line in kept]))], steps


def parse_source(text: str) -> ProcedureSource:
    """Parse one file; raise SourceError with the line of the first problem."""
    text = unicodedata.normalize("NFC", text.lstrip("\ufeff").replace("\r\n", "\n"))
    lines = text.split("\n")
    front, body_start = _split_front_matter(lines)
    line_of = _key_lines(front)
    try:
        meta = tomllib.loads(front)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"line (\d+)", str(exc))
        at = int(match.group(1)) + 1 if match else 1
        raise SourceError(at, f"front matter is not valid TOML: {str(exc).split(' (at')[0]}") from None
    code = _require(meta, "code", str, line_of).strip().upper()
    kind = _require(meta, "kind", str, line_of)
    if kind not in KINDS:
        raise SourceError(line_of.get("kind", 1), f"unknown kind {kind!r}; one of {', '.join(KINDS)}")
    confidentiality = meta.get("confidentiality", Confidentiality.INTERNAL)
    if confidentiality not in CONFIDENTIALITY:
        raise SourceError(line_of.get("confidentiality", 1), f"unknown confidentiality {confidentiality!r}")
    interval = meta.get("review_interval_months", 12)
    if not isinstance(interval, int) or not 1 <= interval <= 120:
        raise SourceError(line_of.get("review_interval_months", 1),
                          "review_interval_months must be a whole number from 1 to 120")

    sections = {name: "" for name in SECTIONS}
    current: str | None = None
    collected: dict[str, list[tuple[int, str]]] = {}
    for number, line in enumerate(lines[body_start:], start=body_start + 1):
        if line.startswith("## "):
            key = SECTION_HEADINGS.get(heading_key(line[3:]))
            if key is None:
                raise SourceError(number, f"unknown section heading {line[3:].strip()!r}")
            if key in collected:
                raise SourceError(number, f"section {line[3:].strip()!r} appears twice")
            current = key
            collected[key] = []
        elif current is not None:
            collected[current].append((number, line))
        elif line.strip():
            raise SourceError(number, "text before the first section heading ('## …')")
    steps: list[Step] = []
    if "content" in collected:
        collected["content"], steps = _extract_steps(collected["content"])
    for key, body in collected.items():
        sections[key] = "\n".join(line for _n, line in body).strip()
    return ProcedureSource(
        code=code, title=" ".join(_require(meta, "title", str, line_of).split()), kind=kind,
        unit=_require(meta, "unit", str, line_of).strip().upper(), confidentiality=confidentiality,
        review_interval_months=interval, parent=str(meta.get("parent", "")).strip().upper(),
        revisions=_revisions(meta, line_of), sections=sections, steps=steps, key_lines=line_of,
        external=_external(meta, kind, line_of), files=_files(meta, line_of),
    )

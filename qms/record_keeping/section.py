"""The records a version's "Hồ sơ cần lưu" section lists: the rows of its tables, read by
their column headings (name, where kept, how long), as the procedure words them. Read by the
records list report and by the records register's proposal."""

from __future__ import annotations

import re
from dataclasses import dataclass

from markdown_it import MarkdownIt

from qms.core.search import fold

_markdown = MarkdownIt("commonmark").enable("table")
_NAME = re.compile(r"^ten( ho so)?$|ho so")
_PLACE = re.compile(r"noi luu|don vi luu|bo phan luu")
_RETENTION = re.compile(r"thoi (gian|han) luu")


@dataclass(frozen=True)
class ListedRecord:
    name: str
    place: str
    retention: str


def _tables(text: str) -> list[list[list[str]]]:
    """The pipe tables of a Markdown text, as rows of cell texts (the header row first)."""
    tables: list[list[list[str]]] = []
    row: list[str] | None = None
    for token in _markdown.parse(text or ""):
        if token.type == "table_open":
            tables.append([])
        elif token.type == "tr_open":
            row = []
        elif token.type == "inline" and row is not None:
            row.append(token.content.strip())
        elif token.type == "tr_close" and row is not None:
            tables[-1].append(row)
            row = None
    return tables


def _column(header: list[str], heading: re.Pattern[str]) -> int | None:
    return next((index for index, cell in enumerate(header) if heading.search(cell)), None)


def listed_records(text: str) -> list[ListedRecord]:
    """The rows of every table of ``text`` that has a name column; a missing column reads as ""."""
    listed: list[ListedRecord] = []
    for table in _tables(text):
        header = [fold(cell) for cell in table[0]]
        name_at = _column(header, _NAME)
        if name_at is None:
            continue
        place_at, keep_at = _column(header, _PLACE), _column(header, _RETENTION)
        for cells in table[1:]:
            def cell(index: int | None, cells: list[str] = cells) -> str:
                return cells[index] if index is not None and index < len(cells) else ""
            listed.append(ListedRecord(cell(name_at), cell(place_at), cell(keep_at)))
    return listed

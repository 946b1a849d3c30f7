"""Where the steps table stands in the content section.

A procedure often goes on after its steps table (the total time allowed, a sub-procedure).
The content section then keeps the table's level-3 heading ("### Các bước thực hiện") as a
marker where the table stands, and every rendering (the pages, the PDF and Word records)
puts the table there. Without the marker the table follows the whole section.
"""

from __future__ import annotations

import re

from qms.core.search import fold

STEPS_HEADINGS = {"cac buoc thuc hien", "luu do", "trinh tu thuc hien"}
DEFAULT_STEPS_HEADING = "Các bước thực hiện"
_NUMBERING = re.compile(r"^\s*(?:[0-9]+|[IVX]+)(?:\.[0-9]+)*[.)]?\s+")


def heading_key(text: str) -> str:
    """A heading without its numbering, case and diacritics: "5.2. Lưu đồ:" → "luu do"."""
    return fold(_NUMBERING.sub("", text)).rstrip(" :.")


def is_steps_marker(line: str) -> bool:
    return line.startswith("### ") and heading_key(line[4:]) in STEPS_HEADINGS


def split_at_steps(text: str) -> tuple[str, str | None, str]:
    """The content before the marker, the marker's heading text, and the content after it;
    without a marker: the whole text, None and nothing."""
    lines = text.split("\n")
    for index, line in enumerate(lines):
        if is_steps_marker(line):
            return "\n".join(lines[:index]).rstrip(), line[4:].strip(), "\n".join(lines[index + 1:]).strip()
    return text, None, ""


def drop_trailing_marker(lines: list[str]) -> list[str]:
    """A marker with nothing after it says no more than no marker: the table follows the
    section either way, so it is left out and the content reads as it did before markers."""
    kept = list(lines)
    while kept and not kept[-1].strip():
        kept.pop()
    if kept and is_steps_marker(kept[-1]):
        kept.pop()
    return kept


def without_marker(text: str) -> str:
    """The content as it was stored before the marker was kept (the heading line dropped)."""
    return "\n".join(line for line in text.split("\n") if not is_steps_marker(line))

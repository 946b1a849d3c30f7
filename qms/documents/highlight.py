"""Snippets with the searched words marked, taken from the original text (with its
diacritics), while the matching itself is diacritic-insensitive."""

from __future__ import annotations

import re
from collections.abc import Sequence

from markupsafe import Markup, escape

from qms.search import fold

_WORD = re.compile(r"[^\W_]+")


def _matches(word: str, terms: Sequence[str]) -> bool:
    folded = fold(word)
    return any(folded == term for term in terms[:-1]) or (bool(terms) and folded.startswith(terms[-1]))


def mark(text: str, terms: Sequence[str]) -> Markup:
    """The whole text, escaped, with each matching word in <mark>."""
    return _render(text, terms, 0, len(text))


def snippet(text: str, terms: Sequence[str], width: int = 200) -> Markup | None:
    """About ``width`` characters around the first match, or None when nothing matches."""
    flat = " ".join(text.split())
    found = [m for m in _WORD.finditer(flat) if _matches(m.group(), terms)]
    # Prefer where the query's first word appears, so "hồ sơ" centres on "hồ", not "soạn".
    first = next((m for m in found if _matches(m.group(), terms[:1])), found[0] if found else None)
    if first is None:
        return None
    start = max(0, first.start() - width // 3)
    end = min(len(flat), start + width)
    if start > 0:
        start = flat.find(" ", start) + 1 or start
    if end < len(flat):
        end = flat.rfind(" ", start, end) if flat.rfind(" ", start, end) > first.end() else end
    body = _render(flat, terms, start, end)
    return Markup("…" if start > 0 else "") + body + Markup("…" if end < len(flat) else "")


def _render(text: str, terms: Sequence[str], start: int, end: int) -> Markup:
    parts: list[Markup] = []
    position = start
    for match in _WORD.finditer(text, start, end):
        if _matches(match.group(), terms):
            parts.append(escape(text[position:match.start()]))
            parts.append(Markup("<mark>") + escape(match.group()) + Markup("</mark>"))
            position = match.end()
    parts.append(escape(text[position:end]))
    return Markup("").join(parts)

"""Snippets with the searched words marked, taken from the original text (with its
diacritics), while the matching itself is diacritic-insensitive.

Only whole words are marked: "so" marks "sơ" and "sở" but never "soạn" or "sót". A query
of several words marks where they stand together ("hồ sơ"), and only there when they do
somewhere. A word typed with its diacritics marks only that spelling ("sơ", not "sở"). The
last word typed is a prefix only while it matches no whole word (the box searches as one
types).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache

from markupsafe import Markup, escape

from qms.core.search import fold

_WORD = re.compile(r"[^\W_]+")
MAX_WORDS = 12


def query_words(query: str) -> list[str]:
    """The words of a query as typed (diacritics kept, case-folded), for marking."""
    return _WORD.findall(unicodedata.normalize("NFC", query).casefold())[:MAX_WORDS]


@lru_cache(maxsize=20_000)
def _fold_word(word: str) -> str:
    """Words repeat: a page of snippets folds a few hundred distinct ones, many times."""
    return fold(word)


class _Term:
    """A query word: folded for matching, and as typed when it carries diacritics."""

    def __init__(self, typed: str) -> None:
        self.folded = fold(typed)
        self.exact = typed if typed != self.folded else None

    def matches(self, word: str, folded: str, *, prefix: bool = False) -> bool:
        if prefix:
            return folded.startswith(self.folded)
        return folded == self.folded and (
            self.exact is None or unicodedata.normalize("NFC", word).casefold() == self.exact)


def spans(text: str, terms: Sequence[str]) -> list[tuple[int, int]]:
    """Where to mark ``terms`` in ``text``: (start, end) of each word, in order."""
    if not terms:
        return []
    wanted = [_Term(term) for term in terms]
    tokens = [(m.span(), m.group(), _fold_word(m.group())) for m in _WORD.finditer(text)]
    n = len(wanted)
    if n > 1:
        for prefix in (False, True):
            found: list[tuple[int, int]] = []
            i = 0
            while i <= len(tokens) - n:
                window = tokens[i:i + n]
                if all(term.matches(word, folded, prefix=prefix and k == n - 1)
                       for k, (term, (_, word, folded)) in enumerate(zip(wanted, window, strict=True))):
                    found.extend(span for span, _, _ in window)
                    i += n
                else:
                    i += 1
            if found:
                return found
    last = wanted[-1]
    last_is_whole = any(last.matches(word, folded) for _, word, folded in tokens)
    return [
        span for span, word, folded in tokens
        if any(term.matches(word, folded) for term in wanted)
        or (not last_is_whole and last.matches(word, folded, prefix=True))
    ]


def mark(text: str, terms: Sequence[str]) -> Markup:
    """The whole text, escaped, with each matching word in <mark>."""
    return _render(text, spans(text, terms), 0, len(text))


def snippet(text: str, terms: Sequence[str], width: int = 200) -> Markup | None:
    """About ``width`` characters of plain text around the first match, or None when
    nothing matches."""
    flat = " ".join(text.split())
    found = spans(flat, terms)
    if not found:
        return None
    first_start, first_end = found[0]
    start = max(0, first_start - width // 3)
    end = min(len(flat), start + width)
    if start > 0:
        start = flat.find(" ", start) + 1 or start
    if end < len(flat):
        end = flat.rfind(" ", start, end) if flat.rfind(" ", start, end) > first_end else end
    body = _render(flat, found, start, end)
    return Markup("…" if start > 0 else "") + body + Markup("…" if end < len(flat) else "")


def _render(text: str, found: Sequence[tuple[int, int]], start: int, end: int) -> Markup:
    parts: list[Markup] = []
    position = start
    for span_start, span_end in found:
        if span_start < start or span_end > end:
            continue
        parts.append(escape(text[position:span_start]))
        parts.append(Markup("<mark>") + escape(text[span_start:span_end]) + Markup("</mark>"))
        position = span_end
    parts.append(escape(text[position:end]))
    return Markup("").join(parts)

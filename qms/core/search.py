"""Folding Vietnamese text for diacritic-insensitive matching.

NFD, drop combining marks, map đ/Đ (which has no decomposition), case-fold.
"""

from __future__ import annotations

import re
import unicodedata

_D_MAP = str.maketrans({"đ": "d", "Đ": "D"})


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.translate(_D_MAP))
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return " ".join(unicodedata.normalize("NFC", stripped).casefold().split())


#: Letters and digits; everything else separates words.
_WORD = re.compile(r"[^\W_]+")


def words(text: str) -> list[str]:
    """The folded words of ``text``: what the search index stores and what a query asks."""
    return _WORD.findall(fold(text))

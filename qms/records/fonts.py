"""The fonts records are typeset in, shipped inside the package (SIL OFL, see fonts/LICENSE.txt).

Liberation Serif 2.x is metric-compatible with Times New Roman, which the Decree on
clerical work prescribes, and covers every Vietnamese letter. Noto Serif draws the visible
stamp of the digital signature (pyHanko spaces fonts of 2048 units per em badly).
"""

from __future__ import annotations

import threading
import unicodedata
from pathlib import Path

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FAMILY = "LiberationSerif"
#: The name Word and LibreOffice are told to use; Liberation Serif replaces it where missing.
DOCX_FONT = "Times New Roman"
FACES = {
    "regular": FONT_DIR / "LiberationSerif-Regular.ttf",
    "bold": FONT_DIR / "LiberationSerif-Bold.ttf",
    "italic": FONT_DIR / "LiberationSerif-Italic.ttf",
    "bold_italic": FONT_DIR / "LiberationSerif-BoldItalic.ttf",
}
STAMP_FONT = FONT_DIR / "NotoSerif-Vietnamese.ttf"

_BASE_VOWELS = "aăâeêioôơuưy"
_TONES = ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")


def vietnamese_letters() -> list[str]:
    """The 146 letters: 12 vowels × 6 tones × 2 cases, plus đ and Đ (NFC)."""
    letters = [unicodedata.normalize("NFC", vowel + tone) for vowel in _BASE_VOWELS for tone in _TONES]
    letters += [letter.upper() for letter in letters]
    return [*letters, "đ", "Đ"]


def face_name(bold: bool = False, italic: bool = False) -> str:
    if bold and italic:
        return f"{FAMILY}-BoldItalic"
    if bold:
        return f"{FAMILY}-Bold"
    if italic:
        return f"{FAMILY}-Italic"
    return FAMILY


_lock = threading.Lock()
_registered = False


def register_reportlab_fonts() -> None:
    """Once per process: the four faces as one family, so <b> and <i> pick the right file."""
    global _registered
    if _registered:
        return
    with _lock:
        if _registered:
            return
        from reportlab.lib.fonts import addMapping
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.ttfonts import TTFont

        for key, path in FACES.items():
            bold, italic = "bold" in key, "italic" in key
            pdfmetrics.registerFont(TTFont(face_name(bold, italic), str(path)))
        for bold in (False, True):
            for italic in (False, True):
                addMapping(FAMILY, int(bold), int(italic), face_name(bold, italic))
        _registered = True

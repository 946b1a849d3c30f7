"""Markdown to safe HTML: raw HTML in the source is shown as text, never executed."""

from __future__ import annotations

import unicodedata

from markdown_it import MarkdownIt
from markupsafe import Markup

_markdown = (
    MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    .enable("table")
    .enable("strikethrough")
)


def render_markdown(text: str) -> Markup:
    """CommonMark with tables; ``html`` off, and markdown-it refuses javascript:/data: links."""
    return Markup(_markdown.render(text or ""))


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)

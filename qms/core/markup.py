"""Markdown to safe HTML: raw HTML in the source is shown as text, never executed."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import Markup

_markdown = (
    MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    .enable("table")
    .enable("strikethrough")
)


def _aligned_cell(renderer: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    """A table cell aligned by a class (``align-left|center|right``), not a ``style``
    attribute, which the Content-Security-Policy would refuse."""
    token = tokens[idx]
    style = str(token.attrs.pop("style", ""))
    if style.startswith("text-align:"):
        token.attrJoin("class", "align-" + style.removeprefix("text-align:"))
    return str(renderer.renderToken(tokens, idx, options, env))


_markdown.add_render_rule("th_open", _aligned_cell)
_markdown.add_render_rule("td_open", _aligned_cell)


def render_markdown(text: str) -> Markup:
    """CommonMark with tables; ``html`` off, and markdown-it refuses javascript:/data: links."""
    return Markup(_markdown.render(text or ""))


def plain_text(text: str) -> str:
    """The words of a Markdown text without its markup (no ``#``, ``**`` or table pipes),
    its blocks and table cells separated by spaces: what a search snippet shows."""
    parts: list[str] = []
    for token in _markdown.parse(text or ""):
        if token.type == "inline":
            parts.extend(child.content if child.type in ("text", "code_inline") else " "
                         for child in token.children or [] if child.type in ("text", "code_inline",
                                                                              "softbreak", "hardbreak"))
            parts.append(" ")
    return " ".join("".join(parts).split())


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


#: paragraphs, headings and list items a record may hold: a procedure of a hundred pages has
#: about 1,500; ten thousand typeset in a few seconds (about 400 pages of one-line headings),
#: while the most seven sections can hold (350,000 one-line headings) would take minutes
MAX_FLOW_BLOCKS = 10_000
#: what a version's text may hold, leaving room for the blocks the record adds itself (cover,
#: section headings, sign-off), so that whatever a drafter can save can be typeset
MAX_TEXT_BLOCKS = MAX_FLOW_BLOCKS - 200


def flow_blocks(text: str) -> int:
    """Paragraphs, headings and list items of a Markdown text, as the record builders count them
    (a loose list's paragraphs count once more: the estimate errs on the long side)."""
    return sum(1 for token in _markdown.parse(text or "")
               if token.type in ("heading_open", "list_item_open")
               or (token.type == "paragraph_open" and not token.hidden))

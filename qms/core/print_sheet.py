"""The running header of a printed document page: code and revision on every sheet.

A page's own header is printed once, on the first sheet. What repeats on every sheet lives in
the page's margin boxes (``@page { @top-center { content: … } }``), and a margin box can only
say what a stylesheet gives it; the content security policy allows no inline style. So a page
links ``/print-header.css?text=…`` with ``media="print"``: a stylesheet that carries the text,
every character escaped, and nothing else.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query
from starlette.responses import Response

router = APIRouter()

MAX_TEXT = 200
PATH = "/print-header.css"
#: Characters written as themselves; every other one as a CSS escape ("\\1ea1 ").
_PLAIN = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 .,-_/:")


def css_string(text: str) -> str:
    """``text`` as a quoted CSS string that nothing in it can end early."""
    return '"' + "".join(ch if ch in _PLAIN else f"\\{ord(ch):x} " for ch in text) + '"'


def print_header_url(text: str) -> str:
    return f"{PATH}?{urlencode({'text': text[:MAX_TEXT]})}"


@router.get(PATH, include_in_schema=False)
def print_header(text: Annotated[str, Query(max_length=MAX_TEXT)] = "") -> Response:
    body = ("@page { @top-center { content: " + css_string(text) + "; "
            'font: 9pt "Times New Roman", "Liberation Serif", serif; color: #000; } }\n')
    return Response(body, media_type="text/css",
                    headers={"Cache-Control": "public, max-age=86400"})

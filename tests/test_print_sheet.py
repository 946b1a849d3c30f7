"""The stylesheet that puts a document's code and revision at the top of every printed sheet:
the text it is given is only ever a CSS string."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient


def _content_string(css: str) -> str:
    """The text of the one ``content`` string, escapes decoded."""
    found = re.fullmatch(r'@page \{ @top-center \{ content: "([^"]*)"; font: [^{}]*; \} \}\n', css)
    assert found, css
    return re.sub(r"\\([0-9a-f]+) ", lambda m: chr(int(m.group(1), 16)), found.group(1))


def test_the_running_header_carries_the_text_as_one_escaped_string(client: TestClient):
    response = client.get("/print-header.css", params={"text": "QT-04 · Lần ban hành 02"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/css")
    assert _content_string(response.text) == "QT-04 · Lần ban hành 02"


def test_text_that_tries_to_end_the_string_stays_inside_it(client: TestClient):
    hostile = 'x"; } body { display: none } @import "//evil.example/a.css\\'
    assert _content_string(client.get("/print-header.css", params={"text": hostile}).text) == hostile


def test_a_text_too_long_for_a_header_is_refused_by_name(client: TestClient):
    response = client.get("/print-header.css", params={"text": "x" * 201})
    assert response.status_code == 422
    assert "text" in response.text

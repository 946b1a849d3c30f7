"""JSON bodies over QMS_MAX_JSON_KB are answered 413 with a detail before anything reads them
whole or parses them, signed in or not, whether their length is declared or streamed."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from support import api_headers

from qms.app import create_app
from qms.core.config import Settings


@pytest.fixture
def small_app(settings: Settings, engine):
    """The app with a limit of 2 KB, so that the tests send little."""
    return create_app(settings.model_copy(update={"max_json_kb": 2}), engine)


@pytest.fixture
def small(small_app) -> Iterator[TestClient]:
    with TestClient(small_app, cookies={"qms_lang": "en"}) as client:
        yield client


def _chunks(data: bytes, size: int = 512) -> Iterator[bytes]:
    for start in range(0, len(data), size):
        yield data[start:start + size]


def test_the_default_limit_is_one_megabyte(client):
    body = json.dumps({"username": "x" * (1024 * 1024), "password": "y"})
    response = client.post("/api/v1/auth/token", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert "1024 KB" in response.json()["detail"]


def test_a_declared_length_over_the_limit_is_refused_before_sign_in(small, monkeypatch):
    def never(*_args, **_kwargs):
        raise AssertionError("the body was parsed")

    body = json.dumps({"username": "quantri", "password": "p" * 4000})
    with monkeypatch.context() as parsing:
        parsing.setattr("json.loads", never)
        response = small.post("/api/v1/auth/token", content=body,
                              headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert response.json() == {
        "detail": "The request body is larger than the limit of 2 KB (QMS_MAX_JSON_KB)."}


def test_a_streamed_body_is_counted_and_cut(small, make):
    make.user("nv1", "staff")
    headers = {**api_headers(small, "nv1"), "content-type": "application/json"}
    body = json.dumps({"current_password": "x" * 5000, "new_password": "y"}).encode()
    response = small.post("/api/v1/me/password", content=_chunks(body), headers=headers)
    assert response.status_code == 413
    assert "2 KB" in response.json()["detail"]


@pytest.mark.parametrize("content_type",
                         ["application/json; charset=utf-8", "application/merge-patch+json", None])
def test_every_json_body_is_counted(small, content_type):
    body = json.dumps({"username": "u" * 3000, "password": "p"})
    headers = {"content-type": content_type} if content_type else {}
    response = small.post("/api/v1/auth/token", content=_chunks(body.encode()), headers=headers)
    assert response.status_code == 413


def test_a_body_within_the_limit_goes_through_whole(small, make):
    make.user("nv1", "staff")
    body = json.dumps({"username": "nv1", "password": "wrong", "note": "x" * 1800}).encode()
    assert len(body) < 2048
    declared = small.post("/api/v1/auth/token", content=body, headers={"content-type": "application/json"})
    streamed = small.post("/api/v1/auth/token", content=_chunks(body, 100),
                          headers={"content-type": "application/json"})
    assert declared.status_code == streamed.status_code == 401

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from readers import Reader
from sqlalchemy import Engine
from support import Factory

from qms.accounts.auth import Principal
from qms.core.i18n import current_language, set_language


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """Services called directly speak English here, like the test browser."""
    before = current_language()
    set_language("en")
    yield
    set_language(before)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    """A browser that chose English, so that messages can be compared as written."""
    with TestClient(app, base_url="http://testserver", cookies={"qms_lang": "en"}) as test_client:
        yield test_client


@pytest.fixture
def read(engine: Engine) -> Reader:
    return Reader(engine)


@pytest.fixture
def admin(make: Factory) -> Principal:
    return make.user("quantri", "admin", unit="CNTT", full_name="Nguyễn Quản Trị")

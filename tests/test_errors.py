"""How the app answers when something is missing, forbidden, malformed or broken."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from support import api_headers, csrf_token, login, post_form

from qms.app import create_app
from qms.core.db import make_engine
from qms.core.i18n import current_language, gettext, set_language


def vietnamese(message: str) -> str:
    before = current_language()
    set_language("vi")
    try:
        return gettext(message)
    finally:
        set_language(before)


# --- health -----------------------------------------------------------------------------


def test_health_needs_no_sign_in(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_health_reports_an_unreachable_database(settings):
    broken = make_engine("postgresql+psycopg://postgres@127.0.0.1:1/qms")
    with TestClient(create_app(settings, broken)) as client:
        response = client.get("/healthz")
    broken.dispose()
    assert response.status_code == 503
    assert response.json() == {"status": "degraded", "database": "unavailable"}


# --- pages ------------------------------------------------------------------------------


def test_unknown_page_is_a_404_page_in_vietnamese_by_default(client):
    response = client.get("/khong-co-trang-nay")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert '<html lang="vi">' in response.text
    title = vietnamese("Page not found")
    assert title != "Page not found", "the Vietnamese catalog translates the error pages"
    assert f"<h1>{title}</h1>" in response.text
    assert vietnamese("The page or object you asked for does not exist.") in response.text


def test_error_pages_follow_the_chosen_language(client):
    client.cookies.set("qms_lang", "en")
    response = client.get("/khong-co-trang-nay")
    assert '<html lang="en">' in response.text
    assert "<h1>Page not found</h1>" in response.text


def test_forbidden_page_explains_and_shows_who_is_signed_in(client, make):
    make.user("nv1", "staff", full_name="Hoàng Văn Út")
    login(client, "nv1")
    response = client.get("/admin/users")
    assert response.status_code == 403
    assert response.headers["content-type"].startswith("text/html")
    assert vietnamese("Access denied") in response.text
    assert vietnamese("Your role does not allow this action.") in response.text
    assert "Hoàng Văn Út" in response.text


def test_a_page_without_sign_in_leads_to_the_sign_in_page_and_back(client, make):
    make.user("quantri", "admin")
    response = client.get("/admin/users?status=all", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/admin/users%3Fstatus%3Dall"
    page = client.get(response.headers["location"])
    assert 'name="next" value="/admin/users?status=all"' in page.text
    signed_in = client.post("/login", follow_redirects=False, data={
        "username": "quantri", "password": "Qzx-Vbw-48Kr", "next": "/admin/users?status=all",
        "csrf_token": csrf_token(client)})
    assert signed_in.headers["location"] == "/admin/users?status=all"


def test_htmx_without_sign_in_is_told_to_go_to_the_sign_in_page(client):
    response = client.get("/admin/users", headers={"HX-Request": "true"}, follow_redirects=False)
    assert response.status_code == 401
    assert response.headers["hx-redirect"] == "/login"


def test_a_bad_query_on_a_page_is_a_422_page(client, make):
    make.user("quantri", "admin")
    login(client, "quantri")
    response = client.get("/admin/users?page=0")
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("text/html")
    assert "page" in response.text


def test_wrong_method_on_a_page_is_405(client):
    response = client.put("/login")
    assert response.status_code == 405
    assert response.headers["content-type"].startswith("text/html")


# --- the API ----------------------------------------------------------------------------


def test_unknown_api_path_is_json_404(client):
    response = client.get("/api/v1/khong-co")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/json"
    assert response.json()["detail"]


def test_unknown_object_is_json_404_naming_it(client, make):
    make.user("quantri", "admin")
    response = client.get("/api/v1/users/khongco", headers=api_headers(client, "quantri"))
    assert response.status_code == 404
    assert "khongco" in response.json()["detail"]


def test_forbidden_in_the_api_is_json_403(client, make):
    make.user("nv1", "staff")
    response = client.get("/api/v1/users", headers=api_headers(client, "nv1"))
    assert response.status_code == 403
    assert response.json() == {"detail": vietnamese("Your role does not allow this action.")}


def test_the_api_speaks_the_language_the_caller_accepts(client, make):
    make.user("nv1", "staff")
    headers = {**api_headers(client, "nv1"), "Accept-Language": "en-GB,en;q=0.9"}
    response = client.get("/api/v1/users", headers=headers)
    assert response.json() == {"detail": "Your role does not allow this action."}


def test_wrong_method_in_the_api_is_json_405(client):
    response = client.delete("/api/v1/me")
    assert response.status_code == 405
    assert response.json()["detail"]
    assert "GET" in response.headers["allow"]


def test_validation_failures_name_the_field_both_ways(client, make):
    make.user("quantri", "admin")
    headers = {**api_headers(client, "quantri"), "Accept-Language": "en"}
    schema = client.post("/api/v1/units", headers=headers, json={"code": "KH"})
    rule = client.post("/api/v1/units", headers=headers, json={"code": "KH", "name": "Kế hoạch",
                                                                 "parent": "KHONGCO"})
    assert schema.status_code == rule.status_code == 422
    assert schema.json()["errors"] == [{"field": "name", "reason": "This field is required."}]
    assert rule.json()["field"] == "parent"
    assert rule.json()["errors"] == [{"field": "parent", "reason": rule.json()["detail"]}]


def test_every_kind_of_bad_value_is_explained_in_vietnamese(client, make):
    """Whatever the wrong shape, the reason is in the caller's language, never the
    validation library's English."""
    make.user("quantri", "admin")
    headers = api_headers(client, "quantri")
    wrong = client.post("/api/v1/units", headers=headers,
                        json={"code": ["KH"], "name": 5, "sort_order": 1.5, "unknown": True})
    assert wrong.status_code == 422
    reasons = {e["field"]: e["reason"] for e in wrong.json()["errors"]}
    assert reasons["code"] == "Phải là văn bản." and reasons["name"] == "Phải là văn bản."
    assert all(reason.isascii() is False for reason in reasons.values()), reasons
    assert "Input should" not in wrong.text


# --- bad input never gives a 500 ----------------------------------------------------------


@pytest.mark.parametrize("url", [
    "/api/v1/users/a%00b", "/api/v1/audit?actor=a%00b", "/api/v1/audit?object=user:a%00b",
    "/api/v1/users/" + "x" * 5000, "/api/v1/audit?since=2024-13-45",
])
def test_odd_api_input_is_answered_not_crashed_on(client, make, url):
    make.user("quantri", "admin")
    response = client.get(url, headers=api_headers(client, "quantri"))
    assert response.status_code in (200, 404, 422)
    if response.status_code == 200:
        assert response.json() == [], "nothing matches such a filter"
    else:
        assert response.json()["detail"]


@pytest.mark.parametrize("url", ["/admin/users?q=a%00b", "/admin/users?unit=a%00b", "/admin/users/a%00b",
                                 "/admin/units/A%00B", "/admin/users?sort=" + "x" * 20,
                                 "/login?next=/a%00b"])
def test_odd_page_input_is_answered_not_crashed_on(client, make, url):
    make.user("quantri", "admin")
    login(client, "quantri")
    response = client.get(url, follow_redirects=False)
    assert response.status_code in (200, 303, 404, 422)


@pytest.mark.parametrize("body", [{"username": "a\u0000b", "password": "x"},
                                  {"username": "quantri", "password": "a\u0000b"},
                                  {"username": 12, "password": ["x"]},
                                  {"username": "x" * 100_000, "password": "x"}])
def test_odd_sign_in_attempts_are_refused_cleanly(client, make, body):
    make.user("quantri", "admin")
    response = client.post("/api/v1/auth/token", json=body)
    assert response.status_code in (401, 422)
    assert response.json()["detail"]


def test_odd_form_sign_in_is_refused_cleanly(client, make):
    make.user("quantri", "admin")
    response = client.post("/login", data={"username": "a\u0000b", "password": "x",
                                           "csrf_token": csrf_token(client)})
    assert response.status_code in (401, 422)


@pytest.mark.parametrize(("body", "field"), [
    ({"full_name": "Lê\u0000Hoa"}, "full_name"),
    ({"title": "Trưởng\u0007phòng"}, "title"),
])
def test_control_characters_in_names_are_refused_naming_the_field(client, make, read_user, body, field):
    make.user("quantri", "admin")
    make.user("nv1", "staff")
    response = client.patch("/api/v1/users/nv1", json=body, headers=api_headers(client, "quantri"))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == field
    assert read_user("nv1").full_name == "Nv1"


@pytest.mark.parametrize("body", [{"unit": "A\u0000"}, {"email": "a\u0000@example.gov.vn"}])
def test_other_odd_values_in_an_edit_change_nothing(client, make, read_user, body):
    make.user("quantri", "admin")
    make.user("nv1", "staff")
    response = client.patch("/api/v1/users/nv1", json=body, headers=api_headers(client, "quantri"))
    assert response.status_code == 422
    assert read_user("nv1").email == "nv1@example.gov.vn"


def test_odd_values_in_a_form_are_refused_cleanly(client, make):
    make.user("quantri", "admin")
    login(client, "quantri")
    response = post_form(client, "/admin/units", {"code": "KH", "name": "Kế\u0000hoạch"})
    assert response.status_code == 422
    agency = post_form(client, "/admin/agency", {"name": "Sở\u0000Nội vụ"})
    assert agency.status_code in (303, 422)


@pytest.fixture
def read_user(engine):
    from sqlmodel import Session, select

    from qms.accounts.models import User

    def read(username: str) -> User:
        with Session(engine) as session:
            return session.execute(select(User).where(User.username == username)).scalar_one()

    return read


# --- the last resort ---------------------------------------------------------------------


@pytest.fixture
def fragile_app(settings, engine):
    app = create_app(settings, engine)

    @app.get("/api/v1/boom")
    def boom_api() -> None:
        raise RuntimeError("boom")

    @app.get("/boom")
    def boom_page() -> None:
        raise RuntimeError("boom")

    return app


def test_an_unexpected_error_is_a_calm_500(fragile_app):
    with TestClient(fragile_app, raise_server_exceptions=False) as client:
        api = client.get("/api/v1/boom")
        page = client.get("/boom")
    assert api.status_code == page.status_code == 500
    assert api.json() == {"detail": vietnamese(
        "An unexpected error occurred; nothing was changed. Please try again.")}
    assert "RuntimeError" not in page.text and "Traceback" not in page.text
    assert vietnamese("Something went wrong") in page.text


@pytest.mark.parametrize(("header", "language"), [
    ("fr-FR, en;q=0.8", "en"), ("vi-VN,vi;q=0.9,en;q=0.8", "vi"), ("de", "vi"), ("", "vi")])
def test_the_api_takes_the_first_language_it_speaks(client, header, language):
    response = client.get("/api/v1/me", headers={"Accept-Language": header})
    expected = "Please sign in." if language == "en" else vietnamese("Please sign in.")
    assert response.json() == {"detail": expected}

"""Signing in and out through the form and the API, sessions, tokens and throttling."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlmodel import Session
from support import PASSWORD, api_headers, csrf_token, login, post_form

from qms.accounts.models import AuthSession, LoginAttempt
from qms.db import utcnow
from qms.deps import SESSION_COOKIE


def form_login(client: TestClient, username: str, password: str = PASSWORD, next: str = ""):
    return client.post("/login", data={"username": username, "password": password, "next": next,
                                       "csrf_token": csrf_token(client)}, follow_redirects=False)


def token_login(client: TestClient, username: str, password: str = PASSWORD):
    return client.post("/api/v1/auth/token", json={"username": username, "password": password})


# --- signing in -------------------------------------------------------------------------


def test_form_sign_in_opens_a_session_and_records_it(client, make, read):
    make.user("giamdoc", "approver", full_name="Đặng Văn Bình")

    response = form_login(client, "giamdoc")

    assert response.status_code == 303
    assert response.headers["location"] == "/"
    assert client.cookies.get(SESSION_COOKIE)
    assert "Đặng Văn Bình" in client.get("/").text
    [session] = read.sessions("giamdoc")
    assert session.kind == "web"
    [event] = read.events()
    assert (event.action, event.actor_username, event.object_id) == ("auth.login", "giamdoc", "giamdoc")
    assert '"channel":"web"' in event.details


def test_token_sign_in_gives_a_bearer_token(client, make, read):
    make.user("iso", "quality_officer")

    response = token_login(client, "iso")

    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "bearer"
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.json()["username"] == "iso"
    assert [s.kind for s in read.sessions("iso")] == ["api"]
    assert [e.action for e in read.events()] == ["auth.login"]
    assert client.cookies.get(SESSION_COOKIE) is None


def test_username_is_not_case_sensitive(client, make):
    make.user("iso", "quality_officer")
    assert token_login(client, "  ISO ").status_code == 200


def test_wrong_password_in_the_api_is_401_with_a_reason_and_an_audit_event(client, make, read):
    make.user("iso", "quality_officer")

    response = token_login(client, "iso", "Sai12345")

    assert response.status_code == 401
    assert response.json()["detail"] == "Wrong username or password."
    assert response.headers["www-authenticate"] == "Bearer"
    [event] = read.events()
    assert event.action == "auth.login_failed"
    assert event.actor_id is None
    assert event.object_id == "iso"
    assert '"reason":"bad_credentials"' in event.details
    assert read.sessions("iso") == []
    assert read.attempts("iso") == 1


def test_wrong_password_in_the_form_shows_the_message_and_keeps_the_username(client, make, read):
    make.user("iso", "quality_officer")

    fresh = client.get("/login")
    response = form_login(client, "iso", "Sai12345")

    assert 'role="alert"' not in fresh.text
    assert response.status_code == 401
    assert "Wrong username or password." in response.text
    assert 'value="iso"' in response.text
    assert client.cookies.get(SESSION_COOKIE) is None
    assert [e.action for e in read.events()] == ["auth.login_failed"]


def test_unknown_user_gets_the_same_answer_as_a_wrong_password(client, make, read):
    make.user("iso", "quality_officer")
    unknown = token_login(client, "khongco")
    wrong = token_login(client, "iso", "Sai12345")
    assert unknown.status_code == wrong.status_code == 401
    assert unknown.json() == wrong.json()
    assert [e.object_id for e in read.events("auth.login_failed")] == ["khongco", "iso"]


def test_empty_fields_in_the_form_are_named(client, read):
    response = client.post("/login", data={"username": "", "password": "",
                                           "csrf_token": csrf_token(client)})
    assert response.status_code == 422
    assert response.text.count("This field is required.") == 2
    assert read.events() == []


def test_inactive_user_cannot_sign_in_even_with_the_right_password(client, make, read):
    make.user("cu", "staff", active=False)

    api = token_login(client, "cu")
    form = form_login(client, "cu")

    assert api.status_code == 401
    assert form.status_code == 401
    assert "Wrong username or password." in form.text
    assert read.sessions("cu") == []
    events = read.events()
    assert [e.action for e in events] == ["auth.login_failed", "auth.login_failed"]
    assert all('"reason":"inactive"' in e.details for e in events)


@pytest.mark.parametrize("target", ["/admin/users?status=all&sort=-username", "/audit"])
def test_sign_in_returns_to_the_page_asked_for(client, make, target):
    make.user("quantri", "admin")
    response = form_login(client, "quantri", next=target)
    assert response.headers["location"] == target


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil.example/",
                                    "\\/evil.example", "/\t/evil.example", "javascript:alert(1)"])
def test_sign_in_never_redirects_to_another_site(client, make, target):
    make.user("quantri", "admin")
    response = form_login(client, "quantri", next=target)
    assert response.headers["location"] == "/"


def test_signed_in_user_visiting_the_login_page_goes_on(client, make):
    make.user("quantri", "admin")
    login(client, "quantri")
    response = client.get("/login?next=/audit", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/audit"


# --- sessions ---------------------------------------------------------------------------


def test_logout_ends_the_session_and_is_recorded(client, make, read):
    make.user("iso", "quality_officer")
    login(client, "iso")
    cookie = client.cookies.get(SESSION_COOKIE)

    response = post_form(client, "/logout")

    assert response.status_code == 303
    assert response.headers["location"] == "/login"
    assert read.sessions("iso") == []
    assert [e.action for e in read.events()] == ["auth.login", "auth.logout"]
    assert read.events("auth.logout")[0].actor_username == "iso"
    # The old cookie, replayed, no longer opens anything.
    client.cookies.set(SESSION_COOKIE, cookie)
    page = client.get("/", follow_redirects=False)
    assert page.status_code == 303
    assert page.headers["location"].startswith("/login")


def test_api_logout_revokes_the_token(client, make, read):
    make.user("iso", "quality_officer")
    headers = api_headers(client, "iso")

    assert client.post("/api/v1/auth/logout", headers=headers).status_code == 204

    assert client.get("/api/v1/me", headers=headers).status_code == 401
    assert [e.action for e in read.events()] == ["auth.login", "auth.logout"]


def test_logout_of_one_browser_keeps_the_others(app, make, read):
    make.user("iso", "quality_officer")
    with TestClient(app) as first, TestClient(app) as second:
        login(first, "iso")
        login(second, "iso")
        post_form(first, "/logout")
        assert second.get("/", follow_redirects=False).status_code == 200
    assert len(read.sessions("iso")) == 1


def test_expired_session_is_refused(client, make, db):
    make.user("iso", "quality_officer")
    login(client, "iso")
    db.execute(update(AuthSession).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.commit()

    response = client.get("/", follow_redirects=False)

    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/"


def test_expired_api_token_is_refused(client, make, db):
    make.user("iso", "quality_officer")
    headers = api_headers(client, "iso")
    db.execute(update(AuthSession).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.commit()

    response = client.get("/api/v1/me", headers=headers)

    assert response.status_code == 401
    assert response.json()["detail"]


def test_a_browser_cookie_is_not_an_api_token_and_the_reverse(client, make):
    make.user("iso", "quality_officer")
    token = token_login(client, "iso").json()["access_token"]
    login(client, "iso")
    cookie = client.cookies.get(SESSION_COOKIE)

    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {cookie}"}).status_code == 401
    client.cookies.clear()
    client.cookies.set(SESSION_COOKIE, token)
    assert client.get("/", follow_redirects=False).status_code == 303


def test_a_garbage_bearer_token_does_not_fall_back_to_the_cookie(client, make):
    make.user("iso", "quality_officer")
    login(client, "iso")
    response = client.get("/api/v1/me", headers={"Authorization": "Bearer not-a-token"})
    assert response.status_code == 401


def test_deactivated_user_loses_open_sessions(client, make, db, admin):
    make.user("nv1", "staff")
    headers = api_headers(client, "nv1")
    admin_headers = api_headers(client, "quantri")

    client.patch("/api/v1/users/nv1", json={"active": False}, headers=admin_headers)

    assert client.get("/api/v1/me", headers=headers).status_code == 401


# --- throttling -------------------------------------------------------------------------


def test_repeated_failures_throttle_the_api_even_with_the_right_password(client, make, settings, read):
    make.user("iso", "quality_officer")
    limit = settings.login_max_failures_per_user
    for _ in range(limit):
        assert token_login(client, "iso", "Sai12345").status_code == 401

    response = token_login(client, "iso")

    assert response.status_code == 429
    assert int(response.headers["retry-after"]) == settings.login_window_minutes * 60
    assert "Too many failed sign-in attempts" in response.json()["detail"]
    assert read.sessions("iso") == []
    assert read.events("auth.login") == []


def test_repeated_failures_throttle_the_form_with_a_clear_message(client, make, settings, read):
    make.user("iso", "quality_officer")
    for _ in range(settings.login_max_failures_per_user):
        form_login(client, "iso", "Sai12345")

    response = form_login(client, "iso")

    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.text
    assert f"{settings.login_window_minutes} minutes" in response.text
    assert response.headers["retry-after"]
    assert client.cookies.get(SESSION_COOKIE) is None
    assert read.sessions("iso") == []


def test_throttling_counts_a_username_whatever_its_case(client, make, settings):
    make.user("iso", "quality_officer")
    for index in range(settings.login_max_failures_per_user):
        token_login(client, "ISO" if index % 2 else "Iso", "Sai12345")
    assert token_login(client, "iso").status_code == 429


def test_throttling_one_username_leaves_the_others_alone(client, make, settings):
    make.user("iso", "quality_officer")
    make.user("nv1", "staff")
    for _ in range(settings.login_max_failures_per_user):
        token_login(client, "iso", "Sai12345")
    assert token_login(client, "nv1").status_code == 200


def test_success_clears_the_counter_for_that_user(client, make, settings, read):
    make.user("iso", "quality_officer")
    almost = settings.login_max_failures_per_user - 1
    for _ in range(almost):
        token_login(client, "iso", "Sai12345")
    assert token_login(client, "iso").status_code == 200
    assert read.attempts("iso") == 0
    for _ in range(almost):
        token_login(client, "iso", "Sai12345")
    assert token_login(client, "iso").status_code == 200


def test_failures_older_than_the_window_no_longer_count(client, make, settings, db):
    make.user("iso", "quality_officer")
    for _ in range(settings.login_max_failures_per_user):
        token_login(client, "iso", "Sai12345")
    old = utcnow() - timedelta(minutes=settings.login_window_minutes, seconds=1)
    db.execute(update(LoginAttempt).values(at=old))
    db.commit()
    assert token_login(client, "iso").status_code == 200


def test_many_failures_from_one_address_throttle_every_username(app, make, settings, db):
    make.user("iso", "quality_officer")
    db.add_all(LoginAttempt(username=f"doan{i}", address="10.0.0.66")
               for i in range(settings.login_max_failures_per_address))
    db.commit()
    with TestClient(app, client=("10.0.0.66", 5000)) as guesser, \
            TestClient(app, client=("10.0.0.7", 5000)) as colleague:
        assert token_login(guesser, "iso").status_code == 429
        assert token_login(colleague, "iso").status_code == 200


def test_purging_removes_only_what_has_expired(client, make, settings, db, read):
    make.user("iso", "quality_officer")
    make.user("nv1", "staff")
    api_headers(client, "iso")
    live = api_headers(client, "nv1")
    token_login(client, "khongco", "Sai12345")
    token_login(client, "khac", "Sai12345")
    iso_id = read.user("iso").id
    db.execute(update(AuthSession).where(AuthSession.user_id == iso_id)
               .values(expires_at=utcnow() - timedelta(minutes=1)))
    db.execute(update(LoginAttempt).where(LoginAttempt.username == "khongco")
               .values(at=utcnow() - timedelta(minutes=settings.login_window_minutes + 1)))
    db.commit()

    from qms.accounts.auth import purge_expired

    with Session(db.get_bind()) as session:
        assert purge_expired(session, settings) == 1
        session.commit()

    assert read.sessions("iso") == []
    assert client.get("/api/v1/me", headers=live).status_code == 200
    assert read.attempts("khongco") == 0
    assert read.attempts("khac") == 1


def test_guessing_many_usernames_from_one_address_is_throttled(app, make, settings, monkeypatch, read):
    make.user("iso", "quality_officer")
    monkeypatch.setattr(settings, "login_max_failures_per_address", 3)
    with TestClient(app, client=("10.0.0.66", 5000)) as guesser, \
            TestClient(app, client=("10.0.0.7", 5000)) as colleague:
        for name in ("an", "binh", "cuong"):
            assert token_login(guesser, name, "Sai12345").status_code == 401
        throttled = token_login(guesser, "iso")
        assert throttled.status_code == 429
        assert throttled.headers["retry-after"]
        assert token_login(colleague, "iso").status_code == 200
    assert read.attempts() == 3

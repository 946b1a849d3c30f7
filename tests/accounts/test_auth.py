"""Signing in and out through the form and the API, sessions, tokens and throttling."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlmodel import Session
from support import PASSWORD, api_headers, csrf_token, login, post_form

from qms.accounts.models import AuthSession, LoginAttempt
from qms.core.db import utcnow
from qms.core.deps import SESSION_COOKIE


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
# After three wrong passwords the next try waits 1, 2, 4, ... seconds after the latest one, up
# to a cap, and never longer: nobody can be locked out. A browser that has signed in as the
# user before is slowed only by its own failures.


def test_after_three_failures_the_api_waits_and_the_wait_doubles(client, make, clock, read):
    make.user("iso", "quality_officer")
    for _ in range(3):
        assert token_login(client, "iso", "Sai12345").status_code == 401

    waits = []
    for _ in range(4):
        refused = token_login(client, "iso")
        assert refused.status_code == 429, "even the right password waits its turn"
        waits.append(int(refused.headers["retry-after"]))
        assert f"wait {waits[-1]} seconds" in refused.json()["detail"]
        clock.advance(waits[-1])
        assert token_login(client, "iso", "Sai12345").status_code == 401

    assert waits == [1, 2, 4, 8]
    assert read.sessions("iso") == []
    assert read.events("auth.login") == []


def test_the_wait_has_a_cap_and_then_the_right_password_signs_in(client, make, settings, clock, db):
    make.user("giamdoc", "approver")
    db.add_all(LoginAttempt(username="giamdoc", address="10.9.9.9", at=clock.now) for _ in range(60))
    db.commit()

    refused = token_login(client, "giamdoc")
    clock.advance(settings.login_delay_cap_seconds)
    allowed = token_login(client, "giamdoc")

    assert refused.status_code == 429
    assert int(refused.headers["retry-after"]) == settings.login_delay_cap_seconds == 300
    assert "wait 5 minutes" in refused.json()["detail"]
    assert allowed.status_code == 200, "a wait, never a lock"


def test_the_form_says_how_long_to_wait_in_vietnamese(app, make, clock):
    make.user("iso", "quality_officer")
    with TestClient(app, base_url="http://testserver") as browser:
        for _ in range(3):
            form_login(browser, "iso", "Sai12345")
        clock.advance(0.5)

        response = form_login(browser, "iso")

    assert response.status_code == 429
    assert response.headers["retry-after"] == "1"
    assert "Đã có quá nhiều lần nhập sai mật khẩu. Vui lòng chờ 1 giây rồi thử lại." in response.text
    assert not browser.cookies.get(SESSION_COOKIE)


def test_the_form_refusal_in_english(client, make, clock):
    make.user("iso", "quality_officer")
    for _ in range(3):
        form_login(client, "iso", "Sai12345")

    response = form_login(client, "iso")

    assert response.status_code == 429
    assert "Too many wrong passwords. Please wait 1 seconds, then try again." in response.text
    assert response.headers["retry-after"] == "1"


def test_failures_from_one_address_do_not_stop_the_head_signing_in_from_a_known_device(
        app, make, clock, db, read):
    """The head of agency and a guesser sit behind the same address (one NAT for the whole
    agency): the guesser's failures slow everyone else, not the head's own browser."""
    make.user("giamdoc", "approver", full_name="Đặng Văn Bình")
    with TestClient(app, client=("10.0.0.66", 5000)) as head, \
            TestClient(app, client=("10.0.0.66", 5001)) as guesser, \
            TestClient(app, client=("10.0.0.66", 5002)) as new_browser:
        for client in (head, guesser, new_browser):
            client.cookies.set("qms_lang", "en")
        assert form_login(head, "giamdoc").status_code == 303
        post_form(head, "/logout")
        for _ in range(3):
            assert token_login(guesser, "giamdoc", "Sai12345").status_code == 401
        db.add_all(LoginAttempt(username="giamdoc", address="10.0.0.66", at=clock.now)
                   for _ in range(40))
        db.add_all(LoginAttempt(username=f"nv{i}", address="10.0.0.66", at=clock.now)
                   for i in range(40))
        db.commit()

        assert token_login(guesser, "giamdoc").status_code == 429
        assert form_login(new_browser, "giamdoc").status_code == 429
        from_known_device = form_login(head, "giamdoc")

        assert from_known_device.status_code == 303
        assert "Đặng Văn Bình" in head.get("/").text
    assert read.attempts("giamdoc") == 43, "the guesser's failures still count elsewhere"


def test_a_known_device_is_slowed_by_its_own_failures(client, make, clock):
    make.user("giamdoc", "approver")
    login(client, "giamdoc")
    post_form(client, "/logout")
    for _ in range(3):
        assert form_login(client, "giamdoc", "Sai12345").status_code == 401

    response = form_login(client, "giamdoc")

    assert response.status_code == 429
    assert response.headers["retry-after"] == "1"


def test_the_known_device_cookie_is_per_user_and_cannot_be_forged(app, make, clock, db):
    make.user("giamdoc", "approver")
    make.user("iso", "quality_officer")
    db.add_all(LoginAttempt(username=name, address="10.9.9.9", at=clock.now)
               for name in ("giamdoc", "iso") for _ in range(10))
    db.commit()
    with TestClient(app) as browser:
        browser.cookies.set("qms_lang", "en")
        assert form_login(browser, "giamdoc").status_code == 429
        clock.advance(300)
        assert form_login(browser, "giamdoc").status_code == 303
        post_form(browser, "/logout")
        device = browser.cookies.get("qms_device")
        nonce, _dot, mac = device.partition(".")

        assert form_login(browser, "iso").status_code == 303, "the wait is over for iso too"
        db.add_all(LoginAttempt(username=name, address="10.9.9.9", at=clock.now)
                   for name in ("giamdoc", "iso") for _ in range(10))
        db.commit()
        post_form(browser, "/logout")
        assert form_login(browser, "giamdoc").status_code == 303
        post_form(browser, "/logout")
        assert form_login(browser, "iso").status_code == 303, "the device knows iso since then"

    with TestClient(app) as forger:
        forger.cookies.set("qms_device", f"{nonce}.{mac[:-1]}{'0' if mac[-1] != '0' else '1'}")
        db.add(LoginAttempt(username="giamdoc", address="10.9.9.9", at=clock.now))
        db.commit()
        assert form_login(forger, "giamdoc").status_code == 429, "a tampered entry is not known"
        forger.cookies.set("qms_device", device)
        assert token_login(forger, "giamdoc").status_code == 200, "the genuine entry is"


def test_refusals_by_the_throttle_are_audited_from_the_api_and_the_form(app, make, clock, read):
    make.user("iso", "quality_officer")
    with TestClient(app, client=("10.0.0.9", 5000)) as client:
        for _ in range(3):
            token_login(client, "iso", "Sai12345")
        assert token_login(client, "Iso").status_code == 429
        clock.advance(0.5)
        assert form_login(client, "iso").status_code == 429

    events = read.events("auth.throttled")
    assert [(e.actor_username, e.object_id) for e in events] == [("iso", "iso")] * 2
    assert '"address":"10.0.0.9"' in events[0].details
    assert '"wait_seconds":1' in events[0].details and '"channel":"api"' in events[0].details
    assert '"wait_seconds":1' in events[1].details and '"channel":"web"' in events[1].details
    assert read.attempts("iso") == 3, "a refused try is not one more failure"


def test_throttling_counts_a_username_whatever_its_case(client, make, clock):
    make.user("iso", "quality_officer")
    for index in range(3):
        token_login(client, "ISO" if index % 2 else "Iso", "Sai12345")
    assert token_login(client, "iso").status_code == 429


def test_throttling_one_username_leaves_the_others_alone(client, make, clock):
    make.user("iso", "quality_officer")
    make.user("nv1", "staff")
    for _ in range(3):
        token_login(client, "iso", "Sai12345")
    assert token_login(client, "nv1").status_code == 200


def test_success_clears_the_users_own_failures_only(app, make, clock, read):
    make.user("iso", "quality_officer")
    with TestClient(app, client=("10.0.0.7", 5000)) as own, \
            TestClient(app, client=("10.0.0.66", 5000)) as guesser:
        token_login(guesser, "iso", "Sai12345")
        for _ in range(2):
            token_login(own, "iso", "Sai12345")
        clock.advance(1)
        assert token_login(own, "iso").status_code == 200
        assert read.attempts("iso") == 1, "the guesser's failure still counts"
        for _ in range(2):
            token_login(own, "iso", "Sai12345")
        assert token_login(own, "iso").status_code == 429


def test_failures_older_than_the_window_no_longer_count(client, make, settings, db, clock):
    make.user("iso", "quality_officer")
    for _ in range(20):
        db.add(LoginAttempt(username="iso", address="testclient", at=clock.now))
    db.commit()
    assert token_login(client, "iso").status_code == 429
    clock.advance(settings.login_window_minutes * 60 + 1)
    assert token_login(client, "iso").status_code == 200


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


def test_guessing_many_usernames_from_one_address_is_throttled(app, make, settings, clock, read):
    make.user("iso", "quality_officer")
    free = settings.login_free_failures_per_address
    with TestClient(app, client=("10.0.0.66", 5000)) as guesser, \
            TestClient(app, client=("10.0.0.7", 5000)) as colleague:
        for index in range(free):
            assert token_login(guesser, f"nv{index}", "Sai12345").status_code == 401
        throttled = token_login(guesser, "iso")
        assert throttled.status_code == 429
        assert throttled.headers["retry-after"] == "1"
        assert token_login(colleague, "iso").status_code == 200
    assert read.attempts() == free

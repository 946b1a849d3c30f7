"""The CSRF token is bound to the session: rotated at sign-in and sign-out, and a token made
before sign-in or for another session is refused even when the cookie is planted with it."""

from __future__ import annotations

from fastapi.testclient import TestClient
from support import csrf_token, login

#: A form that answers 422 to empty fields once the CSRF check has let it through.
FORM = "/account/password"


def _post(client: TestClient, token: str, **kwargs):
    return client.post(FORM, data={"csrf_token": token, "current_password": "", "new_password": ""},
                       follow_redirects=False, **kwargs)


def _plant(client: TestClient, token: str) -> None:
    """What another page of the same site could do: set the CSRF cookie to a token it knows."""
    [domain] = [cookie.domain for cookie in client.cookies.jar if cookie.name == "qms_csrf"]
    client.cookies.set("qms_csrf", token, domain=domain)


def test_the_token_is_rotated_at_sign_in_and_sign_out(client, make):
    make.user("nv1", "staff")
    before = csrf_token(client)
    login(client, "nv1")
    signed_in = client.cookies.get("qms_csrf")
    assert signed_in and signed_in != before
    assert _post(client, signed_in).status_code == 422

    client.post("/logout", data={"csrf_token": signed_in}, follow_redirects=False)
    assert client.cookies.get("qms_csrf") not in (before, signed_in)


def test_a_token_from_before_sign_in_is_refused(client, make):
    make.user("nv1", "staff")
    before = csrf_token(client)
    login(client, "nv1")
    _plant(client, before)

    refused = _post(client, before)

    assert refused.status_code == 403
    assert client.cookies.get("qms_csrf") != before, "a token of this session is issued instead"


def test_a_token_of_another_session_is_refused(app, make):
    make.user("nv1", "staff")
    make.user("nv2", "staff")
    with TestClient(app) as attacker, TestClient(app) as victim:
        login(attacker, "nv1")
        login(victim, "nv2")
        stolen = attacker.cookies.get("qms_csrf")
        own = victim.cookies.get("qms_csrf")
        _plant(victim, stolen)
        assert _post(victim, stolen).status_code == 403
        _plant(victim, own)
        assert _post(victim, own).status_code == 422


def test_a_token_made_up_with_the_right_shape_is_refused(client, make):
    make.user("nv1", "staff")
    login(client, "nv1")
    genuine = client.cookies.get("qms_csrf")
    nonce, _dot, mac = genuine.partition(".")
    forged = f"{nonce}.{mac[:-2]}AA" if not mac.endswith("AA") else f"{nonce}.{mac[:-2]}BB"
    _plant(client, forged)
    assert _post(client, forged).status_code == 403


def test_a_non_ascii_token_is_refused_not_a_server_error(client, make):
    make.user("nv1", "staff")
    login(client, "nv1")
    assert _post(client, "đ" * 43).status_code == 403
    header = client.post(FORM, content=b"current_password=&new_password=",
                         headers={"content-type": "application/x-www-form-urlencoded",
                                  "x-csrf-token": "é".encode("latin-1") * 43})
    assert header.status_code == 403
    assert _post(client, client.cookies.get("qms_csrf")).status_code == 422


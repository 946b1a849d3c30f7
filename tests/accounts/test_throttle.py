"""The current password at the change of password is throttled and audited like a sign-in."""

from __future__ import annotations

import re

from support import PASSWORD, api_headers, login, post_form

from qms.accounts.models import LoginAttempt
from qms.accounts.passwords import verify_password

NEW = "Canh-dieu-bay-qua-song-7"


def change(client, headers, current: str):
    return client.post("/api/v1/me/password", headers=headers,
                       json={"current_password": current, "new_password": NEW})


def test_a_wrong_current_password_is_audited_and_counted(client, make, read):
    make.user("nv1", "staff")
    headers = api_headers(client, "nv1")

    response = change(client, headers, "Sai-mat-khau1")

    assert response.status_code == 422
    assert response.json()["field"] == "current_password"
    [event] = read.events("auth.password_change_failed")
    assert (event.actor_username, event.object_id) == ("nv1", "nv1")
    assert "Sai-mat-khau1" not in event.details
    assert read.attempts("nv1") == 1


def test_guessing_the_current_password_waits_longer_each_time(client, make, clock, read):
    make.user("nv1", "staff")
    headers = api_headers(client, "nv1")
    for _ in range(3):
        assert change(client, headers, "Sai-mat-khau1").status_code == 422

    waits = []
    for _ in range(3):
        refused = change(client, headers, PASSWORD)
        assert refused.status_code == 429
        assert refused.json()["field"] == "current_password"
        waits.append(int(refused.headers["retry-after"]))
        clock.advance(waits[-1])
        assert change(client, headers, "Sai-mat-khau1").status_code == 422

    assert waits == [1, 2, 4]
    assert verify_password(read.user("nv1").password_hash, PASSWORD)
    refusals = read.events("auth.throttled")
    assert len(refusals) == 3
    assert all('"channel":"password_change"' in e.details for e in refusals)
    assert len(read.events("auth.password_change_failed")) == 6


def test_the_password_form_says_how_long_to_wait(client, make, clock):
    make.user("nv1", "staff")
    login(client, "nv1")
    fields = {"current_password": "Sai-mat-khau1", "new_password": NEW, "confirm_password": NEW}
    for _ in range(3):
        assert post_form(client, "/account/password", fields).status_code == 422

    response = post_form(client, "/account/password", {**fields, "current_password": PASSWORD})

    assert response.status_code == 429
    assert response.headers["retry-after"] == "1"
    assert re.search(r'<small id="e-current_password" class="field-error">[^<]*Please wait 1 seconds',
                     response.text)


def test_guesses_at_the_sign_in_do_not_slow_a_signed_in_change_of_password(client, make, clock, db, read):
    make.user("nv1", "staff")
    login(client, "nv1")
    db.add_all(LoginAttempt(username="nv1", address="10.0.0.66", at=clock.now) for _ in range(30))
    db.commit()

    response = post_form(client, "/account/password", {
        "current_password": PASSWORD, "new_password": NEW, "confirm_password": NEW, "next": "/"})

    assert response.status_code == 303
    assert verify_password(read.user("nv1").password_hash, NEW)

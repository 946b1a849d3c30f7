"""Who may sign, and only with their own password: the attacks of a hostile administrator,
a temporary password and an unsigned submission, through the API and the HTML forms."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import Engine, func, select
from sqlmodel import Session
from support import PASSWORD, login, post_form

from qms.accounts.models import LoginAttempt, User, UserRole
from qms.audit.models import AuditEvent
from qms.core.clock import local_today
from qms.core.errors import Forbidden
from qms.documents import policy, signing
from qms.documents.models import Delegation, Document, Signature, Version

V1 = "/api/v1/documents/QT-01/versions/1"
PAGE = "/documents/QT-01/versions/1"
NEW_PASSWORD = "Mat-khau-rieng-2026"


class Look:
    """What a refused request must leave as it was, read in a session of its own."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def status(self, code: str = "QT-01", revision: int = 1) -> str:
        with Session(self.engine) as session:
            return session.execute(
                select(Version.status).join(Document, Document.id == Version.document_id)
                .where(Document.code == code, Version.revision == revision)).scalar_one()

    def count(self, model: type, *where: object) -> int:
        with Session(self.engine) as session:
            return session.execute(select(func.count()).select_from(model).where(*where)).scalar_one()

    def actions(self) -> list[str]:
        """The audit trail without sign-ins and failed signing passwords."""
        with Session(self.engine) as session:
            return list(session.execute(select(AuditEvent.action).where(
                AuditEvent.action.not_like("auth.%")).order_by(AuditEvent.id)).scalars())

    def snapshot(self) -> tuple:
        with Session(self.engine) as session:
            versions = [tuple(v.model_dump().items()) for v in session.execute(
                select(Version).order_by(Version.id)).scalars()]
            roles = list(session.execute(select(UserRole.user_id, UserRole.role)
                                         .order_by(UserRole.user_id, UserRole.role)).all())
        return versions, roles, self.count(Signature), self.count(Delegation), self.actions()


@pytest.fixture
def look(engine: Engine) -> Look:
    return Look(engine)


@pytest.fixture
def today(settings):
    return local_today(settings.zone)


@pytest.fixture
def admin(make, people):
    return make.user("quantri", "admin", unit="VP", full_name="Trần Quản Trị")


def awaiting_approval(api) -> None:
    api.create_procedure()
    api.fill("QT-01")
    assert api.submit("QT-01", 1).status_code == 200
    assert api.review("QT-01", 1).status_code == 200


def field_error(html: str, field_id: str) -> str | None:
    match = re.search(rf'<small id="{field_id}" class="field-error">([^<]*)</small>', html)
    return match.group(1) if match else None


def mixed_account_with_a_forged_delegation(engine: Engine, today) -> None:
    """What a database administrator could leave behind: the administrator holding the approver
    role too, and a delegation from the head of agency to them."""
    with Session(engine) as session:
        ids = dict(session.execute(select(User.username, User.id)).all())
        session.add(UserRole(user_id=ids["quantri"], role="approver"))
        session.add(Delegation(delegator_id=ids["giamdoc"], delegate_id=ids["quantri"],
                               starts_on=today - timedelta(days=1), ends_on=today + timedelta(days=7)))
        session.commit()


# --- the hostile administrator -------------------------------------------------------------------


def test_the_administrator_cannot_become_an_approver_by_delegation_through_the_api(api, admin, make,
                                                                                  look, today):
    awaiting_approval(api)
    make.user("quantri2", "admin", unit="VP")
    before = look.snapshot()

    own = api.client.patch("/api/v1/users/quantri", headers=api.as_("quantri"),
                           json={"roles": ["admin", "approver"]})
    assert own.status_code == 403
    by_another = api.client.patch("/api/v1/users/quantri", headers=api.as_("quantri2"),
                                  json={"roles": ["admin", "approver"]})
    assert by_another.status_code == 422 and by_another.json()["field"] == "roles"
    delegation = api.post("quantri", "/api/v1/delegations", {
        "delegator": "giamdoc", "delegate": "quantri", "starts_on": today.isoformat(),
        "ends_on": (today + timedelta(days=7)).isoformat(), "password": PASSWORD})
    assert delegation.status_code == 403
    approval = api.approve("QT-01", 1, username="quantri")
    assert approval.status_code in (403, 404), "an administrator does not even see the draft"

    assert look.snapshot() == before
    assert look.status() == "awaiting_approval"


def test_an_administrator_holding_approver_from_before_the_rule_still_cannot_sign(api, admin, look,
                                                                                  engine, today):
    awaiting_approval(api)
    mixed_account_with_a_forged_delegation(engine, today)
    before = look.snapshot()

    refused = api.approve("QT-01", 1, username="quantri")
    assert refused.status_code == 403
    assert "administrator" in refused.json()["detail"].lower() or "quản trị" in refused.json()["detail"]
    assert api.post("quantri", "/api/v1/delegations", {
        "delegate": "phogiamdoc", "starts_on": today.isoformat(),
        "ends_on": today.isoformat(), "password": PASSWORD}).status_code == 403
    assert api.post("quantri", "/api/v1/records-list/approval",
                    {"year": today.year, "password": PASSWORD}).status_code in (403, 409)
    assert look.snapshot() == before
    assert look.count(LoginAttempt) == 0, "a refusal to an administrator is no password guess"


def test_the_administrator_cannot_approve_through_the_html_forms(api, admin, client, look, engine, today):
    awaiting_approval(api)
    login(client, "quantri")
    before = look.snapshot()
    own_roles = post_form(client, "/admin/users/quantri", {
        "full_name": "Trần Quản Trị", "title": "", "unit": "VP", "email": "", "roles": ["admin", "approver"]})
    assert own_roles.status_code == 403
    delegation = post_form(client, "/delegations", {
        "delegate": "phogiamdoc", "starts_on": today.isoformat(), "ends_on": today.isoformat(),
        "password": PASSWORD, "delegator": "giamdoc"})
    assert delegation.status_code == 403
    assert look.snapshot() == before

    mixed_account_with_a_forged_delegation(engine, today)
    before = look.snapshot()
    approval = post_form(client, f"{PAGE}/approve", {"decision": "approved", "comment": "Đồng ý ban hành",
                                                     "password": PASSWORD})
    assert approval.status_code == 403
    assert look.snapshot() == before
    assert look.status() == "awaiting_approval"


def test_the_signing_service_refuses_an_administrator_whatever_called_it(db, people, admin):
    for actor in (admin, replace(people["giamdoc"], roles=frozenset({"admin", "approver"}))):
        with pytest.raises(Forbidden):
            signing.reauthenticate(db, actor, PASSWORD)
        with pytest.raises(Forbidden):
            policy.require_signer(actor)


# --- a password someone else set -----------------------------------------------------------------


def test_a_reset_password_gets_a_token_that_only_chooses_a_new_password(api, admin, look):
    awaiting_approval(api)
    reset = api.post("quantri", "/api/v1/users/giamdoc/reset-password")
    assert reset.status_code == 200
    temporary = reset.json()["temporary_password"]
    before = look.snapshot()

    token = api.client.post("/api/v1/auth/token", json={"username": "giamdoc", "password": temporary})
    assert token.status_code == 200
    assert token.json()["password_change_required"] is True
    headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
    signed = api.client.post(f"{V1}/approve", headers=headers,
                             json={"decision": "approved", "comment": "", "password": temporary})
    assert signed.status_code == 403
    assert "password" in signed.json()["detail"].lower() or "mật khẩu" in signed.json()["detail"].lower()
    for method, url in (("GET", "/api/v1/documents"), ("GET", "/api/v1/me/pending"),
                        ("POST", "/api/v1/delegations"), ("GET", f"{V1}/record.pdf")):
        assert api.client.request(method, url, headers=headers, json={}).status_code == 403, url
    assert look.snapshot() == before

    assert api.client.get("/api/v1/me", headers=headers).json()["username"] == "giamdoc"
    wrong = api.client.post("/api/v1/me/password", headers=headers,
                            json={"current_password": "khong-dung-1", "new_password": NEW_PASSWORD})
    assert wrong.status_code == 422 and wrong.json()["field"] == "current_password"
    changed = api.client.post("/api/v1/me/password", headers=headers,
                              json={"current_password": temporary, "new_password": NEW_PASSWORD})
    assert changed.status_code == 204
    assert api.client.get("/api/v1/documents", headers=headers).status_code == 200
    # The temporary password signs nothing even now; the person's own one does.
    assert api.client.post(f"{V1}/approve", headers=headers, json={
        "decision": "approved", "password": temporary}).status_code == 401
    assert api.client.post(f"{V1}/approve", headers=headers, json={
        "decision": "approved", "password": NEW_PASSWORD}).status_code == 200


def test_a_new_account_signs_in_with_a_temporary_password_and_the_flag_says_so(api, admin):
    created = api.post("quantri", "/api/v1/users", {
        "username": "nv9", "full_name": "Lê Thị Hoa", "unit": "VP", "roles": ["reviewer"],
        "password": "Tam-thoi-2026x"})
    assert created.status_code == 201, created.text
    token = api.client.post("/api/v1/auth/token", json={"username": "nv9", "password": "Tam-thoi-2026x"})
    assert token.json()["password_change_required"] is True
    headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
    assert api.client.get("/api/v1/me/reading-list", headers=headers).status_code == 403
    own = api.client.post("/api/v1/auth/token", json={"username": "giamdoc", "password": PASSWORD})
    assert own.json()["password_change_required"] is False


def test_a_temporary_password_opens_no_page_nor_htmx_fragment(api, admin, client, look):
    awaiting_approval(api)
    temporary = api.post("quantri", "/api/v1/users/giamdoc/reset-password").json()["temporary_password"]
    before = look.snapshot()
    signed_in = post_form(client, "/login", {"username": "giamdoc", "password": temporary})
    assert signed_in.headers["location"].startswith("/account/password")

    approval = post_form(client, f"{PAGE}/approve", {"decision": "approved", "password": temporary})
    assert approval.status_code == 303 and approval.headers["location"] == "/account/password"
    fragment = post_form(client, f"{PAGE}/approve", {"decision": "approved", "password": temporary},
                         headers={"HX-Request": "true"})
    assert fragment.headers.get("hx-redirect") == "/account/password"
    assert client.get("/notifications/count", headers={"HX-Request": "true"}).text == ""
    assert client.get("/tasks", follow_redirects=False).headers["location"] == "/account/password"
    assert client.get("/account/password").status_code == 200
    assert look.snapshot() == before


# --- every signature asks for the password, missing or wrong: 401 ---------------------------------


def test_the_api_submit_asks_for_the_password(api, look):
    api.create_procedure()
    api.fill("QT-01")
    before = look.snapshot()
    body = {"reviewers": ["xemxet"], "approver": "giamdoc"}
    missing = api.post("iso", f"{V1}/submit", body)
    assert missing.status_code == 401 and missing.json()["field"] == "password"
    wrong = api.post("iso", f"{V1}/submit", {**body, "password": "Sai-mat-khau1"})
    assert wrong.status_code == 401 and wrong.json()["field"] == "password"
    assert look.snapshot() == before
    assert look.status() == "draft"
    assert look.count(LoginAttempt, LoginAttempt.username == "iso") == 1, "only the wrong one counts"
    assert api.post("iso", f"{V1}/submit", {**body, "password": PASSWORD}).status_code == 200
    assert look.count(Signature, Signature.meaning == "drafted") == 1


@pytest.mark.parametrize("password", [None, ""])
def test_a_missing_password_is_401_not_422_for_every_signature(api, look, today, password):
    extra = {} if password is None else {"password": password}
    api.create_procedure()
    api.fill("QT-01")
    calls = [("iso", f"{V1}/submit", {"reviewers": ["xemxet"], "approver": "giamdoc"})]
    for username, url, body in calls:
        assert api.post(username, url, {**body, **extra}).status_code == 401
    assert api.submit("QT-01", 1).status_code == 200
    assert api.post("xemxet", f"{V1}/review", {"decision": "reviewed", **extra}).status_code == 401
    assert api.review("QT-01", 1).status_code == 200
    assert api.post("giamdoc", f"{V1}/approve", {"decision": "approved", **extra}).status_code == 401
    assert api.approve("QT-01", 1).status_code == 200
    assert api.post("iso", f"{V1}/withdraw", {"reason": "Không còn áp dụng", "approver": "giamdoc"}
                    ).status_code == 200
    before = look.snapshot()
    for username, url, body in (
        ("giamdoc", f"{V1}/withdraw", {"decision": "approved"}),
        ("iso", "/api/v1/documents/QT-01/periodic-review", {"outcome": "no_change"}),
        ("giamdoc", "/api/v1/delegations", {"delegate": "phogiamdoc", "starts_on": today.isoformat(),
                                            "ends_on": today.isoformat()}),
    ):
        response = api.post(username, url, {**body, **extra})
        assert response.status_code == 401, (url, response.text)
        assert response.json()["field"] == "password"
    assert look.snapshot() == before


# --- a wrong password in a form keeps what was typed ---------------------------------------------


def test_a_wrong_password_in_the_review_form_keeps_the_comment_and_the_decision(api, client, look):
    api.create_procedure()
    api.fill("QT-01")
    assert api.submit("QT-01", 1).status_code == 200
    login(client, "xemxet")
    response = post_form(client, f"{PAGE}/review", {
        "decision": "rejected", "comment": "Bước 3 thiếu thời hạn <xử lý>", "password": "Sai-mat-khau1"})
    assert response.status_code == 401
    assert field_error(response.text, "review-password-error")
    assert "Bước 3 thiếu thời hạn &lt;xử lý&gt;</textarea>" in response.text
    assert 'value="rejected" checked' in response.text
    assert 'value="reviewed" checked' not in response.text
    assert look.status() == "in_review"


def test_a_missing_password_in_the_submit_form_keeps_the_chosen_signers(api, client, look):
    api.create_procedure()
    api.fill("QT-01")
    login(client, "iso")
    response = post_form(client, f"{PAGE}/submit", {"reviewers": ["xemxet2"], "approver": "phogiamdoc",
                                                    "password": ""})
    assert response.status_code == 401
    assert field_error(response.text, "submit-password-error")
    assert '<option value="xemxet2" selected>' in response.text
    assert '<option value="phogiamdoc" selected>' in response.text
    assert look.status() == "draft" and look.count(Signature) == 0


def test_a_wrong_password_in_the_approval_form_keeps_the_comment(api, client):
    awaiting_approval(api)
    login(client, "giamdoc")
    response = post_form(client, f"{PAGE}/approve", {
        "decision": "rejected", "comment": "Xem lại mục 5", "password": "Sai-mat-khau1"})
    assert response.status_code == 401
    assert field_error(response.text, "approve-password-error")
    assert "Xem lại mục 5</textarea>" in response.text
    assert 'value="rejected" checked' in response.text


def test_the_delegation_form_asks_for_the_password_and_keeps_the_dates(people, client, look, today):
    login(client, "giamdoc")
    ends = (today + timedelta(days=4)).isoformat()
    response = post_form(client, "/delegations", {
        "delegate": "phogiamdoc", "starts_on": today.isoformat(), "ends_on": ends, "note": "Đi công tác",
        "password": "Sai-mat-khau1"})
    assert response.status_code == 401
    assert field_error(response.text, "e-password")
    shown = (today + timedelta(days=4)).strftime("%d/%m/%Y")  # typed ISO, shown day first
    assert f'value="{shown}"' in response.text and 'value="Đi công tác"' in response.text
    assert look.count(Delegation) == 0
    done = post_form(client, "/delegations", {
        "delegate": "phogiamdoc", "starts_on": today.isoformat(), "ends_on": ends, "password": PASSWORD})
    assert done.status_code == 303
    assert look.count(Delegation) == 1


def test_the_periodic_review_form_keeps_the_outcome_and_comment(api, client, look):
    api.create_procedure()
    api.fill("QT-01")
    api.publish("QT-01")
    login(client, "iso")
    before = look.snapshot()
    response = post_form(client, "/documents/QT-01/periodic-review", {
        "outcome": "revise", "comment": "Cập nhật theo Nghị định mới", "password": "Sai-mat-khau1"})
    assert response.status_code == 401
    assert field_error(response.text, "pr-password-error")
    assert "Cập nhật theo Nghị định mới</textarea>" in response.text
    assert 'value="revise" checked' in response.text
    assert look.snapshot() == before


def test_the_records_list_approval_form_keeps_the_comment(api, client, look, today):
    api.create_procedure()
    api.fill("QT-01")
    api.publish("QT-01")
    api.client.put("/api/v1/documents/QT-01/records", headers=api.as_("iso"), json=[
        {"name": "Sổ theo dõi", "keeping_unit": "VP", "retention": "permanent", "medium": "paper"}])
    login(client, "giamdoc")
    before = look.snapshot()
    response = post_form(client, "/records-register/approve", {
        "year": str(today.year), "comment": "Đã rà soát", "password": "Sai-mat-khau1"})
    assert response.status_code == 401
    assert field_error(response.text, "ra-password-error")
    assert "Đã rà soát</textarea>" in response.text
    assert look.snapshot() == before
    missing = api.post("giamdoc", "/api/v1/records-list/approval", {"year": today.year})
    assert missing.status_code == 401 and missing.json()["field"] == "password"


def test_a_drafter_cannot_name_an_administrator_to_sign(api, admin, engine, look):
    with Session(engine) as session:
        quantri = session.execute(select(User.id).where(User.username == "quantri")).scalar_one()
        session.add(UserRole(user_id=quantri, role="reviewer"))
        session.commit()
    api.create_procedure()
    api.fill("QT-01")
    refused = api.submit("QT-01", 1, reviewers=("quantri",))
    assert refused.status_code == 422 and refused.json()["field"] == "reviewers"
    assert look.status() == "draft"

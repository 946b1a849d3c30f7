"""Submission, review, approval, effectiveness, withdrawal and delegation of versions.

Through the JSON API as the people of the agency, and through the services where the
clock or a second connection has to be controlled. Every refused request is checked
for what it must not have done: no status change, no signature, no audit event.
"""

from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session
from support import login, post_form

from qms.accounts.models import LoginAttempt, User, UserRole
from qms.audit.models import AuditEvent
from qms.audit.service import verify_chain
from qms.core.clock import local_today
from qms.core.db import new_session
from qms.core.errors import Conflict, Forbidden
from qms.documents import service as document_service
from qms.documents import workflow
from qms.documents.delegation import create_delegation
from qms.documents.effective import make_due_effective
from qms.documents.models import Delegation, Document, RevisionHistory, Signature, Version
from qms.documents.schemas import Decision, DelegationCreate, DocumentUpdate

PASSWORD = "Qzx-Vbw-48Kr"
V1 = "/api/v1/documents/QT-01/versions/1"


# --- looking at the database the way a second observer would -------------------------------------


class Look:
    """Each call opens its own session, so it sees only what was committed."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def version(self, code: str, revision: int) -> Version:
        with Session(self.engine) as session:
            return session.execute(
                select(Version).join(Document, Document.id == Version.document_id)
                .where(Document.code == code, Version.revision == revision)
            ).scalar_one()

    def document(self, code: str) -> Document:
        with Session(self.engine) as session:
            return session.execute(select(Document).where(Document.code == code)).scalar_one()

    def signatures(self, code: str, revision: int) -> list[Signature]:
        version = self.version(code, revision)
        with Session(self.engine) as session:
            return list(session.execute(
                select(Signature).where(Signature.version_id == version.id).order_by(Signature.id)
            ).scalars())

    def events(self, action: str | None = None, object_id: str | None = None) -> list[AuditEvent]:
        query = select(AuditEvent).order_by(AuditEvent.id)
        if action:
            query = query.where(AuditEvent.action == action)
        if object_id:
            query = query.where(AuditEvent.object_id == object_id)
        with Session(self.engine) as session:
            return list(session.execute(query).scalars())

    def count(self, model: type, *where: object) -> int:
        with Session(self.engine) as session:
            return session.execute(select(func.count()).select_from(model).where(*where)).scalar_one()

    def statuses(self, code: str) -> list[tuple[int, str]]:
        with Session(self.engine) as session:
            return list(session.execute(
                select(Version.revision, Version.status).join(Document, Document.id == Version.document_id)
                .where(Document.code == code).order_by(Version.revision)
            ).all())

    def snapshot(self, code: str = "QT-01") -> tuple:
        """Everything a refused request must leave as it was."""
        with Session(self.engine) as session:
            versions = [tuple(v.model_dump().items()) for v in session.execute(
                select(Version).join(Document, Document.id == Version.document_id)
                .where(Document.code == code).order_by(Version.revision)).scalars()]
            document = session.execute(select(Document).where(Document.code == code)).scalar_one()
            return (
                versions,
                tuple(document.model_dump().items()),
                session.execute(select(func.count()).select_from(Signature)).scalar_one(),
                # Sign-ins of the people making the requests are not part of it.
                tuple(session.execute(select(AuditEvent.id, AuditEvent.action).where(
                    AuditEvent.action.not_like("auth.%"))).all()),
            )


@pytest.fixture
def look(engine: Engine) -> Look:
    return Look(engine)


@pytest.fixture
def today(settings) -> date:
    return local_today(settings.zone)


def _draft(api, code: str = "QT-01", **extra) -> None:
    api.create_procedure(code, **extra)
    api.fill(code)


def _awaiting_approval(api, code: str = "QT-01", rev: int = 1) -> None:
    assert api.submit(code, rev).status_code == 200
    assert api.review(code, rev).status_code == 200


def _second_revision(api, purpose: str = "Mục đích đã sửa đổi.") -> None:
    """QT-01 rev 1 effective, rev 2 filled as a draft."""
    _draft(api)
    api.publish("QT-01", 1)
    assert api.post("iso", "/api/v1/documents/QT-01/versions").status_code == 201
    api.fill("QT-01", 2, purpose=purpose)


# --- editing a draft ----------------------------------------------------------------------------------


def test_a_stale_etag_is_refused_and_nothing_changes(api, look):
    _draft(api)
    opened = api.get("iso", V1).json()
    saved = api.patch("iso", V1, {"sections": {"scope": "Phạm vi của người thứ nhất."}},
                      headers={"If-Match": opened["etag"]})
    assert saved.status_code == 200, saved.text
    assert saved.json()["etag"] != opened["etag"]
    before = look.snapshot()

    stale = api.patch("iso", V1, {"sections": {"scope": "Phạm vi của người thứ hai."}},
                      headers={"If-Match": opened["etag"]})

    assert stale.status_code == 409
    assert "detail" in stale.json()
    assert look.snapshot() == before
    assert api.get("iso", V1).json()["sections"]["scope"] == "Phạm vi của người thứ nhất."
    assert len(look.events("version.update", "QT-01/1")) == 2  # fill + the first save


def test_a_weak_or_listed_etag_is_accepted(api):
    _draft(api)
    etag = api.get("iso", V1).json()["etag"]
    response = api.patch("iso", V1, {"change_summary": "Ban hành lần đầu."},
                         headers={"If-Match": f'"other", W/{etag}'})
    assert response.status_code == 200, response.text


def test_an_edit_without_if_match_is_422_and_changes_nothing(api, look):
    _draft(api)
    before = look.snapshot()
    response = api.patch("iso", V1, {"sections": {"scope": "Không có etag."}})
    assert response.status_code == 422
    assert response.json()["field"] == "If-Match"
    assert look.snapshot() == before


def test_control_characters_are_refused_in_titles_and_contents(api, look):
    """A stored NUL, form feed or escape made every Word copy of the document fail (and
    PostgreSQL refuses a NUL outright): such text is refused where it comes in."""
    _draft(api)
    before = look.snapshot()
    title = api.patch("iso", "/api/v1/documents/QT-01", {"title": "Quy trình\x00 kiểm soát"})
    assert title.status_code == 422, title.text
    assert title.json()["errors"][0] == {"field": "title",
                                         "reason": "Không được chứa ký tự điều khiển (ký tự ẩn như NUL)."}
    new = api.post("iso", "/api/v1/documents", {"code": "QT-09", "title": "Quy\x0btrình", "kind": "procedure",
                                                "owner_unit": "VP"})
    assert new.status_code == 422 and new.json()["errors"][0]["field"] == "title"
    for body, field in (({"sections": {"purpose": "Mục đích\x0c"}}, "sections"),
                        ({"steps": [{"step": "B1", "task": "Soạn\x1b[31m"}]}, "steps"),
                        ({"change_summary": "Sửa\x07"}, "change_summary")):
        response = api.patch("iso", V1, body, headers={"If-Match": api.get("iso", V1).json()["etag"]})
        assert response.status_code == 422, response.text
        assert response.json()["errors"][0]["field"] == field
    assert look.snapshot() == before
    # Tabs and line breaks are text, and the Word copy carries them.
    edited = api.edit("QT-01", 1, {"sections": {"content": "Bước 1:\tnhận hồ sơ.\r\nBước 2: xử lý."}})
    assert edited.status_code == 200, edited.text
    assert api.get("iso", f"{V1}/record.docx").status_code == 200


def test_content_is_editable_only_in_draft(api, look):
    _draft(api)
    assert api.submit("QT-01", 1).status_code == 200
    version = api.get("iso", V1).json()
    before = look.snapshot()
    response = api.patch("iso", V1, {"sections": {"purpose": "Sửa sau khi trình."}},
                         headers={"If-Match": version["etag"]})
    assert response.status_code == 409
    assert look.snapshot() == before
    assert api.get("iso", V1).json()["sections"]["purpose"] == version["sections"]["purpose"]


def test_the_named_drafter_edits_their_draft_but_another_drafter_may_not(api, make):
    make.user("soanthao2", "drafter", "staff", unit="CCHC")
    api.create_procedure(drafter="soanthao")
    assert api.edit("QT-01", 1, {"sections": {"purpose": "Viết bởi người soạn thảo."}},
                    username="soanthao").status_code == 200
    refused = api.edit("QT-01", 1, {"sections": {"purpose": "Người khác."}}, username="soanthao2")
    assert refused.status_code == 403
    assert api.get("iso", V1).json()["sections"]["purpose"] == "Viết bởi người soạn thảo."


def test_staff_cannot_create_or_change_documents(api, look):
    _draft(api)
    api.publish("QT-01")
    before = look.snapshot()
    created = api.post("nhanvien", "/api/v1/documents",
                       {"code": "QT-09", "title": "Quy trình mới", "kind": "procedure", "owner_unit": "VP"})
    assert created.status_code == 403
    assert api.patch("nhanvien", "/api/v1/documents/QT-01", {"title": "Đổi tên"}).status_code == 403
    etag = api.get("nhanvien", V1).json()["etag"]
    edited = api.patch("nhanvien", V1, {"sections": {"purpose": "x"}}, headers={"If-Match": etag})
    assert edited.status_code == 403
    assert api.post("nhanvien", "/api/v1/documents/QT-01/versions").status_code == 403
    assert look.snapshot() == before
    assert look.count(Document) == 1


# --- refused transitions ----------------------------------------------------------------------------


def test_approving_a_draft_is_refused(api, look):
    _draft(api)
    before = look.snapshot()
    response = api.approve("QT-01", 1)
    assert response.status_code == 409
    assert look.snapshot() == before


def test_reviewing_an_effective_version_is_refused(api, look):
    _draft(api)
    api.publish("QT-01")
    before = look.snapshot()
    assert api.review("QT-01", 1).status_code == 409
    assert api.review("QT-01", 1, decision="rejected", comment="Muộn rồi").status_code == 409
    assert look.snapshot() == before


def test_submitting_twice_is_refused(api, look):
    _draft(api)
    assert api.submit("QT-01", 1).status_code == 200
    before = look.snapshot()
    assert api.submit("QT-01", 1).status_code == 409
    assert look.snapshot() == before
    assert len(look.events("version.submit")) == 1


def test_an_unknown_decision_or_a_rejection_without_reason_is_422(api, look):
    _draft(api)
    assert api.submit("QT-01", 1).status_code == 200
    before = look.snapshot()
    assert api.review("QT-01", 1, decision="approved").status_code == 422
    assert api.review("QT-01", 1, decision="rejected", comment="  ").status_code == 422
    assert look.snapshot() == before


def test_submitting_an_empty_draft_is_422(api, look):
    api.create_procedure()
    before = look.snapshot()
    response = api.submit("QT-01", 1)
    assert response.status_code == 422
    assert look.snapshot() == before


def test_a_revision_needs_a_change_summary(api):
    _second_revision(api)
    assert api.edit("QT-01", 2, {"change_summary": ""}).status_code == 200
    response = api.submit("QT-01", 2)
    assert response.status_code == 422
    assert response.json()["field"] == "change_summary"


def test_submission_without_reviewers_goes_straight_to_approval(api):
    _draft(api)
    response = api.submit("QT-01", 1, reviewers=())
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "awaiting_approval"
    assert api.approve("QT-01", 1).json()["status"] == "effective"


# --- segregation of duties ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reviewers", "approver", "field"),
    [
        (["soanthao"], "giamdoc", "reviewers"),  # the drafter reviews
        (["xemxet"], "soanthao", "approver"),  # the drafter approves
        (["iso"], "giamdoc", "reviewers"),  # the submitter reviews
        (["xemxet", "giamdoc"], "giamdoc", "reviewers"),  # the approver reviews
    ],
)
def test_drafter_and_submitter_cannot_review_or_approve(api, make, look, reviewers, approver, field):
    # The drafter and the submitter hold the roles, so only segregation of duties can refuse them.
    _grant(make, "soanthao", "reviewer", "approver")
    _grant(make, "iso", "reviewer")
    _draft(api, drafter="soanthao")
    before = look.snapshot()

    response = api.submit("QT-01", 1, reviewers=reviewers, approver=approver)

    assert response.status_code == 422, response.text
    assert response.json()["field"] == field
    assert look.snapshot() == before
    assert look.events("version.submit") == []


def test_a_drafter_who_somehow_is_the_approver_cannot_approve(api, look, today):
    """The deputy drafted the version, then the head delegated approval to them."""
    _draft(api, drafter="phogiamdoc")
    _awaiting_approval(api)
    response = api.post("giamdoc", "/api/v1/delegations",
                        {"delegate": "phogiamdoc", "starts_on": today.isoformat(),
                         "ends_on": (today + timedelta(days=7)).isoformat(), "password": PASSWORD})
    assert response.status_code == 201, response.text
    before = look.snapshot()

    refused = api.approve("QT-01", 1, username="phogiamdoc")

    assert refused.status_code == 409
    assert look.snapshot() == before


def test_a_drafter_named_approver_in_the_database_cannot_approve(api, look, engine):
    _draft(api, drafter="phogiamdoc")
    _awaiting_approval(api)
    with Session(engine) as session:
        deputy = session.execute(select(User.id).where(User.username == "phogiamdoc")).scalar_one()
        session.execute(update(Version).values(approver_id=deputy))
        session.commit()
    before = look.snapshot()
    assert api.approve("QT-01", 1, username="phogiamdoc").status_code == 409
    assert look.snapshot() == before


def _grant(make, username: str, *roles: str) -> None:
    user_id = make.session.execute(select(User.id).where(User.username == username)).scalar_one()
    make.session.add_all(UserRole(user_id=user_id, role=role) for role in roles)
    make.session.commit()


# --- signing needs the password and the right person -------------------------------------------------


def test_a_wrong_password_on_review_records_nothing(api, look):
    _draft(api)
    assert api.submit("QT-01", 1).status_code == 200
    before = look.snapshot()
    response = api.post("xemxet", f"{V1}/review",
                        {"decision": "reviewed", "comment": "", "password": "Sai-mat-khau1"})
    assert response.status_code == 401
    assert look.snapshot() == before
    assert [s.meaning for s in look.signatures("QT-01", 1)] == ["drafted"]


def test_a_wrong_password_on_approval_records_nothing(api, look):
    _draft(api)
    _awaiting_approval(api)
    before = look.snapshot()
    assert api.approve("QT-01", 1, password="Sai-mat-khau1").status_code == 401
    assert api.approve("QT-01", 1, decision="rejected", comment="Không",
                       password="Sai-mat-khau1").status_code == 401
    assert look.snapshot() == before
    assert look.version("QT-01", 1).status == "awaiting_approval"
    assert look.events("signature.approved") == []


def test_wrong_signing_passwords_are_throttled_like_failed_sign_ins(api, look, client, clock):
    """Each wrong password at a signature counts and is audited; after three, even the right
    one waits a growing delay, so a signing form cannot be used to guess a password."""
    _draft(api)
    _awaiting_approval(api)
    api.as_("giamdoc")
    before = look.snapshot()
    for _attempt in range(3):
        assert api.approve("QT-01", 1, password="Sai-mat-khau1").status_code == 401
    assert len(look.events("auth.signing_password_failed")) == 3
    throttled = api.approve("QT-01", 1)
    assert throttled.status_code == 429
    assert throttled.headers["retry-after"] == "1"
    assert throttled.json()["field"] == "password"
    assert look.snapshot() == before
    [refusal] = look.events("auth.throttled")
    assert refusal.actor_username == "giamdoc" and '"channel":"signing"' in refusal.details
    sign_in = client.post("/api/v1/auth/token", json={"username": "giamdoc", "password": PASSWORD})
    assert sign_in.status_code == 429, "signing in from an unknown client is slowed for that user too"
    clock.advance(1)
    assert api.approve("QT-01", 1).status_code == 200, "a wait, never a lock"


def test_guesses_at_the_sign_in_do_not_slow_a_signer_already_signed_in(api, look, app, clock):
    _draft(api)
    _awaiting_approval(api)
    api.as_("giamdoc")
    with TestClient(app, client=("10.0.0.66", 5000)) as guesser:
        for _attempt in range(6):
            guesser.post("/api/v1/auth/token", json={"username": "giamdoc", "password": "Sai-mat-khau1"})
        assert len(look.events("auth.throttled")) == 3
    assert api.approve("QT-01", 1).status_code == 200


def test_a_wrong_password_in_the_approval_form_counts_too(api, look, client):
    _draft(api)
    _awaiting_approval(api)
    login(client, "giamdoc")
    response = post_form(client, "/documents/QT-01/versions/1/approve",
                         {"decision": "approved", "password": "Sai-mat-khau1"})
    assert response.status_code == 401
    assert "Mật khẩu" in response.text or "mật khẩu" in response.text
    assert len(look.events("auth.signing_password_failed")) == 1
    assert look.version("QT-01", 1).status == "awaiting_approval"


def test_the_approval_form_says_how_long_to_wait(api, look, client, clock):
    _draft(api)
    _awaiting_approval(api)
    login(client, "giamdoc")
    for _attempt in range(3):
        post_form(client, "/documents/QT-01/versions/1/approve",
                  {"decision": "approved", "password": "Sai-mat-khau1"})

    response = post_form(client, "/documents/QT-01/versions/1/approve",
                         {"decision": "approved", "password": PASSWORD})

    assert response.status_code == 429
    assert response.headers["retry-after"] == "1", "the page says it and so does the answer"
    assert "Vui lòng chờ 1 giây rồi thử lại." in response.text
    assert look.version("QT-01", 1).status == "awaiting_approval"
    [refusal] = look.events("auth.throttled")
    assert refusal.actor_username == "giamdoc"


def test_the_right_signing_password_clears_earlier_failures(api, look, clock):
    _draft(api)
    assert api.submit("QT-01", 1).status_code == 200
    for _attempt in range(3):
        assert api.review("QT-01", 1, password="Sai-mat-khau1").status_code == 401
    clock.advance(1)
    assert api.review("QT-01", 1).status_code == 200
    assert look.count(LoginAttempt, LoginAttempt.username == "xemxet") == 0
    for _attempt in range(3):
        assert api.approve("QT-01", 1, password="Sai-mat-khau1").status_code == 401
    clock.advance(1)
    assert api.approve("QT-01", 1).status_code == 200


def test_a_reviewer_who_was_not_named_is_forbidden(api, look):
    _draft(api)
    assert api.submit("QT-01", 1).status_code == 200
    before = look.snapshot()
    assert api.review("QT-01", 1, username="xemxet2").status_code == 403
    assert look.snapshot() == before


def test_only_the_named_approver_may_approve(api, look):
    _draft(api)
    _awaiting_approval(api)
    before = look.snapshot()
    assert api.approve("QT-01", 1, username="phogiamdoc").status_code == 403
    assert look.snapshot() == before


def test_a_reviewer_signs_once_per_round(api, look):
    _draft(api)
    assert api.submit("QT-01", 1, reviewers=("xemxet", "xemxet2")).status_code == 200
    assert api.review("QT-01", 1).json()["status"] == "in_review"
    before = look.snapshot()
    assert api.review("QT-01", 1).status_code == 409
    assert look.snapshot() == before


# --- rejection, rounds and content hashes -------------------------------------------------------------


def test_a_rejection_sends_the_version_back_and_opens_a_new_round(api, look):
    _draft(api)
    assert api.submit("QT-01", 1, reviewers=("xemxet", "xemxet2")).status_code == 200
    first_hash = api.get("iso", V1).json()["content_hash"]
    assert api.review("QT-01", 1, username="xemxet").json()["status"] == "in_review"
    rejected = api.review("QT-01", 1, username="xemxet2", decision="rejected",
                          comment="Bước 1 thiếu thời hạn giải quyết.")
    assert rejected.status_code == 200, rejected.text
    body = rejected.json()
    assert body["status"] == "draft"
    assert body["content_hash"] is None
    assert [(s["username"], s["meaning"], s["comment"]) for s in body["signatures"]] == [
        ("iso", "drafted", ""),
        ("xemxet", "reviewed", "Đồng ý"),
        ("xemxet2", "rejected", "Bước 1 thiếu thời hạn giải quyết."),
    ]
    assert len(look.events("version.reject", "QT-01/1")) == 1

    # Editable again, and the edit changes what will be signed.
    edited = api.edit("QT-01", 1, {"steps": [{"step": "B1", "responsibility": "Văn phòng",
                                              "task": "Soạn thảo", "duration": "1 ngày",
                                              "output": "Dự thảo"}]})
    assert edited.status_code == 200, edited.text
    resubmitted = api.submit("QT-01", 1, reviewers=("xemxet", "xemxet2"))
    assert resubmitted.status_code == 200
    new_hash = resubmitted.json()["content_hash"]
    assert new_hash and new_hash != first_hash
    assert look.version("QT-01", 1).review_round == 2

    # The review of round 1 does not count: xemxet must review again.
    assert api.review("QT-01", 1, username="xemxet2").json()["status"] == "in_review"
    pending = api.get("xemxet", "/api/v1/me/pending").json()
    assert [(p["kind"], p["code"]) for p in pending] == [("review", "QT-01")]
    assert api.review("QT-01", 1, username="xemxet").json()["status"] == "awaiting_approval"
    approved = api.approve("QT-01", 1).json()
    assert approved["status"] == "effective"

    rounds = [(s.review_round, s.meaning, s.content_hash) for s in look.signatures("QT-01", 1)]
    assert rounds[:3] == [(1, "drafted", first_hash), (1, "reviewed", first_hash),
                          (1, "rejected", first_hash)]
    assert {(r, h) for r, _m, h in rounds[3:]} == {(2, new_hash)}
    assert [m for _r, m, _h in rounds[3:]] == ["drafted", "reviewed", "reviewed", "approved"]
    assert approved["content_hash"] == new_hash


def test_a_signature_never_survives_a_content_change(api, look):
    """Rejected by the approver, edited, resubmitted: every new signature is over the new hash."""
    _draft(api)
    _awaiting_approval(api)
    old_hash = look.version("QT-01", 1).content_hash
    assert api.approve("QT-01", 1, decision="rejected", comment="Sửa mục đích.").json()["status"] == "draft"
    assert api.edit("QT-01", 1, {"sections": {"purpose": "Mục đích đã sửa."}}).status_code == 200
    _awaiting_approval(api)
    new_hash = look.version("QT-01", 1).content_hash
    assert new_hash != old_hash
    assert api.approve("QT-01", 1).json()["status"] == "effective"

    current_round = look.version("QT-01", 1).review_round
    signatures = look.signatures("QT-01", 1)
    assert {s.content_hash for s in signatures if s.review_round == current_round} == {new_hash}
    assert {s.content_hash for s in signatures if s.review_round < current_round} == {old_hash}
    rejection = next(s for s in signatures if s.meaning == "rejected")
    assert rejection.comment == "Sửa mục đích."


@pytest.mark.parametrize("target", ["section", "step"])
def test_content_tampered_in_the_database_cannot_be_approved(api, look, engine, target):
    _draft(api)
    _awaiting_approval(api)
    version = look.version("QT-01", 1)
    with Session(engine) as session:
        if target == "section":
            session.execute(text("UPDATE document_version SET content = 'Nội dung bị sửa' WHERE id = :id"),
                            {"id": version.id})
        else:
            session.execute(text("UPDATE version_step SET duration = '30 ngày' WHERE version_id = :id"),
                            {"id": version.id})
        session.commit()
    before = look.snapshot()

    response = api.approve("QT-01", 1)

    assert response.status_code == 409
    assert look.snapshot() == before
    assert look.version("QT-01", 1).status == "awaiting_approval"


def test_content_tampered_during_review_cannot_be_reviewed(api, look, engine):
    _draft(api)
    assert api.submit("QT-01", 1).status_code == 200
    with Session(engine) as session:
        session.execute(text("UPDATE document_version SET purpose = 'Khác'"))
        session.commit()
    before = look.snapshot()
    assert api.review("QT-01", 1).status_code == 409
    assert look.snapshot() == before


# --- one open draft, one effective version ------------------------------------------------------------


def test_one_open_version_per_document(api, look):
    _draft(api)
    assert api.post("iso", "/api/v1/documents/QT-01/versions").status_code == 409  # a draft exists
    assert api.submit("QT-01", 1).status_code == 200
    assert api.post("iso", "/api/v1/documents/QT-01/versions").status_code == 409  # in review
    assert api.review("QT-01", 1).status_code == 200
    assert api.post("iso", "/api/v1/documents/QT-01/versions").status_code == 409  # awaiting approval
    assert look.statuses("QT-01") == [(1, "awaiting_approval")]
    assert api.approve("QT-01", 1).status_code == 200
    created = api.post("iso", "/api/v1/documents/QT-01/versions")
    assert created.status_code == 201
    assert created.json()["status"] == "draft"
    assert api.post("iso", "/api/v1/documents/QT-01/versions").status_code == 409
    assert look.statuses("QT-01") == [(1, "effective"), (2, "draft")]


def test_one_effective_version_per_document(api, look, engine):
    _second_revision(api)
    api.publish("QT-01", 2)
    assert look.statuses("QT-01") == [(1, "superseded"), (2, "effective")]
    document = look.document("QT-01")
    assert document.effective_version_id == look.version("QT-01", 2).id
    assert look.count(Version, Version.status == "effective") == 1
    history = [(h.revision, h.change_summary) for h in _history(engine, document.id)]
    assert history == [(1, "Ban hành lần đầu"), (2, "Sửa đổi mục 5")]
    supersede = look.events("version.supersede", "QT-01/1")
    assert len(supersede) == 1

    # The database itself refuses a second effective version, whatever the code does.
    with Session(engine) as session, pytest.raises(IntegrityError):
        session.execute(text(
            "INSERT INTO document_version (document_id, revision, status, changed_sections, lock_version, "
            "review_round, drafter_id, created_at, updated_at) "
            "SELECT document_id, 3, 'effective', '', 1, 0, drafter_id, created_at, updated_at "
            "FROM document_version WHERE revision = 2"
        ))
    with Session(engine) as session, pytest.raises(IntegrityError):
        session.execute(text("UPDATE document_version SET status = 'effective' WHERE revision = 1"))
    assert look.statuses("QT-01") == [(1, "superseded"), (2, "effective")]


def _history(engine: Engine, document_id: int) -> list[RevisionHistory]:
    with Session(engine) as session:
        return list(session.execute(
            select(RevisionHistory).where(RevisionHistory.document_id == document_id)
            .order_by(RevisionHistory.revision)
        ).scalars())


# --- effective dates ----------------------------------------------------------------------------------


def test_a_future_effective_date_waits_then_supersedes_on_the_day(api, look, engine, today):
    _second_revision(api)
    day = today + timedelta(days=10)
    assert api.edit("QT-01", 2, {"effective_date": day.isoformat()}).status_code == 200
    assert api.submit("QT-01", 2).status_code == 200
    assert api.review("QT-01", 2).status_code == 200
    approved = api.approve("QT-01", 2)
    assert approved.status_code == 200
    assert approved.json()["status"] == "approved"
    assert approved.json()["effective_date"] == day.isoformat()
    assert look.statuses("QT-01") == [(1, "effective"), (2, "approved")]
    # Staff still read revision 1 until the day comes.
    assert api.get("nhanvien", "/api/v1/documents/QT-01").json()["current_revision"] == 1

    with new_session(engine, write=True) as session:
        assert make_due_effective(session, day - timedelta(days=1)) == []
        session.commit()
    assert look.statuses("QT-01") == [(1, "effective"), (2, "approved")]

    with new_session(engine, write=True) as session:
        assert make_due_effective(session, day) == ["QT-01/2"]
        session.commit()
    assert look.statuses("QT-01") == [(1, "superseded"), (2, "effective")]
    assert look.document("QT-01").effective_version_id == look.version("QT-01", 2).id
    effective = look.events("version.effective", "QT-01/2")
    assert [e.actor_username for e in effective] == ["system"]
    assert look.events("version.supersede", "QT-01/1")

    before = look.snapshot()
    with new_session(engine, write=True) as session:
        assert make_due_effective(session, day) == []
        assert make_due_effective(session, day + timedelta(days=1)) == []
        session.commit()
    assert look.snapshot() == before
    document = api.get("nhanvien", "/api/v1/documents/QT-01").json()
    assert (document["current_revision"], document["effective_date"]) == (2, day.isoformat())


def test_an_effective_date_that_has_passed_takes_effect_on_approval_day(api, look, today):
    _draft(api)
    last_month = today - timedelta(days=30)
    assert api.edit("QT-01", 1, {"effective_date": last_month.isoformat()}).status_code == 200
    _awaiting_approval(api)
    approved = api.approve("QT-01", 1).json()
    assert approved["status"] == "effective"
    assert approved["effective_date"] == today.isoformat()


def test_without_an_effective_date_the_version_takes_effect_on_approval(api, look, today):
    _draft(api)
    _awaiting_approval(api)
    approved = api.approve("QT-01", 1).json()
    assert (approved["status"], approved["effective_date"]) == ("effective", today.isoformat())
    document = api.get("iso", "/api/v1/documents/QT-01").json()
    assert document["effective_date"] == today.isoformat()
    events = [e.action for e in look.events(object_id="QT-01/1")]
    assert events[-3:] == ["signature.approved", "version.approve", "version.effective"]


# --- withdrawal ----------------------------------------------------------------------------------------


def test_withdrawal_needs_the_approver_signature_then_the_document_leaves_circulation(api, look):
    _draft(api)
    api.publish("QT-01")
    requested = api.post("iso", f"{V1}/withdraw",
                         {"reason": "Thủ tục hành chính đã bị bãi bỏ.", "approver": "giamdoc"})
    assert requested.status_code == 200, requested.text
    assert requested.json()["status"] == "effective"
    assert look.events("version.withdrawal_request", "QT-01/1")
    assert [(p["kind"], p["code"]) for p in api.get("giamdoc", "/api/v1/me/pending").json()] == [
        ("withdrawal", "QT-01")]

    before = look.snapshot()
    wrong = api.post("giamdoc", f"{V1}/withdraw", {"decision": "approved", "password": "Sai-mat-khau1"})
    assert wrong.status_code == 401
    assert api.post("phogiamdoc", f"{V1}/withdraw",
                    {"decision": "approved", "password": PASSWORD}).status_code == 403
    assert look.snapshot() == before

    signed = api.post("giamdoc", f"{V1}/withdraw", {"decision": "approved", "password": PASSWORD,
                                                    "comment": "Đồng ý hủy bỏ."})
    assert signed.status_code == 200, signed.text
    assert signed.json()["status"] == "obsolete"
    last = signed.json()["signatures"][-1]
    assert (last["username"], last["meaning"], last["purpose"]) == ("giamdoc", "approved", "withdrawal")
    assert look.document("QT-01").effective_version_id is None
    assert look.events("version.withdraw", "QT-01/1")

    assert api.get("nhanvien", "/api/v1/documents/QT-01").status_code == 404
    assert api.get("nhanvien", V1).status_code == 404
    assert api.get("nhanvien", "/api/v1/documents").json()["total"] == 0
    assert api.get("danhgia", V1).json()["status"] == "obsolete"
    assert api.get("iso", "/api/v1/documents/QT-01").json()["status"] == "obsolete"
    assert api.get("giamdoc", "/api/v1/me/pending").json() == []


def test_a_refused_withdrawal_keeps_the_version_in_force(api, look):
    _draft(api)
    api.publish("QT-01")
    assert api.post("iso", f"{V1}/withdraw",
                    {"reason": "Không còn phù hợp.", "approver": "giamdoc"}).status_code == 200
    assert api.post("giamdoc", f"{V1}/withdraw",
                    {"decision": "rejected", "password": PASSWORD}).status_code == 422  # no reason given
    refused = api.post("giamdoc", f"{V1}/withdraw",
                       {"decision": "rejected", "password": PASSWORD, "comment": "Vẫn còn áp dụng."})
    assert refused.status_code == 200, refused.text
    assert refused.json()["status"] == "effective"
    assert look.document("QT-01").effective_version_id == look.version("QT-01", 1).id
    assert look.version("QT-01", 1).withdrawal_approver_id is None
    assert look.events("version.withdrawal_refused", "QT-01/1")
    assert api.get("nhanvien", V1).status_code == 200
    # A signature for a withdrawal that no longer waits is refused.
    assert api.post("giamdoc", f"{V1}/withdraw",
                    {"decision": "approved", "password": PASSWORD}).status_code == 409


def test_only_the_quality_officer_asks_for_a_withdrawal_and_only_of_an_effective_version(api, look):
    _draft(api)
    before = look.snapshot()
    body = {"reason": "Sai.", "approver": "giamdoc"}
    assert api.post("iso", f"{V1}/withdraw", body).status_code == 409  # a draft
    api.publish("QT-01")
    before = look.snapshot()
    assert api.post("nhanvien", f"{V1}/withdraw", body).status_code == 403
    assert api.post("iso", f"{V1}/withdraw", {"approver": "giamdoc"}).status_code == 422
    assert api.post("iso", f"{V1}/withdraw", {"reason": "Sai.", "approver": "xemxet"}).status_code == 422
    assert look.snapshot() == before
    assert api.post("iso", f"{V1}/withdraw", body).status_code == 200
    assert api.post("iso", f"{V1}/withdraw", body).status_code == 409  # already waiting


# --- delegation ----------------------------------------------------------------------------------------


def _delegate(api, starts_on: date, ends_on: date, username: str = "giamdoc"):
    response = api.post(username, "/api/v1/delegations",
                        {"delegate": "phogiamdoc", "starts_on": starts_on.isoformat(),
                         "ends_on": ends_on.isoformat(), "note": "Đi công tác", "password": PASSWORD})
    assert response.status_code == 201, response.text
    return response.json()


def test_a_deputy_approves_on_behalf_of_the_head_inside_the_window(api, look, today):
    _draft(api)
    _awaiting_approval(api)
    delegation = _delegate(api, today - timedelta(days=1), today + timedelta(days=5))
    assert delegation["active"] is True
    created = look.events("delegation.create")
    assert len(created) == 1 and '"delegate":"phogiamdoc"' in created[0].details

    approved = api.approve("QT-01", 1, username="phogiamdoc", comment="KT. Giám đốc")
    assert approved.status_code == 200, approved.text
    assert approved.json()["status"] == "effective"
    signature = approved.json()["signatures"][-1]
    assert signature["username"] == "phogiamdoc"
    assert signature["on_behalf_of"] == "giamdoc"
    assert signature["title"] == "Phó Giám đốc"
    assert signature["on_behalf_of_title"] == "Giám đốc"
    stored = look.signatures("QT-01", 1)[-1]
    assert (stored.signer_title, stored.on_behalf_of_title) == ("Phó Giám đốc", "Giám đốc")
    event = look.events("signature.approved", "QT-01/1")[0]
    assert event.actor_username == "phogiamdoc" and '"on_behalf_of":"giamdoc"' in event.details


def test_a_deputy_who_reviewed_the_version_cannot_approve_it_for_the_head(api, look, today):
    """Segregation of duties holds through delegation: one person does not both review and approve."""
    _draft(api)
    assert api.submit("QT-01", 1, reviewers=("phogiamdoc",)).status_code == 200
    assert api.review("QT-01", 1, username="phogiamdoc").status_code == 200
    _delegate(api, today, today + timedelta(days=5))
    assert api.get("phogiamdoc", "/api/v1/me/pending").json() == [], "not offered to approve either"
    before = look.snapshot()
    refused = api.approve("QT-01", 1, username="phogiamdoc")
    assert refused.status_code == 409
    assert "đã xem xét" in refused.json()["detail"]
    assert look.snapshot() == before
    assert api.approve("QT-01", 1).status_code == 200


def test_a_deputy_is_refused_before_the_window(api, look, today):
    _draft(api)
    _awaiting_approval(api)
    _delegate(api, today + timedelta(days=1), today + timedelta(days=5))
    before = look.snapshot()
    assert api.approve("QT-01", 1, username="phogiamdoc").status_code == 403
    assert look.snapshot() == before
    assert api.get("phogiamdoc", "/api/v1/me/pending").json() == []


def test_a_deputy_is_refused_after_the_window(api, people, engine, look, today):
    """Service level: the clock is the caller's."""
    _draft(api)
    _awaiting_approval(api)
    _delegate(api, today, today + timedelta(days=2))
    decision = Decision(decision="approved", comment="", password=PASSWORD)
    with new_session(engine, write=True) as session, pytest.raises(Forbidden):
        workflow.approve(session, people["phogiamdoc"], "QT-01", 1, decision, today + timedelta(days=3))
    with new_session(engine, write=True) as session:
        version = workflow.approve(session, people["phogiamdoc"], "QT-01", 1, decision,
                                   today + timedelta(days=2))
        assert version.status == "effective"
        session.commit()


def test_a_revoked_delegation_no_longer_lets_the_deputy_sign(api, look, today):
    _draft(api)
    _awaiting_approval(api)
    delegation = _delegate(api, today, today + timedelta(days=5))
    assert [p["kind"] for p in api.get("phogiamdoc", "/api/v1/me/pending").json()] == ["approval"]
    assert api.client.delete(f"/api/v1/delegations/{delegation['id']}",
                             headers=api.as_("phogiamdoc")).status_code == 403
    revoked = api.client.delete(f"/api/v1/delegations/{delegation['id']}", headers=api.as_("giamdoc"))
    assert revoked.status_code == 204
    assert len(look.events("delegation.revoke")) == 1
    assert api.get("giamdoc", "/api/v1/delegations").json() == []
    before = look.snapshot()
    assert api.approve("QT-01", 1, username="phogiamdoc").status_code == 403
    assert look.snapshot() == before
    assert api.get("phogiamdoc", "/api/v1/me/pending").json() == []


def test_revoking_a_delegation_by_an_id_no_row_can_have_is_refused(api):
    """An id past 64 bits could not be bound by SQLite (it was a server error)."""
    for delegation_id in (2**63, 10**20, 0):
        response = api.client.delete(f"/api/v1/delegations/{delegation_id}", headers=api.as_("giamdoc"))
        assert response.status_code == 422, response.text
        assert response.json()["errors"][0]["field"] == "delegation_id"
    assert api.client.delete("/api/v1/delegations/2147483647", headers=api.as_("giamdoc")).status_code == 404


def test_delegation_rules(api, look, today):
    week = {"starts_on": today.isoformat(), "ends_on": (today + timedelta(days=7)).isoformat(),
            "password": PASSWORD}
    assert api.post("nhanvien", "/api/v1/delegations", {"delegate": "phogiamdoc", **week}).status_code == 403
    assert api.post("giamdoc", "/api/v1/delegations", {"delegate": "giamdoc", **week}).status_code == 422
    assert api.post("giamdoc", "/api/v1/delegations", {"delegate": "khongco", **week}).status_code == 422
    backwards = {"starts_on": week["ends_on"], "ends_on": week["starts_on"]}
    response = api.post("giamdoc", "/api/v1/delegations", {"delegate": "phogiamdoc", **backwards})
    assert response.status_code == 422
    past = {"starts_on": (today - timedelta(days=9)).isoformat(),
            "ends_on": (today - timedelta(days=2)).isoformat()}
    assert api.post("giamdoc", "/api/v1/delegations", {"delegate": "phogiamdoc", **past}).status_code == 422
    # Someone who could never read the version they would sign is not a deputy.
    assert api.post("giamdoc", "/api/v1/delegations", {"delegate": "nhanvien", **week}).status_code == 422
    assert look.count(Delegation) == 0
    assert look.events("delegation.create") == []


def test_nobody_records_a_delegation_for_someone_else(api, make, look, today):
    """The attack: an administrator records a delegation from the head of agency to someone."""
    make.user("quantri", "admin", unit="VP")
    week = {"delegate": "phogiamdoc", "starts_on": today.isoformat(),
            "ends_on": (today + timedelta(days=7)).isoformat(), "password": PASSWORD}
    for username in ("quantri", "iso", "phogiamdoc"):
        refused = api.post(username, "/api/v1/delegations", {**week, "delegator": "giamdoc"})
        assert refused.status_code == 403, (username, refused.text)
        assert "delegat" in refused.json()["detail"].lower() or "ký thay" in refused.json()["detail"]
    assert look.count(Delegation) == 0
    assert look.events("delegation.create") == []
    # Naming oneself is the same as leaving the delegator out.
    recorded = api.post("giamdoc", "/api/v1/delegations", {**week, "delegator": "giamdoc"})
    assert recorded.status_code == 201, recorded.text
    event = look.events("delegation.create")[0]
    assert event.actor_username == "giamdoc" and '"delegator":"giamdoc"' in event.details


@pytest.mark.parametrize("password", [None, "", "Sai-matkhau-9"])
def test_a_delegation_needs_the_delegators_own_password(api, look, today, password):
    body = {"delegate": "phogiamdoc", "starts_on": today.isoformat(),
            "ends_on": (today + timedelta(days=7)).isoformat()}
    if password is not None:
        body["password"] = password
    refused = api.post("giamdoc", "/api/v1/delegations", body)
    assert refused.status_code == 401 and refused.json()["field"] == "password"
    assert look.count(Delegation) == 0
    assert look.events("delegation.create") == []


def test_delegation_at_service_level_is_audited_in_the_same_transaction(people, engine, look, today):
    data = DelegationCreate(delegate="phogiamdoc", starts_on=today, ends_on=today + timedelta(days=1),
                            password=PASSWORD)
    with new_session(engine, write=True) as session:
        create_delegation(session, people["giamdoc"], data, today)
        session.rollback()
    assert look.count(Delegation) == 0
    assert look.events("delegation.create") == []


# --- pending actions ---------------------------------------------------------------------------------


def test_pending_actions_go_to_the_right_people(api, today):
    def pending(username: str) -> list[tuple[str, str, int]]:
        response = api.get(username, "/api/v1/me/pending")
        assert response.status_code == 200
        return [(p["kind"], p["code"], p["revision"]) for p in response.json()]

    _draft(api)
    assert api.submit("QT-01", 1, reviewers=("xemxet", "xemxet2")).status_code == 200
    assert pending("xemxet") == pending("xemxet2") == [("review", "QT-01", 1)]
    assert pending("giamdoc") == pending("nhanvien") == pending("iso") == []

    assert api.review("QT-01", 1).status_code == 200
    assert pending("xemxet") == []
    assert pending("xemxet2") == [("review", "QT-01", 1)]
    assert api.review("QT-01", 1, username="xemxet2").status_code == 200
    assert pending("xemxet2") == []
    assert pending("giamdoc") == [("approval", "QT-01", 1)]
    assert pending("phogiamdoc") == []

    _delegate(api, today, today + timedelta(days=3))
    item = api.get("phogiamdoc", "/api/v1/me/pending").json()
    assert [(p["kind"], p["on_behalf_of"]) for p in item] == [("approval", "Đặng Văn Bình")]
    assert api.get("giamdoc", "/api/v1/me/pending").json()[0]["on_behalf_of"] is None

    assert api.approve("QT-01", 1, username="phogiamdoc").status_code == 200
    assert pending("giamdoc") == pending("phogiamdoc") == []


def test_a_deputy_does_not_see_an_approval_they_may_not_sign(api, today):
    _draft(api, drafter="phogiamdoc")
    _awaiting_approval(api)
    _delegate(api, today, today + timedelta(days=3))
    assert api.get("phogiamdoc", "/api/v1/me/pending").json() == []
    assert [p["kind"] for p in api.get("giamdoc", "/api/v1/me/pending").json()] == ["approval"]


def test_the_version_page_offers_a_signature_to_exactly_those_whose_task_it_is(api, client, today):
    """The task list and the version page's signing panels ask one rule, so they agree."""
    panels = {"review": 'id="review"', "approval": 'id="approve"'}
    cast = ("xemxet", "phogiamdoc", "giamdoc", "iso", "danhgia")

    def offered(username: str, code: str = "QT-01") -> list[str]:
        login(client, username)
        page = client.get(f"/documents/{code}/versions/1")
        assert page.status_code == 200
        return [kind for kind, anchor in panels.items() if anchor in page.text]

    def listed(username: str, code: str = "QT-01") -> list[str]:
        return [p["kind"] for p in api.get(username, "/api/v1/me/pending").json() if p["code"] == code]

    _draft(api)
    assert api.submit("QT-01", 1, reviewers=("xemxet", "phogiamdoc")).status_code == 200
    assert {name: offered(name) for name in cast} == {name: listed(name) for name in cast} == {
        "xemxet": ["review"], "phogiamdoc": ["review"], "giamdoc": [], "iso": [], "danhgia": []}

    assert api.review("QT-01", 1).status_code == 200
    assert api.review("QT-01", 1, username="phogiamdoc").status_code == 200
    _delegate(api, today, today + timedelta(days=3))
    # The deputy reviewed this round, so may not also approve it for the head.
    assert {name: offered(name) for name in cast} == {name: listed(name) for name in cast} == {
        "xemxet": [], "phogiamdoc": [], "giamdoc": ["approval"], "iso": [], "danhgia": []}

    _draft(api, "QT-02")
    _awaiting_approval(api, "QT-02")
    assert offered("phogiamdoc", "QT-02") == listed("phogiamdoc", "QT-02") == ["approval"]
    assert "ký thay Đặng Văn Bình" in client.get("/documents/QT-02/versions/1").text


# --- concurrency -----------------------------------------------------------------------------------------


def _at_once(engine: Engine, **works) -> dict[str, object]:
    """Run each work in its own thread and database session, all starting together.

    Each outcome is what the work returned (after its commit) or the exception it raised.
    """
    barrier = threading.Barrier(len(works))
    outcomes: dict[str, object] = {}

    def run(name: str, work) -> None:
        session = new_session(engine, write=True)
        try:
            barrier.wait(timeout=10)
            result = work(session)
            session.commit()
            outcomes[name] = result
        except Exception as exc:  # the outcome is what the test looks at
            session.rollback()
            outcomes[name] = exc
        finally:
            session.close()

    threads = [threading.Thread(target=run, args=item) for item in works.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return outcomes


def _crossing(monkeypatch, first: str, then: str) -> None:
    """Hold two transactions where their locks would cross.

    The one writing the audit event ``then`` has the document's lock; it waits until the
    other has written ``first`` (and so holds the audit chain's lock), which itself waits
    until the first one got there. Each wait gives up after a few seconds, which is what
    happens when the locks are taken in the same order and one transaction simply waits.
    """
    from qms.audit import service as audit_service

    real_record = audit_service.record
    document_locked, chain_locked = threading.Event(), threading.Event()

    def record(session, **kwargs):
        if kwargs["action"] == then:
            document_locked.set()
            chain_locked.wait(3)
            return real_record(session, **kwargs)
        if kwargs["action"] == first and not chain_locked.is_set():
            document_locked.wait(3)
            event = real_record(session, **kwargs)
            chain_locked.set()
            return event
        return real_record(session, **kwargs)

    monkeypatch.setattr(audit_service, "record", record)


@pytest.mark.parametrize("second", ["giamdoc", "phogiamdoc"], ids=["double-click", "head-and-deputy"])
def test_two_concurrent_approvals_make_one_effective_version(api, people, engine, look, today, second):
    """Two connections approve the same version at the same moment: exactly one wins."""
    _draft(api)
    _awaiting_approval(api)
    _delegate(api, today, today + timedelta(days=1))
    decision = Decision(decision="approved", comment="", password=PASSWORD)

    def approve(username: str):
        return lambda session: workflow.approve(session, people[username], "QT-01", 1, decision, today).status

    outcomes = _at_once(engine, a=approve("giamdoc"), b=approve(second))

    winners = [value for value in outcomes.values() if value == "effective"]
    losers = [value for value in outcomes.values() if value != "effective"]
    assert len(winners) == 1, outcomes
    assert len(losers) == 1 and isinstance(losers[0], Conflict), outcomes
    assert look.statuses("QT-01") == [(1, "effective")]
    assert look.count(Version, Version.status == "effective") == 1
    approvals = [s for s in look.signatures("QT-01", 1) if s.meaning == "approved"]
    assert len(approvals) == 1
    assert len(look.events("version.effective")) == 1
    assert len(_history(engine, look.document("QT-01").id)) == 1
    with Session(engine) as session:
        assert verify_chain(session).ok


def test_an_approval_and_a_metadata_change_at_the_same_time_both_succeed(api, people, engine, look, today,
                                                                        monkeypatch):
    """Lifecycle verbs lock the document before anything else, like every other writer of it.

    The audit chain is written under a lock too; taking the document's lock after it, while
    another request holds the document and waits for the chain, deadlocks on PostgreSQL.
    """
    _draft(api)
    _awaiting_approval(api)
    _crossing(monkeypatch, first="signature.approved", then="document.update")
    decision = Decision(decision="approved", comment="", password=PASSWORD)

    outcomes = _at_once(
        engine,
        approve=lambda session: workflow.approve(session, people["giamdoc"], "QT-01", 1, decision,
                                                 today).status,
        settle=lambda session: document_service.update_document(
            session, people["iso"], "QT-01", DocumentUpdate(review_interval_months=24),
        ).review_interval_months,
    )

    assert outcomes == {"approve": "effective", "settle": 24}
    assert look.statuses("QT-01") == [(1, "effective")]
    assert look.document("QT-01").review_interval_months == 24
    with Session(engine) as session:
        assert verify_chain(session).ok


def test_the_daily_job_and_a_metadata_change_at_the_same_time_both_succeed(api, people, engine, look,
                                                                          today, monkeypatch):
    """The job locks every due document before its first audit event, not one after another."""
    day = today + timedelta(days=3)
    for code in ("QT-01", "QT-02"):
        _draft(api, code)
        assert api.edit(code, 1, {"effective_date": day.isoformat()}).status_code == 200
        _awaiting_approval(api, code)
        assert api.approve(code, 1).json()["status"] == "approved"
    _crossing(monkeypatch, first="version.effective", then="document.update")

    outcomes = _at_once(
        engine,
        job=lambda session: make_due_effective(session, day),
        settle=lambda session: document_service.update_document(
            session, people["iso"], "QT-02", DocumentUpdate(review_interval_months=24),
        ).review_interval_months,
    )

    assert outcomes == {"job": ["QT-01/1", "QT-02/1"], "settle": 24}
    assert look.statuses("QT-01") == look.statuses("QT-02") == [(1, "effective")]
    with Session(engine) as session:
        assert verify_chain(session).ok

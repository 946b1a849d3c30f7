"""External documents: details through the documents API, who cites them, needs review."""

from __future__ import annotations

from sqlalchemy import select

from qms.audit.models import AuditEvent
from qms.documents.models import Document

DECREE = {"number": "30/2020/NĐ-CP", "issuer": "Chính phủ", "issued_on": "2020-03-05", "status": "in_force"}


def create_external(api, code="ND-30", **external):
    body = {"code": code, "title": "Nghị định về công tác văn thư", "kind": "external", "owner_unit": "VP",
            "external": {**DECREE, **external}}
    response = api.post("iso", "/api/v1/documents", body)
    assert response.status_code == 201, response.text
    return response.json()


def effective_procedure(api, code, references):
    api.create_procedure(code, f"Quy trình {code}")
    api.fill(code, references=references)
    api.publish(code)


def test_details_are_stored_and_returned_with_the_document(api):
    body = create_external(api)
    assert body["external"] == {**DECREE, "replaced_by": ""}
    assert body["cited_by"] == []
    assert api.get("iso", "/api/v1/documents/ND-30").json()["external"]["number"] == "30/2020/NĐ-CP"


def test_cited_by_lists_the_documents_in_force_that_cite_it_by_number_or_code(api):
    create_external(api)
    effective_procedure(api, "QT-01", "- Nghị định số 30/2020/NĐ-CP ngày 05/3/2020 của Chính phủ")
    effective_procedure(api, "QT-02", "- Văn bản ND-30 (công tác văn thư)")
    effective_procedure(api, "QT-03", "- Nghị định số 130/2020/NĐ-CP; ND-300")
    api.create_procedure("QT-04", "Bản nháp")
    api.fill("QT-04", references="Nghị định 30/2020/NĐ-CP")
    assert api.get("iso", "/api/v1/documents/ND-30").json()["cited_by"] == ["QT-01", "QT-02"]
    assert api.get("iso", "/api/v1/documents/QT-01").json()["cited_by"] == []


def test_an_amended_or_expired_external_document_flags_every_citing_document(api, db):
    create_external(api)
    effective_procedure(api, "QT-01", "Nghị định số 30/2020/NĐ-CP")
    effective_procedure(api, "QT-02", "Luật Lưu trữ")
    changed = api.patch("iso", "/api/v1/documents/ND-30",
                        {"external": {"status": "amended", "replaced_by": "Nghị định sửa đổi"}})
    assert changed.status_code == 200, changed.text
    assert changed.json()["external"]["status"] == "amended"
    assert changed.json()["external"]["number"] == "30/2020/NĐ-CP"  # a partial change keeps the rest
    assert api.get("iso", "/api/v1/documents/QT-01").json()["needs_review"] is True
    assert api.get("iso", "/api/v1/documents/QT-02").json()["needs_review"] is False
    events = db.execute(select(AuditEvent)
                        .where(AuditEvent.action == "document.needs_review")).scalars().all()
    assert [(e.object_id, e.actor_username) for e in events] == [("QT-01", "iso")]
    due = api.get("iso", "/api/v1/reviews/due?within_days=0").json()
    assert [item["code"] for item in due["items"]] == ["QT-01"] and due["items"][0]["needs_review"] is True

    api.patch("iso", "/api/v1/documents/ND-30", {"external": {"status": "expired"}})
    assert len(db.execute(select(AuditEvent).where(AuditEvent.action == "document.needs_review"))
               .scalars().all()) == 1, "already flagged: not flagged twice"


def test_a_version_citing_an_expired_law_needs_review_when_it_comes_into_force(api, db):
    create_external(api, status="expired")
    effective_procedure(api, "QT-01", "Nghị định số 30/2020/NĐ-CP")
    db.expire_all()
    assert db.execute(select(Document.needs_review).where(Document.code == "QT-01")).scalar_one() is True


def test_bad_external_details_are_refused_and_change_nothing(api):
    create_external(api)
    repealed = api.patch("iso", "/api/v1/documents/ND-30", {"external": {"status": "repealed"}})
    assert repealed.status_code == 422
    api.create_procedure("QT-01")
    wrong_kind = api.patch("iso", "/api/v1/documents/QT-01", {"external": {"number": "1/2020"}})
    assert wrong_kind.status_code == 422 and wrong_kind.json()["field"] == "external"
    staff = api.patch("nhanvien", "/api/v1/documents/ND-30", {"external": {"status": "expired"}})
    assert staff.status_code == 403
    assert api.get("iso", "/api/v1/documents/ND-30").json()["external"]["status"] == "in_force"


def test_the_external_documents_page_lists_them_with_their_status(api, client):
    from support import login
    create_external(api)
    login(client, "iso")
    page = client.get("/external-documents")
    assert page.status_code == 200 and "30/2020/NĐ-CP" in page.text
    edit = client.get("/documents/ND-30/external")
    assert edit.status_code == 200 and 'name="number"' in edit.text


def test_the_new_document_form_creates_an_external_document_with_its_details_in_one_step(api, client):
    from support import login, post_form
    effective_procedure(api, "QT-01", "Nghị định số 30/2020/NĐ-CP")
    login(client, "iso")
    form = client.get("/documents/new?kind=external")
    assert '<option value="external" selected' in form.text and 'name="number"' in form.text
    fields = {"code": "ND-30", "title": "Nghị định về công tác văn thư", "kind": "external",
              "owner_unit": "VP", "confidentiality": "internal", "review_interval_months": "12",
              "issuer": "Chính phủ", "issued_on": "2020-03-05", "status": "in_force"}
    missing = post_form(client, "/documents/new", fields)
    assert missing.status_code == 422 and 'id="e-number" class="field-error"' in missing.text
    assert api.get("iso", "/api/v1/documents/ND-30").status_code == 404, "nothing created"
    created = post_form(client, "/documents/new", {**fields, "number": "30/2020/NĐ-CP"})
    assert created.status_code == 303
    body = api.get("iso", "/api/v1/documents/ND-30").json()
    assert body["external"] == {**DECREE, "replaced_by": ""}
    assert body["cited_by"] == ["QT-01"]

"""Retention categories: those shipped with qms and those the quality officer adds, chosen
when a procedure lists its records."""

from __future__ import annotations

from sqlalchemy import select
from support import login, post_form

from qms.audit.models import AuditEvent

URL = "/api/v1/retention-categories"
HR = {"code": "tt10-3-05", "name": "Hồ sơ thi tuyển, xét tuyển công chức", "years": 20,
      "basis": "Thông tư 10/2022/TT-BNV, Phụ lục I"}


def _actions(db) -> list[str]:
    db.rollback()  # a fresh snapshot of the database
    return [e.action for e in db.execute(select(AuditEvent).where(
        AuditEvent.action.like("retention_category.%")).order_by(AuditEvent.id)).scalars()]


def test_the_shipped_categories_cite_their_legal_basis(api):
    listed = api.get("nhanvien", URL).json()
    shipped = {c["code"]: c for c in listed if c["shipped"]}
    assert {"KT-05", "KT-10", "KT-VV", "TT10-TC-QC", "TT10-QH-CV", "TT10-TCKT-DT"} <= set(shipped)
    assert all(c["basis"] for c in shipped.values())
    assert shipped["TT10-TC-QC"]["years"] == 20 and "10/2022/TT-BNV" in shipped["TT10-TC-QC"]["basis"]
    assert shipped["KT-VV"]["permanent"] is True and shipped["KT-VV"]["years"] is None
    assert (shipped["TT10-TCKT-DT"]["years"], shipped["TT10-TCKT-DT-KTT"]["years"]) == (20, 5)


def test_the_quality_officer_adds_a_category_that_the_register_then_offers(api, db):
    added = api.post("iso", URL, HR)
    assert added.status_code == 201, added.text
    assert added.json() == {**HR, "code": "TT10-3-05", "permanent": False, "shipped": False}
    assert _actions(db) == ["retention_category.create"]

    api.create_procedure()
    api.fill("QT-01")
    api.publish("QT-01")
    rows = [{"name": "Hồ sơ thi tuyển", "keeping_unit": "VP", "retention": "tt10-3-05"}]
    saved = api.client.put("/api/v1/documents/QT-01/records", json=rows, headers=api.as_("iso"))
    assert saved.status_code == 200, saved.text
    assert saved.json()[0]["category"] == "TT10-3-05"
    assert saved.json()[0]["retention_years"] == 20 and saved.json()[0]["basis"] == HR["basis"]

    in_use = api.client.delete(f"{URL}/TT10-3-05", headers=api.as_("iso"))
    assert in_use.status_code == 409 and "danh mục hồ sơ" in in_use.json()["detail"]
    api.client.put("/api/v1/documents/QT-01/records", json=[], headers=api.as_("iso"))
    assert api.client.delete(f"{URL}/TT10-3-05", headers=api.as_("iso")).status_code == 204
    assert "TT10-3-05" not in {c["code"] for c in api.get("iso", URL).json()}
    assert _actions(db) == ["retention_category.create", "retention_category.delete"]


def test_bad_categories_are_refused_with_the_reason_and_nothing_is_stored(api, db):
    both = api.post("iso", URL, {**HR, "permanent": True})
    assert both.status_code == 422 and both.json()["field"] == "years"
    neither = api.post("iso", URL, {**HR, "years": None})
    assert neither.status_code == 422 and neither.json()["field"] == "years"
    assert api.post("iso", URL, {**HR, "years": 101}).status_code == 422
    assert api.post("iso", URL, {**HR, "code": "a b"}).status_code == 422
    digits = api.post("iso", URL, {**HR, "code": "10"})
    assert digits.status_code == 422 and digits.json()["field"] == "code"
    taken = api.post("iso", URL, {**HR, "code": "kt-10"})
    assert taken.status_code == 409
    assert api.client.delete(f"{URL}/KT-10", headers=api.as_("iso")).status_code == 409
    assert api.client.delete(f"{URL}/KHONG-CO", headers=api.as_("iso")).status_code == 404
    assert _actions(db) == []


def test_only_the_quality_officer_changes_the_categories(api, db):
    for username in ("nhanvien", "giamdoc", "danhgia"):
        refused = api.post(username, URL, HR)
        assert refused.status_code == 403 and refused.json()["detail"]
    api.post("iso", URL, HR)
    assert api.client.delete(f"{URL}/TT10-3-05", headers=api.as_("nhanvien")).status_code == 403
    assert _actions(db) == ["retention_category.create"]


def test_the_page_lists_adds_and_removes_categories(client, people, db):
    login(client, "iso")
    page = client.get("/retention-categories")
    assert page.status_code == 200
    assert "Luật Kế toán số 88/2015/QH13" in page.text and "Kèm theo phần mềm" in page.text

    bad = post_form(client, "/retention-categories", {"code": "TT10-X", "name": "Hồ sơ X", "period": "years",
                                                        "years": "", "basis": ""})
    assert bad.status_code == 422 and 'aria-invalid="true"' in bad.text
    added = post_form(client, "/retention-categories", {
        "code": "TT10-X", "name": "Hồ sơ hội nghị", "period": "permanent", "years": "", "basis": "Mục 1"})
    assert added.status_code == 303
    page = client.get("/retention-categories")
    assert "Hồ sơ hội nghị" in page.text and "Cơ quan bổ sung" in page.text and "data-confirm" in page.text
    removed = post_form(client, "/retention-categories/TT10-X/delete")
    assert removed.status_code == 303
    assert "Hồ sơ hội nghị" not in client.get("/retention-categories").text

    login(client, "nhanvien")
    staff_view = client.get("/retention-categories")
    assert staff_view.status_code == 200 and "data-confirm" not in staff_view.text
    assert post_form(client, "/retention-categories", {"code": "TT10-Y", "name": "Hồ sơ Y",
                                                       "period": "permanent"}).status_code == 403

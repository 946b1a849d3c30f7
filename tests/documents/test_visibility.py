"""Who sees which documents and versions.

Staff read what is in force, never a draft nor a superseded or obsolete version, and
restricted documents only when their unit is named; the quality officer and auditors
read everything, always marked with its status.
"""

from __future__ import annotations

import pytest

DOCS = "/api/v1/documents"


def listed(api, username: str, **params) -> list[str]:
    response = api.get(username, DOCS, params=params)
    assert response.status_code == 200, response.text
    return [item["code"] for item in response.json()["items"]]


@pytest.fixture
def staff_vp(make):
    return make.user("nhanvienvp", "staff", unit="VP", full_name="Trần Thị Ngọc")


def test_a_document_with_only_a_draft_does_not_exist_for_staff(api):
    api.create_procedure()
    api.fill("QT-01")
    missing = api.get("nhanvien", f"{DOCS}/QT-01")
    unknown = api.get("nhanvien", f"{DOCS}/QT-99")
    assert missing.status_code == unknown.status_code == 404
    assert missing.json()["detail"].replace("QT-01", "X") == unknown.json()["detail"].replace("QT-99", "X")
    assert api.get("nhanvien", f"{DOCS}/QT-01/versions/1").status_code == 404
    assert listed(api, "nhanvien") == []
    for username in ("iso", "danhgia", "giamdoc", "soanthao", "xemxet"):
        assert api.get(username, f"{DOCS}/QT-01/versions/1").json()["status"] == "draft", username
        assert listed(api, username) == ["QT-01"], username


def test_staff_read_the_version_in_force_and_nothing_else(api):
    api.create_procedure()
    api.fill("QT-01")
    api.publish("QT-01")
    assert api.post("iso", f"{DOCS}/QT-01/versions").status_code == 201
    api.fill("QT-01", 2, purpose="Mục đích của lần ban hành thứ hai.")
    assert api.submit("QT-01", 2).status_code == 200

    document = api.get("nhanvien", f"{DOCS}/QT-01").json()
    assert [(v["revision"], v["status"]) for v in document["versions"]] == [(1, "effective")]
    assert (document["current_revision"], document["status"]) == (1, "effective")
    assert api.get("nhanvien", f"{DOCS}/QT-01/versions/1").status_code == 200
    assert api.get("nhanvien", f"{DOCS}/QT-01/versions/2").status_code == 404  # in review

    assert api.review("QT-01", 2).status_code == 200
    assert api.approve("QT-01", 2).json()["status"] == "effective"
    assert api.get("nhanvien", f"{DOCS}/QT-01/versions/1").status_code == 404  # superseded
    version = api.get("nhanvien", f"{DOCS}/QT-01/versions/2").json()
    assert version["sections"]["purpose"] == "Mục đích của lần ban hành thứ hai."
    document = api.get("nhanvien", f"{DOCS}/QT-01").json()
    assert [(v["revision"], v["status"]) for v in document["versions"]] == [(2, "effective")]

    for username in ("iso", "danhgia"):
        full = api.get(username, f"{DOCS}/QT-01").json()
        assert [(v["revision"], v["status"]) for v in full["versions"]] == [
            (2, "effective"), (1, "superseded")], username
        old = api.get(username, f"{DOCS}/QT-01/versions/1").json()
        assert old["status"] == "superseded"
        assert len(old["signatures"]) == 3


@pytest.fixture
def restricted(api):
    """QT-05, readable by the Phòng Cải cách hành chính only, in force."""
    api.create_procedure("QT-05", "Quy trình xử lý đơn thư khiếu nại", confidentiality="restricted",
                         allowed_units=["CCHC"])
    api.fill("QT-05")
    assert api.submit("QT-05", 1, reviewers=("xemxet2",)).status_code == 200
    assert api.review("QT-05", 1, username="xemxet2").status_code == 200
    assert api.approve("QT-05", 1).json()["status"] == "effective"
    return api


def test_a_restricted_document_is_read_only_in_the_units_named(restricted, staff_vp):
    api = restricted
    assert api.get("nhanvien", f"{DOCS}/QT-05").status_code == 200  # CCHC
    assert listed(api, "nhanvien") == ["QT-05"]
    assert listed(api, "nhanvien", q="don thu khieu nai") == ["QT-05"]

    assert api.get("nhanvienvp", f"{DOCS}/QT-05").status_code == 404  # VP
    assert api.get("nhanvienvp", f"{DOCS}/QT-05/versions/1").status_code == 404
    assert listed(api, "nhanvienvp") == []
    assert listed(api, "nhanvienvp", q="don thu khieu nai") == []
    assert api.get("xemxet", f"{DOCS}/QT-05").status_code == 404  # a reviewer of another unit

    for username in ("iso", "danhgia", "giamdoc"):
        document = api.get(username, f"{DOCS}/QT-05")
        assert document.status_code == 200, username
        assert document.json()["allowed_units"] == ["CCHC"]
        assert listed(api, username) == ["QT-05"], username


def test_restricting_a_document_hides_it_from_other_units_at_once(api, staff_vp):
    api.create_procedure()
    api.fill("QT-01")
    api.publish("QT-01")
    assert listed(api, "nhanvienvp") == ["QT-01"]
    # The confidentiality is signed with a revision: it changes in a new draft, and a stricter
    # one governs who reads the document at once.
    assert api.post("iso", f"{DOCS}/QT-01/versions").status_code == 201
    response = api.patch("iso", f"{DOCS}/QT-01", {"confidentiality": "restricted", "allowed_units": ["CCHC"]})
    assert response.status_code == 200, response.text
    assert listed(api, "nhanvienvp") == []
    assert api.get("nhanvienvp", f"{DOCS}/QT-01").status_code == 404
    assert listed(api, "nhanvien") == ["QT-01"]
    # A restricted document without any unit allowed would be readable by no staff at all.
    refused = api.patch("iso", f"{DOCS}/QT-01", {"allowed_units": []})
    assert refused.status_code == 422
    assert listed(api, "nhanvien") == ["QT-01"]


def test_a_reviewer_who_cannot_read_a_restricted_document_cannot_be_named(api):
    api.create_procedure("QT-05", "Quy trình xử lý đơn thư khiếu nại", confidentiality="restricted",
                         allowed_units=["CCHC"])
    api.fill("QT-05")
    response = api.submit("QT-05", 1, reviewers=("xemxet",))  # of the VP
    assert response.status_code == 422
    assert response.json()["field"] == "reviewers"
    assert api.get("iso", f"{DOCS}/QT-05/versions/1").json()["status"] == "draft"
    assert api.submit("QT-05", 1, reviewers=("xemxet2",)).status_code == 200  # of the CCHC


def test_an_obsolete_version_stays_readable_for_the_record(api):
    api.create_procedure()
    api.fill("QT-01")
    api.publish("QT-01")
    url = f"{DOCS}/QT-01/versions/1/withdraw"
    assert api.post("iso", url, {"reason": "Bãi bỏ.", "approver": "giamdoc"}).status_code == 200
    assert api.post("giamdoc", url, {"decision": "approved", "password": "Qzx-Vbw-48Kr"}).status_code == 200
    assert api.get("nhanvien", f"{DOCS}/QT-01/versions/1").status_code == 404
    for username in ("iso", "danhgia"):
        version = api.get(username, f"{DOCS}/QT-01/versions/1").json()
        assert version["status"] == "obsolete"
        assert [s["purpose"] for s in version["signatures"]][-1] == "withdrawal"
        assert listed(api, username, status="obsolete") == ["QT-01"]


def test_the_auditor_reads_everything_and_changes_nothing(api):
    api.create_procedure()
    api.fill("QT-01")
    etag = api.get("danhgia", f"{DOCS}/QT-01/versions/1").json()["etag"]
    assert api.patch("danhgia", f"{DOCS}/QT-01/versions/1", {"sections": {"purpose": "x"}},
                     headers={"If-Match": etag}).status_code == 403
    assert api.patch("danhgia", f"{DOCS}/QT-01", {"title": "Đổi tên tài liệu"}).status_code == 403
    assert api.post("danhgia", f"{DOCS}/QT-01/versions/1/submit",
                    {"reviewers": ["xemxet"], "approver": "giamdoc"}).status_code == 403
    assert api.get("iso", f"{DOCS}/QT-01/versions/1").json()["sections"]["purpose"] != "x"

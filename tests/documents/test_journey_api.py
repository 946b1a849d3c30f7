from qms.audit.service import verify_chain


def test_procedure_goes_from_draft_to_effective_and_supersedes(api, db):
    api.create_procedure()
    api.fill("QT-01")
    submitted = api.submit("QT-01", 1).json()
    assert submitted["status"] == "in_review"
    assert submitted["content_hash"] and len(submitted["content_hash"]) == 64
    assert api.review("QT-01", 1).json()["status"] == "awaiting_approval"
    approved = api.approve("QT-01", 1).json()
    assert approved["status"] == "effective"
    meanings = [s["meaning"] for s in approved["signatures"]]
    assert meanings == ["drafted", "reviewed", "approved"]
    assert {s["content_hash"] for s in approved["signatures"]} == {approved["content_hash"]}

    new = api.post("iso", "/api/v1/documents/QT-01/versions")
    assert new.status_code == 201, new.text
    assert new.json()["revision"] == 2
    assert new.json()["sections"]["purpose"] == "Quy định cách kiểm soát tài liệu."
    api.fill("QT-01", 2, purpose="Mục đích mới.")
    api.publish("QT-01", 2)

    document = api.get("nhanvien", "/api/v1/documents/QT-01").json()
    assert [(v["revision"], v["status"]) for v in document["versions"]] == [(2, "effective")]
    full = api.get("danhgia", "/api/v1/documents/QT-01").json()
    assert [(v["revision"], v["status"]) for v in full["versions"]] == [(2, "effective"), (1, "superseded")]
    assert verify_chain(db).ok

"""Distribution follows the lifecycle: a new version goes to the same people, open tasks of the
old one close, paper copies are recalled, a withdrawn document leaves nothing to read."""

from __future__ import annotations

from sqlalchemy import select

from qms.distribution.models import Acknowledgement, Distribution, PaperCopy
from qms.documents.models import Version

from .conftest import distribute

URL = "/api/v1/documents/QT-01/versions"


def _revise(api, rev: int) -> None:
    assert api.post("iso", URL).status_code == 201
    api.fill("QT-01", rev)
    api.publish("QT-01", rev)


def _statuses(db, rev: int) -> dict[str, int]:
    version = db.execute(select(Version).where(Version.revision == rev)).scalar_one()
    rows = db.execute(select(Acknowledgement.status)
                      .where(Acknowledgement.version_id == version.id)).scalars()
    counts: dict[str, int] = {}
    for status in rows:
        counts[status] = counts.get(status, 0) + 1
    return counts


def test_a_new_version_goes_to_the_previous_distribution(api, published, db, reader):
    distribute(api, units=["CCHC"], due_days=4)
    api.post("nhanvien", f"{URL}/1/acknowledge")
    _revise(api, 2)
    db.commit()  # a new snapshot: see what the requests committed
    assert _statuses(db, 1) == {"acknowledged": 1, "superseded": 4}
    assert _statuses(db, 2) == {"pending": 5}
    carried = db.execute(select(Distribution).order_by(Distribution.id.desc())).scalars().first()
    assert carried.carried_over_from == 1 and carried.due_days == 4
    assert carried.created_by_id is None, "the system carried it over"
    assert reader.events("distribution.close")[-1].object_id == "QT-01/1"

    items = api.get("nhanvien", "/api/v1/me/reading-list").json()
    assert [(i["code"], i["revision"], i["previous_revision"]) for i in items] == [("QT-01", 2, 1)]
    assert items[0]["change_summary"] == "Sửa đổi mục 5"


def test_the_reading_list_links_the_change_and_the_diff(api, client, published):
    from support import login

    distribute(api, units=["CCHC"])
    _revise(api, 2)
    login(client, "nhanvien")
    home = client.get("/").text
    assert "Sửa đổi mục 5" in home
    assert "/documents/QT-01/versions/2/diff?against=1" in home
    assert client.get("/documents/QT-01/versions/2/diff?against=1").status_code == 200


def test_members_who_joined_since_are_included_and_those_who_left_are_not(api, published, make, db):
    distribute(api, units=["CCHC"])
    make.user("moi", "staff", unit="CCHC", full_name="Cán Bộ Mới")
    from qms.accounts.models import User

    leaver = db.execute(select(User).where(User.username == "cchc2")).scalar_one()
    leaver.active = False
    db.commit()
    _revise(api, 2)
    names = set(api.get("iso", f"{URL}/2/acknowledgements").json()["pending"])
    assert "moi" in names and "cchc2" not in names


def test_paper_copies_of_the_old_version_go_on_the_recall_list(api, published, db, reader):
    distribute(api, paper_copies=[{"holder": "cchc1"}, {"holder": "vp1"}])
    _revise(api, 2)
    db.commit()  # a new snapshot: see what the requests committed
    copies = db.execute(select(PaperCopy).order_by(PaperCopy.number)).scalars().all()
    assert [c.status for c in copies] == ["to_recall", "to_recall"]
    event = reader.events("paper_copy.recall_requested")[-1]
    assert '"01"' in event.details and '"02"' in event.details
    response = api.post("iso", f"{URL}/1/paper-copies/2/recall", {"outcome": "returned", "on": "2020-01-01"})
    assert response.status_code == 422 and "on" in response.text
    response = api.post("iso", f"{URL}/1/paper-copies/2/recall",
                        {"outcome": "returned", "on": copies[1].issued_at.date().isoformat()})
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "returned"
    again = api.post("iso", f"{URL}/1/paper-copies/2/recall",
                     {"outcome": "destroyed", "on": copies[1].issued_at.date().isoformat()})
    assert again.status_code == 409
    assert api.post("nhanvien", f"{URL}/1/paper-copies/1/recall",
                    {"outcome": "returned", "on": copies[0].issued_at.date().isoformat()}).status_code == 403
    # A control character in the note would have broken the distribution record as Word.
    noted = api.post("iso", f"{URL}/1/paper-copies/1/recall",
                     {"outcome": "returned", "on": copies[0].issued_at.date().isoformat(), "note": "Trả\x00"})
    assert noted.status_code == 422 and noted.json()["errors"][0]["field"] == "note"


def test_copies_of_a_version_in_force_are_not_recalled(api, published):
    distribute(api, paper_copies=[{"holder": "cchc1"}])
    response = api.post("iso", f"{URL}/1/paper-copies/1/recall", {"outcome": "returned", "on": "2026-01-01"})
    assert response.status_code == 409


def test_an_approved_version_is_distributed_before_it_takes_effect(api, published, db):
    distribute(api, units=["CCHC"])
    assert api.post("iso", URL).status_code == 201
    api.fill("QT-01", 2)
    api.edit("QT-01", 2, {"effective_date": "2099-01-01"})
    api.publish("QT-01", 2)
    assert api.get("iso", "/api/v1/documents/QT-01").json()["versions"][0]["status"] == "approved"
    response = distribute(api, rev=2, users=["vp1"])
    assert response.status_code == 200
    assert response.json()[0]["due_at"].startswith("2099-01-")
    assert api.get("vp1", "/api/v1/me/reading-list").json() == [], "not before it takes effect"
    conflict = api.post("vp1", f"{URL}/2/acknowledge")
    assert conflict.status_code == 409


def test_a_withdrawn_version_leaves_nothing_to_read(api, published, db):
    distribute(api, units=["CCHC"])
    request = api.post("iso", f"{URL}/1/withdraw", {"reason": "Không còn áp dụng", "approver": "giamdoc"})
    assert request.status_code == 200, request.text
    signed = api.post("giamdoc", f"{URL}/1/withdraw",
                      {"decision": "approved", "comment": "", "password": "Qzx-Vbw-48Kr"})
    assert signed.status_code == 200, signed.text
    db.commit()  # a new snapshot: see what the requests committed
    assert _statuses(db, 1) == {"withdrawn": 5}
    assert api.get("nhanvien", "/api/v1/me/reading-list").json() == []
    assert api.post("nhanvien", f"{URL}/1/acknowledge").status_code == 409


def test_removing_a_recipient_and_giving_the_task_back(api, client, published, reader):
    from support import login, post_form

    distribute(api, units=["CCHC"])
    login(client, "iso")
    response = post_form(client, "/documents/QT-01/versions/1/distribution/remove", {"username": "cchc1"})
    assert response.status_code == 303
    assert api.get("cchc1", "/api/v1/me/reading-list").json() == []
    assert api.post("cchc1", f"{URL}/1/acknowledge").status_code == 403
    assert len(reader.events("distribution.remove_recipient")) == 1
    again = distribute(api, users=["cchc1"]).json()
    assert again == [{**again[0], "username": "cchc1", "new": True}]
    assert len(api.get("cchc1", "/api/v1/me/reading-list").json()) == 1

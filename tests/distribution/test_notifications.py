"""Notifications of every workflow step: who is told what, in the bell and by e-mail, once."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlmodel import Session
from support import PASSWORD, counting, login, post_form

from qms.core.clock import local_today
from qms.core.db import transaction
from qms.notify.mail import send_due_mail
from qms.notify.models import MailOutbox, Notification
from qms.notify.notifications import DIGEST_HOUR, send, send_daily_digests

from .conftest import distribute


def _mail_settings(settings, inbox):
    return settings.model_copy(update={"smtp_host": "127.0.0.1", "smtp_port": inbox.port,
                                       "smtp_from": "iso@snv.ninhbinh.gov.vn"})


class Post:
    """What reached each person: in-app notifications and delivered e-mails since the last look."""

    def __init__(self, api, engine, settings, inbox):
        self.api, self.engine, self.settings, self.inbox = api, engine, _mail_settings(settings, inbox), inbox
        self.seen_mail = 0

    def unread(self, username: str) -> dict[str, list[dict]]:
        response = self.api.get(username, "/api/v1/me/notifications?unread=true")
        assert response.status_code == 200, response.text
        kinds: dict[str, list[dict]] = {}
        for item in response.json():
            kinds.setdefault(item["kind"], []).append(item)
        return kinds

    def mail(self) -> dict[str, list]:
        """Deliver the outbox through the SMTP server; the new messages by recipient."""
        send_due_mail(self.engine, self.settings)
        new = list(zip(self.inbox.recipients[self.seen_mail:], self.inbox.messages[self.seen_mail:],
                       strict=True))
        self.seen_mail = len(self.inbox.messages)
        by_person: dict[str, list] = {}
        for to, message in new:
            by_person.setdefault(to[0].split("@")[0], []).append(message)
        return by_person


def _text(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def _html(message) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


def test_a_version_from_draft_to_in_force_tells_each_person_their_turn(api, engine, settings, inbox, staff):
    post = Post(api, engine, settings, inbox)
    today = local_today(settings.zone)
    delegation = api.post("giamdoc", "/api/v1/delegations",
                          {"delegate": "phogiamdoc", "starts_on": today.isoformat(),
                           "ends_on": (today + timedelta(days=7)).isoformat(), "password": PASSWORD})
    assert delegation.status_code == 201, delegation.text
    assert [n["text"] for n in post.unread("phogiamdoc")["delegated"]] == [
        f"Đặng Văn Bình đã ủy quyền phê duyệt cho bạn từ {today:%d/%m/%Y} đến "
        f"{today + timedelta(days=7):%d/%m/%Y}."]
    assert list(post.mail()) == ["phogiamdoc"]

    api.create_procedure()
    api.fill("QT-01")
    assert api.submit("QT-01", 1, reviewers=("xemxet", "xemxet2")).status_code == 200
    for reviewer in ("xemxet", "xemxet2"):
        (request,) = post.unread(reviewer)["review_requested"]
        assert request["link"] == "/documents/QT-01/versions/1"
        assert "QT-01 Quy trình kiểm soát tài liệu" in request["text"]
    assert post.unread("giamdoc") == {}, "the approver waits for the reviews"
    mails = post.mail()
    assert sorted(mails) == ["xemxet", "xemxet2"]
    message = mails["xemxet"][0]
    assert message["Subject"].startswith("[qms] Nguyễn Thị Thu Hà đề nghị bạn xem xét QT-01")
    assert "Kính gửi Phạm Thị Lan," in _text(message)
    assert "http://127.0.0.1:8000/documents/QT-01/versions/1" in _text(message)
    assert 'href="http://127.0.0.1:8000/documents/QT-01/versions/1"' in _html(message)

    # The second reviewer sends it back: the drafter is told why, the other request is done.
    returned = api.review("QT-01", 1, username="xemxet2", decision="rejected", comment="Bổ sung bước 3")
    assert returned.status_code == 200, returned.text
    (notice,) = post.unread("iso")["returned"]
    assert "Bổ sung bước 3" in notice["text"] and "Đinh Thị Hương" in notice["text"]
    assert post.unread("xemxet") == {} and post.unread("xemxet2") == {}
    mails = post.mail()
    assert list(mails) == ["iso"] and "Bổ sung bước 3" in _text(mails["iso"][0])

    # Submitted again: a new round asks the reviewers again; the drafter's "returned" is done.
    assert api.submit("QT-01", 1, reviewers=("xemxet", "xemxet2")).status_code == 200
    assert "returned" not in post.unread("iso")
    assert len(post.unread("xemxet")["review_requested"]) == 1
    assert sorted(post.mail()) == ["xemxet", "xemxet2"]

    assert api.review("QT-01", 1, username="xemxet").status_code == 200
    assert post.unread("xemxet") == {}, "read once that reviewer signed"
    assert "review_requested" in post.unread("xemxet2")
    assert post.unread("giamdoc") == {}
    assert api.review("QT-01", 1, username="xemxet2").status_code == 200
    (ask,) = post.unread("giamdoc")["approval_requested"]
    assert ask["text"] == "QT-01 Quy trình kiểm soát tài liệu, lần ban hành 01, đang chờ bạn phê duyệt."
    (deputy,) = post.unread("phogiamdoc")["approval_requested"]
    assert "Đặng Văn Bình" in deputy["text"], "the deputy may sign on the head's behalf"
    assert sorted(post.mail()) == ["giamdoc", "phogiamdoc"]

    assert api.approve("QT-01", 1).status_code == 200
    assert api.get("iso", "/api/v1/documents/QT-01/versions/1").json()["status"] == "effective"
    assert "approval_requested" not in post.unread("giamdoc")
    assert "approval_requested" not in post.unread("phogiamdoc")
    (approved,) = post.unread("iso")["approved"]
    assert f"có hiệu lực từ {today:%d/%m/%Y}" in approved["text"]
    assert list(post.mail()) == ["iso"], "the drafter and quality officer is told once"

    assert distribute(api, users=["nhanvien", "cchc1"]).status_code == 200
    for person in ("nhanvien", "cchc1"):
        assert len(post.unread(person)["distributed"]) == 1
    assert sorted(post.mail()) == ["cchc1", "nhanvien"]
    assert distribute(api, users=["nhanvien"]).status_code == 200
    assert post.mail() == {}, "distributing again tells nobody twice"
    assert api.post("nhanvien", "/api/v1/documents/QT-01/versions/1/acknowledge").status_code == 200
    assert "distributed" not in post.unread("nhanvien"), "read once acknowledged"


def test_the_same_notice_is_recorded_once_even_from_two_threads(api, engine, people):
    barrier = threading.Barrier(2)
    told: list[list[int]] = []

    def tell() -> None:
        barrier.wait()
        with transaction(engine) as session:
            told.append(send(session, [people["nhanvien"].id, people["xemxet"].id], "returned",
                             {"code": "QT-01", "revision": 1, "by": "x", "comment": "y"}, "/", key="t:1"))

    threads = [threading.Thread(target=tell) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(len(t) for t in told) == [0, 2]
    with Session(engine) as session:
        assert len(session.execute(select(Notification)).scalars().all()) == 2
        assert len(session.execute(select(MailOutbox)).scalars().all()) == 2


def test_a_daily_digest_instead_of_immediate_mail(api, engine, settings, inbox, staff):
    post = Post(api, engine, settings, inbox)
    chosen = api.patch("xemxet", "/api/v1/me", {"notification_mail": "daily"})
    assert chosen.status_code == 200 and chosen.json()["notification_mail"] == "daily"
    assert api.get("xemxet", "/api/v1/me").json()["notification_mail"] == "daily"
    refused = api.patch("xemxet", "/api/v1/me", {"notification_mail": "hourly"})
    assert refused.status_code == 422 and "notification_mail" in refused.text
    for code in ("QT-01", "QT-02"):
        api.create_procedure(code)
        api.fill(code)
        assert api.submit(code, 1).status_code == 200
    assert len(post.unread("xemxet")["review_requested"]) == 2, "in the bell at once"
    assert post.mail() == {}, "no immediate mail"

    zone = post.settings.zone
    morning = datetime.combine(local_today(zone), datetime.min.time(), zone).replace(hour=DIGEST_HOUR - 1)
    assert "not before" in send_daily_digests(engine, post.settings, at=morning)
    afternoon = morning.replace(hour=DIGEST_HOUR)
    assert send_daily_digests(engine, post.settings, at=afternoon).endswith(": 1")
    assert send_daily_digests(engine, post.settings, at=afternoon).endswith(": 0")
    (digest,) = post.mail()["xemxet"]
    assert "QT-01" in _text(digest) and "QT-02" in _text(digest)
    assert digest["Subject"].startswith("[qms] Thông báo của bạn ngày")
    assert _html(digest).count("<li>") == 2


def test_the_notifications_api_lists_newest_first_and_marks_read(api, staff):
    for code in ("QT-01", "QT-02", "QT-03"):
        api.create_procedure(code)
        api.fill(code)
        assert api.submit(code, 1).status_code == 200
    listed = api.get("xemxet", "/api/v1/me/notifications").json()
    assert [set(item) for item in listed] == [{"id", "kind", "text", "link", "created_at", "read"}] * 3
    assert [item["link"] for item in listed] == [f"/documents/QT-0{n}/versions/1" for n in (3, 2, 1)]
    page = api.get("xemxet", "/api/v1/me/notifications?limit=1&offset=1").json()
    assert [item["id"] for item in page] == [listed[1]["id"]]
    assert api.post("giamdoc", "/api/v1/me/notifications/read", {"ids": [listed[0]["id"]]}).json() == {
        "marked": 0}, "someone else's notification is left alone"
    assert api.post("xemxet", "/api/v1/me/notifications/read", {"ids": [listed[0]["id"]]}).json() == {
        "marked": 1}
    assert len(api.get("xemxet", "/api/v1/me/notifications?unread=true").json()) == 2
    assert api.post("xemxet", "/api/v1/me/notifications/read", {}).json() == {"marked": 2}
    assert api.get("xemxet", "/api/v1/me/notifications?unread=true").json() == []
    assert api.post("xemxet", "/api/v1/me/notifications/read", {"ids": "x"}).status_code == 422
    too_big = api.post("xemxet", "/api/v1/me/notifications/read", {"ids": [2**70]})
    assert too_big.status_code == 422 and "ids" in str(too_big.json()["detail"])


def test_the_home_page_shows_your_turn_and_the_account_page_keeps_the_choice(api, client, engine, people):
    api.create_procedure()
    api.fill("QT-01")
    assert api.submit("QT-01", 1).status_code == 200
    login(client, "xemxet")
    with counting(engine) as statements:
        home = client.get("/")
    assert home.status_code == 200
    turn = home.text.split('id="your-turn"')[1].split("</section>")[0]
    assert "Đến lượt bạn xử lý" in turn and 'href="/documents/QT-01/versions/1"' in turn
    assert "đề nghị bạn xem xét QT-01" in turn
    assert sum("FROM notification" in s for s in statements) == 2, "the bell's count and the list"

    page = client.get("/account")
    assert page.status_code == 200 and "Nhận thông báo qua thư điện tử" in page.text
    saved = post_form(client, "/account", {"notification_mail": "daily"})
    assert saved.status_code == 303
    assert api.get("xemxet", "/api/v1/me").json()["notification_mail"] == "daily"
    assert 'value="daily" checked' in client.get("/account").text
    refused = post_form(client, "/account", {"notification_mail": "weekly"})
    assert refused.status_code == 422 and "thư tổng hợp hằng ngày" in refused.text
    assert api.get("xemxet", "/api/v1/me").json()["notification_mail"] == "daily"


def test_a_distribution_to_many_queues_its_mail_in_one_statement(api, engine, staff, make):
    for number in range(12):
        make.user(f"cchc_nv{number}", "staff", unit="CCHC", full_name=f"Cán bộ số {number}")
    api.create_procedure()
    api.fill("QT-01")
    api.publish("QT-01")
    with counting(engine) as statements:
        assert distribute(api, units=["CCHC"]).status_code == 200
    inserts = [s for s in statements if s.lstrip().upper().startswith("INSERT INTO MAIL_OUTBOX")]
    assert len(inserts) == 1
    with Session(engine) as session:
        queued = session.execute(select(MailOutbox).where(MailOutbox.dedup_key.like("distributed:%"))).all()
    assert len(queued) >= 14

"""Distribution tests: a published procedure and the staff of two units."""

from __future__ import annotations

import email
import email.policy
import socket

import pytest
from aiosmtpd.controller import Controller
from readers import Reader


@pytest.fixture
def reader(engine) -> Reader:
    return Reader(engine)


@pytest.fixture
def staff(make, people):
    """Two more people in CCHC, one in VP and a sub-unit of VP with one member."""
    make.unit("MC", "Bộ phận Tiếp nhận và Trả kết quả", parent="VP")
    return {
        "cchc1": make.user("cchc1", "staff", unit="CCHC", full_name="Trần Thị Ánh"),
        "cchc2": make.user("cchc2", "staff", unit="CCHC", full_name="Ngô Văn Bảo"),
        "vp1": make.user("vp1", "staff", unit="VP", full_name="Lý Thị Cúc"),
        "mc1": make.user("mc1", "staff", unit="MC", full_name="Đỗ Minh Đức"),
    }


@pytest.fixture
def published(api, staff):
    """QT-01 revision 1, effective."""
    api.create_procedure()
    api.fill("QT-01")
    api.publish("QT-01")
    return "QT-01"


def distribute(api, code="QT-01", rev=1, username="iso", **body):
    payload = {"units": [], "roles": [], "users": [], "due_days": 7, "paper_copies": [], **body}
    return api.post(username, f"/api/v1/documents/{code}/versions/{rev}/distribution", payload)


class Inbox:
    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []
        self.recipients: list[list[str]] = []

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        self.recipients.append(list(envelope.rcpt_tos))
        self.messages.append(email.message_from_bytes(envelope.original_content or envelope.content,
                                                      policy=email.policy.default))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def inbox():
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    try:
        handler.port = controller.port  # type: ignore[attr-defined]
        yield handler
    finally:
        controller.stop()


def drop_queued_mail(engine) -> None:
    """Forget the e-mails of the lifecycle's notifications, so a test sees only the reminders."""
    from sqlalchemy import delete

    from qms.core.db import transaction
    from qms.notify.models import MailOutbox

    with transaction(engine) as session:
        session.execute(delete(MailOutbox))

"""Fixtures of the records tests: a library with a rich procedure, PDF text, the demo certificate."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select
from sqlmodel import Session

from qms.audit.models import AuditEvent
from qms.core.config import Settings
from qms.records import certificates

SECTIONS = {
    "purpose": "Quy định thống nhất cách **kiểm soát tài liệu** của Sở Nội vụ; bảo đảm *đúng thẩm quyền*.",
    "scope": "- Áp dụng đối với các phòng, đơn vị thuộc Sở.\n- Không áp dụng đối với tài liệu mật.",
    "references": "1. TCVN ISO 9001:2015 Hệ thống quản lý chất lượng – Các yêu cầu.\n"
                  "2. Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 về công tác văn thư.",
    "definitions": "| Viết tắt | Giải nghĩa |\n|---|---|\n| HTQLCL | Hệ thống quản lý chất lượng |\n"
                   "| TTHC | Thủ tục hành chính |",
    "content": "### Quy định chung\n\nTài liệu được **phê duyệt** trước khi ban hành; "
               "Đặng Văn Bình ký duyệt.",
    "forms": "| TT | Mã hiệu | Tên biểu mẫu |\n|---|---|---|\n"
             "| 1 | BM-QT01-01 | Phiếu đề nghị sửa đổi tài liệu |",
    "records": "| TT | Tên hồ sơ | Nơi lưu | Thời gian lưu |\n|---|---|---|---|\n"
               "| 1 | Danh mục tài liệu nội bộ | Văn phòng Sở | Vĩnh viễn |\n"
               "| 2 | Phiếu đề nghị sửa đổi tài liệu | Văn phòng Sở | 05 năm |",
}


def many_steps(count: int = 24) -> list[dict[str, str]]:
    return [{"step": f"B{n}", "responsibility": "Bộ phận Tiếp nhận và Trả kết quả",
             "task": f"Bước {n}: tiếp nhận, kiểm tra thành phần hồ sơ; hướng dẫn tổ chức, cá nhân bổ sung "
                     "hồ sơ một lần; cập nhật vào Hệ thống thông tin giải quyết thủ tục hành chính.",
             "duration": "0,5 ngày làm việc", "output": f"BM-QT01-0{n % 9 + 1}"} for n in range(1, count + 1)]


def publish_rich(api, code: str = "QT-01", title: str = "Quy trình kiểm soát tài liệu", steps: int = 24,
                 **extra) -> None:
    api.create_procedure(code, title, **extra)
    response = api.edit(code, 1, {"sections": SECTIONS, "steps": many_steps(steps),
                                  "change_summary": "Ban hành lần đầu"})
    assert response.status_code == 200, response.text
    api.publish(code, 1)


def issue_copies(api, holders: tuple[str, ...], code: str = "QT-01", revision: int = 1) -> None:
    """Controlled paper copies numbered 01, 02, … to ``holders``, through a distribution."""
    body = {"units": [], "roles": [], "users": [], "due_days": 7,
            "paper_copies": [{"holder": holder} for holder in holders]}
    response = api.post("iso", f"/api/v1/documents/{code}/versions/{revision}/distribution", body)
    assert response.status_code in (200, 201), response.text


def pdf_pages(data: bytes) -> list[str]:
    assert data.startswith(b"%PDF-")
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages]


def flat(text: str) -> str:
    """Text with every run of whitespace made one space (lines wrap anywhere in a PDF)."""
    return " ".join(text.split())


def audit_events(engine, action: str) -> list[dict]:
    with Session(engine) as session:
        rows = session.execute(select(AuditEvent).where(AuditEvent.action == action)
                               .order_by(AuditEvent.id)).scalars().all()
        return [{"actor": r.actor_username, "object": r.object_id, **json.loads(r.details)} for r in rows]


@pytest.fixture
def demo_signing(app, settings: Settings, tmp_path: Path) -> Iterator[certificates.AgencyCertificate]:
    """The app signs with a demo certificate of its own data folder for this test only."""
    data_dir = tmp_path / "data"
    certificates.create_demo_certificate(data_dir, "Sở Nội vụ tỉnh Ninh Bình")
    with app_settings(app, settings.model_copy(update={"data_dir": data_dir})) as signing_settings:
        yield certificates.agency_certificate(signing_settings)


@contextmanager
def app_settings(app, replacement: Settings) -> Iterator[Settings]:
    """Run the app (and the signing listener) with other settings, then put the old ones back."""
    previous = app.state.settings
    app.state.settings = replacement
    certificates.configure(replacement)
    try:
        yield replacement
    finally:
        app.state.settings = previous
        certificates.configure(previous)

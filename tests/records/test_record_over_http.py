"""Acceptance of bounded record generation through the real `qms serve`, over HTTP: the PDF
of a draft whose section has a 3,000-character heading comes back (within the client's
10-second timeout), and change requests another user creates while it is being made are
answered at once, not blocked behind it and not refused."""

from __future__ import annotations

import io
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import httpx
from pypdf import PdfReader
from test_crash_safety import _free_port, _start, _token, server_env  # noqa: F401 (fixture)

LONG_HEADING = "# " + "word " * 600
# seven sections of nearly the most a section holds: typesetting takes a moment, which the
# change requests overlap
BULK = "Nội dung quy trình được thực hiện theo đúng trình tự, thẩm quyền và thời hạn. " * 2_400


def _now() -> str:
    return datetime.now(UTC).isoformat()


def test_a_pdf_with_a_long_heading_comes_back_while_others_write(server_env, tmp_path):  # noqa: F811
    seeded = subprocess.run([sys.executable, "-m", "qms.cli", "seed", "--demo"], env=server_env,
                            capture_output=True, text=True, timeout=300)
    assert seeded.returncode == 0, seeded.stderr
    port = _free_port()
    # seven near-full sections are a JSON body of about 2 MB, over the default limit of 1 MB
    server = _start({**server_env, "QMS_MAX_JSON_KB": "4096"}, port, tmp_path / "server.log")
    base = f"http://127.0.0.1:{port}"
    try:
        iso, staff = _token(base, "iso"), _token(base, "nhanvien1")
        created = httpx.post(f"{base}/api/v1/documents", headers=iso, timeout=30, json={
            "code": "QT-90", "title": "Quy trình có tiêu đề rất dài", "kind": "procedure",
            "owner_unit": "VP"})
        assert created.status_code == 201, created.text
        version = f"{base}/api/v1/documents/QT-90/versions/1"
        etag = httpx.get(version, headers=iso).json()["etag"]
        saved = httpx.patch(version, headers={**iso, "If-Match": etag}, timeout=30, json={"sections": {
            "purpose": LONG_HEADING + "\n\nĐoạn sau tiêu đề.",
            **dict.fromkeys(("scope", "references", "definitions", "content", "forms", "records"), BULK)}})
        assert saved.status_code == 200, saved.text

        answers: list[int] = []
        started = _now()
        with ThreadPoolExecutor(1) as pool:
            pending = pool.submit(httpx.get, f"{version}/record.pdf", headers=iso, timeout=10)
            time.sleep(0.3)  # the PDF request is under way: typesetting its 340 pages takes over a second
            while not pending.done():
                answer = httpx.post(f"{base}/api/v1/change-requests", headers=staff, timeout=10, json={
                    "document_code": "QT-01", "reason": "Cần cập nhật biểu mẫu",
                    "proposal": "Bổ sung mục hướng dẫn ghi phiếu."})
                answers.append(answer.status_code)
                time.sleep(0.05)
            pdf = pending.result()

        assert pdf.status_code == 200, pdf.text
        assert pdf.content.startswith(b"%PDF")
        pages = PdfReader(io.BytesIO(pdf.content)).pages
        text = " ".join(" ".join((page.extract_text() or "").split()) for page in pages[:6])
        assert "word word word" in text and "Đoạn sau tiêu đề." in text
        assert answers and set(answers) == {201}
        # the trail's order is the order of commits: a change request written before the
        # download's own event was written while the PDF was being made, not after it
        trail = httpx.get(f"{base}/api/v1/audit", headers=_token(base, "danhgia"), timeout=30,
                          params={"since": started, "limit": 1000}).json()
        download = next(event["id"] for event in trail if event["action"] == "record.download")
        requests = [event["id"] for event in trail if event["action"] == "change_request.create"]
        assert len(requests) == len(answers)
        assert min(requests) < download, "change requests waited for the PDF instead of going through"
    finally:
        server.terminate()
        server.wait(timeout=20)

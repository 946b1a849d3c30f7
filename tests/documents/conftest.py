from __future__ import annotations

import pytest
from support import api_headers


@pytest.fixture
def people(make):
    """The cast of a document's life: quality officer, drafter, reviewers, head and deputy, staff."""
    make.unit("SNV", "Sở Nội vụ")
    make.unit("BGD", "Ban Giám đốc", parent="SNV")
    make.unit("VP", "Văn phòng Sở", parent="SNV")
    make.unit("CCHC", "Phòng Cải cách hành chính", parent="SNV")
    return {
        "iso": make.user("iso", "quality_officer", "staff", unit="VP", full_name="Nguyễn Thị Thu Hà"),
        "soanthao": make.user("soanthao", "drafter", "staff", unit="CCHC", full_name="Lê Văn Hùng"),
        "xemxet": make.user("xemxet", "reviewer", "staff", unit="VP", full_name="Phạm Thị Lan"),
        "xemxet2": make.user("xemxet2", "reviewer", "staff", unit="CCHC", full_name="Đinh Thị Hương"),
        "giamdoc": make.user("giamdoc", "approver", "staff", unit="BGD", full_name="Đặng Văn Bình",
                             title="Giám đốc"),
        "phogiamdoc": make.user("phogiamdoc", "approver", "staff", unit="BGD", full_name="Hoàng Thị Mai",
                                title="Phó Giám đốc"),
        "nhanvien": make.user("nhanvien", "staff", unit="CCHC", full_name="Vũ Văn Khánh"),
        "danhgia": make.user("danhgia", "auditor", unit="VP", full_name="Vũ Đức Thắng"),
    }


class Api:
    """Calls the JSON API as a named demo person."""

    def __init__(self, client):
        self.client = client
        self._headers: dict[str, dict[str, str]] = {}

    def as_(self, username: str) -> dict[str, str]:
        if username not in self._headers:
            self._headers[username] = api_headers(self.client, username)
        return self._headers[username]

    def get(self, username: str, url: str, **kw):
        return self.client.get(url, headers=self.as_(username), **kw)

    def post(self, username: str, url: str, json=None, **kw):
        return self.client.post(url, json=json, headers=self.as_(username), **kw)

    def patch(self, username: str, url: str, json=None, headers=None, **kw):
        return self.client.patch(url, json=json, headers={**self.as_(username), **(headers or {})}, **kw)

    def create_procedure(self, code: str = "QT-01", title: str = "Quy trình kiểm soát tài liệu", **extra):
        body = {"code": code, "title": title, "kind": "procedure", "owner_unit": "VP",
                "confidentiality": "internal", "review_interval_months": 12, **extra}
        response = self.post("iso", "/api/v1/documents", body)
        assert response.status_code == 201, response.text
        return response.json()

    def edit(self, code: str, rev: int, body: dict, username: str = "iso"):
        version = self.get(username, f"/api/v1/documents/{code}/versions/{rev}").json()
        return self.patch(username, f"/api/v1/documents/{code}/versions/{rev}", body,
                          headers={"If-Match": version["etag"]})

    def fill(self, code: str, rev: int = 1, **sections):
        body = {"sections": {"purpose": "Quy định cách kiểm soát tài liệu.", "content": "Nội dung.",
                             **sections},
                "steps": [{"step": "B1", "responsibility": "Văn phòng", "task": "Soạn thảo",
                           "duration": "2 ngày", "output": "Dự thảo"}],
                "change_summary": "Ban hành lần đầu" if rev == 1 else "Sửa đổi mục 5"}
        response = self.edit(code, rev, body)
        assert response.status_code == 200, response.text
        return response.json()

    def submit(self, code: str, rev: int, reviewers=("xemxet",), approver="giamdoc", username="iso"):
        return self.post(username, f"/api/v1/documents/{code}/versions/{rev}/submit",
                         {"reviewers": list(reviewers), "approver": approver})

    def review(self, code: str, rev: int, username="xemxet", decision="reviewed", comment="Đồng ý"):
        return self.post(username, f"/api/v1/documents/{code}/versions/{rev}/review",
                         {"decision": decision, "comment": comment, "password": "Matkhau123"})

    def approve(self, code: str, rev: int, username="giamdoc", decision="approved", comment="",
                password="Matkhau123"):
        return self.post(username, f"/api/v1/documents/{code}/versions/{rev}/approve",
                         {"decision": decision, "comment": comment, "password": password})

    def publish(self, code: str, rev: int = 1):
        """Take a filled draft all the way to effective."""
        assert self.submit(code, rev).status_code == 200
        assert self.review(code, rev).status_code == 200
        response = self.approve(code, rev)
        assert response.status_code == 200, response.text
        return response.json()


@pytest.fixture
def api(client, people):
    return Api(client)

from support import api_headers, login


def test_health_reports_database(client):
    response = client.get("/healthz")
    assert response.json() == {"status": "ok", "database": "ok"}


def test_sign_in_and_see_home(client, make):
    make.user("giamdoc", "approver", full_name="Đặng Văn Bình")
    login(client, "giamdoc")
    page = client.get("/")
    assert "Đặng Văn Bình" in page.text


def test_me_with_token(client, make):
    make.user("iso", "quality_officer", "staff")
    me = client.get("/api/v1/me", headers=api_headers(client, "iso")).json()
    assert me["username"] == "iso"
    assert sorted(me["roles"]) == ["quality_officer", "staff"]

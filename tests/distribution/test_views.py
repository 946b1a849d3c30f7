"""The pages: preview then confirm, the reading list first on the home page, the button on the
version page, the dashboard, the recall list, the bell and the CSV export."""

from __future__ import annotations

import re

from support import counting, login, post_form

from .conftest import distribute

VERSION = "/documents/QT-01/versions/1"


def _form(**extra):
    return {"units": ["CCHC"], "include_subunits": "1", "due_days": "5", **extra}


def test_the_quality_officer_previews_before_confirming(client, published, reader):
    login(client, "iso")
    page = client.get(f"{VERSION}/distribution/new")
    assert page.status_code == 200
    assert 'name="units" value="CCHC"' in page.text

    preview = post_form(client, f"{VERSION}/distribution/preview", _form())
    assert preview.status_code == 200, preview.text
    assert "Vũ Văn Khánh" in preview.text and "Trần Thị Ánh" in preview.text
    assert "5 người mới nhận" in preview.text
    assert reader.events("distribution.create") == [], "the preview writes nothing"

    confirmed = post_form(client, f"{VERSION}/distribution", _form())
    assert confirmed.status_code == 303
    assert confirmed.headers["location"] == f"{VERSION}/distribution"
    record = client.get(f"{VERSION}/distribution")
    assert "Đã phân phối: 5 người mới nhận" in record.text
    assert "Phòng Cải cách hành chính" in record.text
    assert len(reader.events("distribution.create")) == 1


def test_an_empty_choice_is_shown_again_with_the_reason(client, published):
    login(client, "iso")
    response = post_form(client, f"{VERSION}/distribution/preview", {"due_days": "5"})
    assert response.status_code == 422
    assert "Chọn ít nhất một đơn vị" in response.text


def test_staff_see_the_reading_list_first_and_acknowledge_on_the_version_page(api, client, published,
                                                                              reader):
    distribute(api, units=["CCHC"])
    login(client, "nhanvien")
    home = client.get("/")
    assert home.text.index("Tài liệu cần đọc") < home.text.index("Tài liệu</h2>")
    assert "QT-01" in home.text and "Hạn" in home.text
    version = client.get(VERSION)
    assert "Tôi đã đọc và hiểu" in version.text
    response = post_form(client, f"{VERSION}/acknowledge")
    assert response.status_code == 303
    after = client.get(VERSION)
    assert "Tôi đã đọc và hiểu</button>" not in after.text
    assert "Bạn đã xác nhận đã đọc và hiểu" in after.text
    assert "Không có tài liệu nào cần đọc" in client.get("/").text
    assert len(reader.events("distribution.acknowledge")) == 1


def test_acknowledging_without_the_csrf_token_is_refused(api, client, published, reader):
    distribute(api, units=["CCHC"])
    login(client, "nhanvien")
    response = client.post(f"{VERSION}/acknowledge", follow_redirects=False)
    assert response.status_code == 403
    assert reader.events("distribution.acknowledge") == []


def test_the_button_is_only_for_recipients(api, client, published):
    distribute(api, units=["CCHC"])
    login(client, "vp1")
    assert "Tôi đã đọc và hiểu" not in client.get(VERSION).text


def test_those_who_follow_distribution_find_its_link_on_both_pages_without_a_task(client, published):
    link = 'href="/documents/QT-01/versions/1/distribution"'
    login(client, "iso")
    assert link in client.get(VERSION).text
    assert link in client.get("/documents/QT-01").text
    login(client, "vp1")
    assert link not in client.get(VERSION).text


def test_the_dashboard_counts_and_drills_down(api, client, published):
    distribute(api, units=["CCHC", "VP"], include_subunits=True)
    api.post("nhanvien", f"/api/v1{VERSION}/acknowledge")
    login(client, "giamdoc")
    page = client.get("/distribution")
    assert page.status_code == 200
    row = re.search(r"QT-01</a></td>.*?</tr>", page.text, re.S).group(0)
    assert re.findall(r'<td class="num">(\d+)</td>', row)[:5] == ["01", "10", "1", "9", "0"]
    units = client.get("/distribution?view=units")
    assert "Phòng Cải cách hành chính" in units.text
    unit = client.get("/distribution/units/CCHC")
    assert "QT-01" in unit.text
    names = client.get(f"{VERSION}/distribution?unit=CCHC&status=acknowledged")
    assert "Vũ Văn Khánh" in names.text and "Trần Thị Ánh" not in names.text


def test_staff_cannot_open_the_dashboard(client, published):
    login(client, "nhanvien")
    assert client.get("/distribution").status_code == 403
    assert client.get(f"{VERSION}/distribution").status_code == 403


def test_csv_export_is_utf8_with_a_byte_order_mark(api, client, published):
    distribute(api, units=["CCHC"])
    login(client, "iso")
    response = client.get("/distribution/acknowledgements.csv?unit=CCHC")
    assert response.status_code == 200
    assert response.content.startswith(b"\xef\xbb\xbf")
    text = response.content.decode("utf-8-sig")
    assert '"Phòng Cải cách hành chính","QT-01","Quy trình kiểm soát tài liệu","01","Vũ Văn Khánh"' in text


def test_copies_of_a_superseded_version_are_recalled(api, client, published, reader):
    distribute(api, paper_copies=[{"holder": "cchc1"}])
    api.post("iso", "/api/v1/documents/QT-01/versions")
    api.fill("QT-01", 2)
    api.publish("QT-01", 2)
    login(client, "iso")
    recalls = client.get("/distribution/recalls")
    assert "Trần Thị Ánh" in recalls.text
    today = re.search(r'name="on"[^>]* value="([0-9]{2}/[0-9]{2}/[0-9]{4})"', recalls.text).group(1)
    response = post_form(client, f"{VERSION}/paper-copies/1/recall",
                         {"outcome": "destroyed", "on": today, "next": "/distribution/recalls"})
    assert response.status_code == 303
    assert "Trần Thị Ánh" not in client.get("/distribution/recalls").text
    assert len(reader.events("paper_copy.recall")) == 1
    assert "Đã tiêu hủy" in client.get(f"{VERSION}/distribution").text


def test_the_bell_counts_unread_notifications(api, client, published):
    distribute(api, units=["CCHC"])
    login(client, "nhanvien")
    assert ">1<" in client.get("/notifications/count").text
    page = client.get("/notifications")
    assert "QT-01" in page.text
    post_form(client, "/notifications/read")
    assert "hidden" in client.get("/notifications/count").text


def test_the_reading_list_runs_the_same_statements_for_one_document_or_twenty(api, client, published, engine):

    def counts() -> dict[str, int]:
        result = {}
        for url in ("/", "/reading", "/notifications/count"):
            client.get(url)  # warm the per-process caches (the agency profile)
            with counting(engine) as statements:
                assert client.get(url).status_code == 200
            result[url] = len(statements)
        return result

    distribute(api, units=["CCHC"])
    login(client, "nhanvien")
    few = counts()
    for number in range(2, 21):
        code = f"QT-{number:02d}"
        api.create_procedure(code, f"Quy trình số {number}")
        api.fill(code)
        api.publish(code)
        distribute(api, code=code, users=["nhanvien"])
    many = counts()
    assert many == few, (few, many)
    assert client.get("/").text.count('<li class="reading-item') == 20

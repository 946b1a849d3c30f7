"""Dates are typed dd/mm/yyyy everywhere (ISO yyyy-mm-dd still accepted), read in one place,
and refused with a reason that names the field and the form expected."""

from __future__ import annotations

import html
import re
from datetime import date, datetime, timedelta

import pytest

from qms.core.dates import format_day, parse_day
from tests.support import PASSWORD, agency_today, login, post_form


@pytest.mark.parametrize(("typed", "day"), [
    ("05/03/2026", date(2026, 3, 5)),
    ("5/3/2026", date(2026, 3, 5)),
    (" 31.12.2026 ", date(2026, 12, 31)),
    ("29-02-2028", date(2028, 2, 29)),
    ("2026-03-05", date(2026, 3, 5)),
])
def test_a_day_is_read_day_first_or_as_iso(typed, day):
    assert parse_day(typed) == day


@pytest.mark.parametrize("typed", [
    "12/31/2026",  # month first, as a US-English browser would send it
    "31/02/2026",
    "03/2026",
    "hôm nay",
])
def test_a_day_that_is_not_one_is_refused_with_the_form_expected(typed):
    with pytest.raises(ValueError) as refused:
        parse_day(typed)
    assert typed in str(refused.value) and "dd/mm/yyyy" in str(refused.value)


def test_days_are_shown_day_first():
    assert format_day(date(2026, 3, 5)) == "05/03/2026"
    assert format_day("2026-03-05") == "05/03/2026"
    assert format_day(datetime(2026, 3, 5, 10, 30)) == "05/03/2026"
    assert format_day(None) == "" and format_day("05/3/2026") == "05/03/2026"


def test_the_api_takes_a_delegation_typed_day_first(api):
    today = agency_today()
    response = api.post("giamdoc", "/api/v1/delegations", {
        "delegate": "phogiamdoc", "starts_on": today.strftime("%d/%m/%Y"),
        "ends_on": (today + timedelta(days=3)).isoformat(), "password": PASSWORD})
    assert response.status_code == 201, response.text
    assert response.json()["starts_on"] == today.isoformat()
    assert response.json()["ends_on"] == (today + timedelta(days=3)).isoformat()


def test_a_month_first_date_is_refused_naming_the_field(api):
    response = api.post("giamdoc", "/api/v1/delegations", {
        "delegate": "phogiamdoc", "starts_on": "01/01/2099", "ends_on": "12/31/2099",
        "password": PASSWORD})
    assert response.status_code == 422
    body = response.json()
    assert body["detail"].startswith("ends_on: "), body
    assert "12/31/2099" in body["detail"] and "dd/mm/yyyy" in body["detail"]


def test_the_reason_is_in_vietnamese(api):
    response = api.client.post("/api/v1/delegations", headers={**api.as_("giamdoc"), "Accept-Language": "vi"},
                               json={"delegate": "phogiamdoc", "starts_on": "30/02/2099",
                                     "ends_on": "01/03/2099", "password": PASSWORD})
    assert response.status_code == 422
    assert "Không có ngày 30/02/2099" in response.json()["detail"], response.json()


def test_the_delegation_form_types_dates_day_first(client, people):
    login(client, "giamdoc")
    page = client.get("/delegations").text
    field = re.search(r'<input id="f-starts_on"[^>]*>', page).group(0)
    assert 'type="text"' in field and 'placeholder="dd/mm/yyyy"' in field, field
    assert f'value="{agency_today():%d/%m/%Y}"' in field, "the first day defaults to today"
    assert 'type="date"' not in page

    today = agency_today()
    response = post_form(client, "/delegations", {
        "delegate": "phogiamdoc", "starts_on": f"{today:%d/%m/%Y}",
        "ends_on": f"{today + timedelta(days=2):%d/%m/%Y}", "note": "Đi công tác", "password": PASSWORD})
    assert response.status_code == 303, response.text
    listed = client.get("/delegations").text
    assert f"{today + timedelta(days=2):%d/%m/%Y}" in listed

    refused = post_form(client, "/delegations", {
        "delegate": "phogiamdoc", "starts_on": "2026/13/01", "ends_on": f"{today:%d/%m/%Y}",
        "password": PASSWORD})
    assert refused.status_code in (400, 422)
    assert 'id="e-starts_on"' in refused.text and "dd/mm/yyyy" in refused.text
    assert 'value="2026/13/01"' in refused.text, "what was typed is shown again to correct"


def test_the_audit_trail_report_starts_on_a_day_typed_day_first(api, people):
    response = api.get("danhgia", "/api/v1/reports/audit-trail.csv", params={"since": "01/01/2026"})
    assert response.status_code == 200, response.text
    bad = api.get("danhgia", "/api/v1/reports/audit-trail.csv", params={"since": "13/13/2026"})
    assert bad.status_code == 422 and "since" in bad.json()["detail"]


def test_the_audit_trail_filters_by_days_typed_day_first(client, people):
    login(client, "danhgia")
    page = client.get("/audit", params={"since": "01/01/2020", "until": f"{agency_today():%d/%m/%Y}"})
    assert page.status_code == 200
    field = re.search(r'<input name="since"[^>]*>', page.text).group(0)
    assert 'value="01/01/2020"' in field and 'type="text"' in field, field
    assert client.get("/audit", params={"since": "2020-01-01"}).status_code == 200
    assert client.get("/audit", params={"since": "13/13/2020"}).status_code == 422


def test_no_page_offers_the_browsers_own_date_field():
    """``<input type="date">`` shows the browser's locale (mm/dd/yyyy on many machines)."""
    from qms.core.paths import TEMPLATES_DIR

    offending = sorted(str(path.relative_to(TEMPLATES_DIR)) for path in TEMPLATES_DIR.rglob("*.html")
                       if re.search(r'<input[^>]*\stype="?date\b', path.read_text(encoding="utf-8")))
    assert offending == []


def test_the_draft_editor_takes_the_effective_date_day_first(api, client):
    api.create_procedure()
    api.fill("QT-01")
    login(client, "iso")
    page = client.get("/documents/QT-01/versions/1/edit").text
    field = re.search(r'<input id="f-effective_date"[^>]*>', page).group(0)
    assert 'placeholder="dd/mm/yyyy"' in field and 'aria-describedby="h-effective_date"' in field
    etag = html.unescape(re.search(r'name="etag" value="([^"]+)"', page).group(1))
    day = agency_today() + timedelta(days=10)
    saved = post_form(client, "/documents/QT-01/versions/1/edit", {
        "etag": etag, "purpose": "Quy định cách kiểm soát tài liệu.", "content": "Nội dung.",
        "change_summary": "Ban hành lần đầu", "effective_date": f"{day:%d/%m/%Y}", "then": "stay"})
    assert saved.status_code == 303, saved.text
    version = api.get("iso", "/api/v1/documents/QT-01/versions/1").json()
    assert version["effective_date"] == day.isoformat()
    again = client.get("/documents/QT-01/versions/1/edit").text
    assert f'value="{day:%d/%m/%Y}"' in re.search(r'<input id="f-effective_date"[^>]*>', again).group(0)

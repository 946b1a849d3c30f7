"""The forms in force on the home page, with the files people fill in."""

from __future__ import annotations

import samples
from support import login

from qms.accounts.auth import principal_for
from qms.library.form_shelf import form_shelf

FILES = "/api/v1/documents/{code}/versions/1/attachments"


def form_in_force(api, code: str, owner_unit: str, file: bytes | None = None) -> None:
    api.create_procedure(code, f"Biểu mẫu {code}", kind="form", parent_code="QT-01", owner_unit=owner_unit)
    api.fill(code)
    if file is not None:
        response = api.post("iso", FILES.format(code=code),
                            files={"file": (f"{code}.docx", file, samples.DOCX_TYPE)})
        assert response.status_code == 201, response.text
    api.publish(code)


def test_staff_find_the_forms_in_force_on_the_home_page_their_units_first(api, client):
    api.create_procedure()
    api.fill("QT-01")
    api.publish("QT-01")
    form_file = samples.docx()
    form_in_force(api, "BM-QT01-01", "VP", form_file)
    form_in_force(api, "BM-QT01-02", "CCHC")
    api.create_procedure("BM-QT01-03", "Biểu mẫu đang soạn", kind="form", parent_code="QT-01")
    login(client, "nhanvien")  # of CCHC
    page = client.get("/").text
    shelf = page[page.index('id="forms"'):]
    assert shelf.index("BM-QT01-02") < shelf.index("BM-QT01-01"), "the reader's unit first"
    assert 'href="/documents/BM-QT01-01/versions/1/files/BM-QT01-01.docx"' in shelf
    assert "/api/v1/documents/BM-QT01-02/versions/1/record.pdf" in shelf, "no file: the form's own record"
    assert "BM-QT01-03" not in shelf, "a draft is not on the shelf"
    download = client.get("/documents/BM-QT01-01/versions/1/files/BM-QT01-01.docx")
    assert download.status_code == 200 and download.content == form_file


def test_the_shelf_says_when_no_form_is_in_force(api, client):
    login(client, "nhanvien")
    page = client.get("/").text
    assert 'id="forms"' in page and "Chưa có biểu mẫu nào có hiệu lực." in page


def test_a_full_shelf_counts_every_form_in_force(api, db, people):
    api.create_procedure()
    api.fill("QT-01")
    api.publish("QT-01")
    for number in (1, 2, 3):
        form_in_force(api, f"BM-QT01-0{number}", "VP")
    shelf = form_shelf(db, principal_for(db, people["nhanvien"]), limit=2)
    assert ([form.code for form in shelf.forms], shelf.total) == (["BM-QT01-01", "BM-QT01-02"], 3)
    assert all(form.files == [] for form in shelf.forms)

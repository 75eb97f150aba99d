"""The import pages and API: upload, preview with errors in the reader's language, progress, the two
buttons, result; the templates; 4xx for files that are not workbooks or too big; query counts pinned."""

from __future__ import annotations

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ordertaking.customers.models import Customer
from ordertaking.imports import parse
from ordertaking.imports.models import ImportBatch

from .conftest import code, xlsx

pytestmark = pytest.mark.django_db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
C1 = code("91330100MA2C00001")


def _file(content: bytes, name: str = "customers.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=XLSX)


def test_upload_preview_and_import_on_the_pages_in_both_languages(client, catalog, sales_rep):
    client.force_login(sales_rep)
    assert client.get("/imports/new/").status_code == 200
    content = xlsx(["Company name", "Unified social credit code", "Contact name", "Contact phone"],
                   [["页面公司", C1, "刘晓明", "13812345678"], ["=1+1", "", "王五", "+8613812345678"]])
    r = client.post("/imports/new/", {"kind": "customers", "file": _file(content)})
    assert r.status_code == 302
    batch = ImportBatch.objects.get()
    client.cookies["django_language"] = "en"
    html = client.get(r["Location"]).content.decode()
    assert 'data-row="3"' in html and "formula" in html and 'data-testid="commit-valid"' in html
    assert 'data-testid="commit-all"' not in html  # all-or-nothing is not offered while a row is invalid
    client.cookies["django_language"] = "zh-hans"
    html = client.get(f"/imports/{batch.pk}/?errors=1").content.decode()
    assert "公式" in html and 'data-row="2"' not in html
    r = client.post(f"/imports/{batch.pk}/commit/", {"mode": "all"})
    assert r.status_code == 302 and not Customer.objects.filter(name="页面公司").exists()
    client.post(f"/imports/{batch.pk}/commit/", {"mode": "valid"})  # without ticking the confirmation
    assert not Customer.objects.filter(name="页面公司").exists()
    client.post(f"/imports/{batch.pk}/commit/", {"mode": "valid", "confirm": "1"})
    assert Customer.objects.filter(name="页面公司").exists()
    html = client.get(f"/imports/{batch.pk}/").content.decode()
    assert 'id="done"' in html and 'data-testid="imported-count">1<' in html
    progress = client.get(f"/imports/{batch.pk}/progress/?poll=1", HTTP_HX_REQUEST="true")
    assert progress["HX-Refresh"] == "true"


def test_upload_refusals_are_shown_beside_the_file(client, catalog, sales_rep, monkeypatch):
    client.force_login(sales_rep)
    client.cookies["django_language"] = "en"
    r = client.post("/imports/new/", {"kind": "customers", "file": _file(b"a,b\n", "x.csv")})
    assert r.status_code == 422 and "Upload an Excel workbook" in r.content.decode()
    monkeypatch.setattr(parse, "MAX_BYTES", 50)
    r = client.post("/imports/new/", {"kind": "customers", "file": _file(xlsx(["Company name"], [["x"]]))})
    assert r.status_code == 422 and 'data-testid="file-error"' in r.content.decode()
    r = client.post("/imports/new/", {"kind": "products", "file": _file(xlsx(["Company name"], [["x"]]))})
    assert r.status_code == 422  # products is not a choice for a sales rep
    assert not ImportBatch.objects.exists()


def test_pages_by_role(client, catalog, sales_rep, finance_user, admin_user_role):
    client.force_login(finance_user)
    assert client.get("/imports/").status_code == 403
    assert client.get("/imports/template/customers/").status_code == 403
    client.force_login(sales_rep)
    assert client.get("/imports/template/products/").status_code == 403
    client.cookies["django_language"] = "en"
    r = client.get("/imports/template/customers/")
    from openpyxl import load_workbook

    wb = load_workbook(BytesIO(r.content))
    assert r["Content-Type"] == XLSX and wb.worksheets[0]["A1"].value == "Company name*"
    client.force_login(admin_user_role)
    assert client.get("/imports/template/products/").status_code == 200


def test_the_list_page_query_count_is_pinned(client, catalog, sales_rep, upload, django_assert_max_num_queries):
    for i in range(8):
        upload(sales_rep, "customers", ["公司名称"], [[f"公司{i}"]], name=f"f{i}.xlsx")
    client.force_login(sales_rep)
    with django_assert_max_num_queries(12):
        html = client.get("/imports/").content.decode()
    assert html.count('href="/imports/') >= 8
    batch = ImportBatch.objects.first()
    assert batch is not None
    with django_assert_max_num_queries(14):
        assert client.get(f"/imports/{batch.pk}/").status_code == 200


def test_others_see_cells_masked_and_only_their_visible_batches(client, catalog, sales_rep, sales_rep2, cs_agent,
                                                                upload):
    batch = upload(sales_rep, "customers", ["公司名称", "联系电话"], [["甲", "13812345678"]])
    client.force_login(sales_rep2)
    assert client.get(f"/imports/{batch.pk}/").status_code == 404  # another rep's import
    client.force_login(cs_agent)  # sees every customer and edits them: sees the batch, masked
    html = client.get(f"/imports/{batch.pk}/").content.decode()
    assert "138****5678" in html and "13812345678" not in html and 'id="commit"' not in html
    client.force_login(sales_rep)
    assert "13812345678" in client.get(f"/imports/{batch.pk}/").content.decode()


def test_api_upload_status_rows_commit(client, catalog, sales_rep, monkeypatch):
    client.force_login(sales_rep)
    content = xlsx(["公司名称", "统一社会信用代码"], [["接口公司", C1], ["坏公司", "123"]])
    r = client.post("/api/v1/imports", {"kind": "customers", "file": _file(content)})
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["state"] == "ready" and body["percent"] == 100 and body["rows_invalid"] == 1
    pk = body["id"]
    client.cookies["django_language"] = "en"
    rows = client.get(f"/api/v1/imports/{pk}/rows?errors_only=true").json()
    assert rows["count"] == 1 and rows["items"][0]["row"] == 3
    err = rows["items"][0]["errors"][0]
    assert err["column"] == "credit_code" and "18 characters" in err["message"]
    r = client.post(f"/api/v1/imports/{pk}/commit", {"mode": "all"}, content_type="application/json")
    assert r.status_code == 409 and r.json()["code"] == "rows_invalid"
    r = client.post(f"/api/v1/imports/{pk}/commit", {"mode": "valid"}, content_type="application/json")
    assert r.status_code == 202 and r.json()["state"] == "done" and r.json()["rows_imported"] == 1
    assert client.get(f"/api/v1/imports/{pk}").json()["rows_imported"] == 1
    assert client.get("/api/v1/imports").json()["count"] == 1
    # refusals: not a workbook, too big, a kind the user may not import
    r = client.post("/api/v1/imports", {"kind": "customers", "file": _file(b"hello", "a.xlsx")})
    assert r.status_code == 422 and r.json()["field"] == "file"
    r = client.post("/api/v1/imports", {"kind": "products", "file": _file(content)})
    assert r.status_code == 403
    monkeypatch.setattr(parse, "MAX_BYTES", 10)
    r = client.post("/api/v1/imports", {"kind": "customers", "file": _file(content)})
    assert r.status_code == 422 and r.json()["code"] == "too_big"
    assert client.get("/api/v1/imports/templates/customers").status_code == 200
    assert client.get("/api/v1/imports/templates/prices").status_code == 403

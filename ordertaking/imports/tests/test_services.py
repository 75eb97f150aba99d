"""Excel import (issue 12, "Excel in and out"): preview writes nothing, per-row errors by row and column
in both languages, all or nothing, only the valid rows when chosen, re-checked at import, no half-written
batch when the database fails midway, permissions."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO

import pytest
from django.db import IntegrityError
from django.utils import translation
from openpyxl import load_workbook

from ordertaking.audit.models import AuditEvent
from ordertaking.catalog.models import Product
from ordertaking.common.errors import Conflict, PermissionDenied, ValidationFailed
from ordertaking.customers.models import Contact, Customer
from ordertaking.imports import selectors, services
from ordertaking.imports.models import ImportBatch

from .conftest import code, xlsx

pytestmark = pytest.mark.django_db

C_HEAD = ["公司名称", "统一社会信用代码", "省份", "城市", "联系人姓名", "联系电话", "联系邮箱"]
C1 = code("91330100MA2B00001")
C2 = code("91330100MA2B00002")


def _messages(batch, lang):  # type: ignore[no-untyped-def]
    """{row number: {column label: [messages]}} in `lang`."""
    out: dict = {}
    with translation.override(lang):
        for row in selectors.batch_rows(batch=batch, errors_only=True):
            view = selectors.row_view(user=batch.created_by, batch=batch, row=row)
            for m in view["messages"]:
                out.setdefault(row.number, {}).setdefault(m["column"], []).append(m["message"])
    return out


def test_customers_preview_writes_nothing_then_import_all_creates_them_with_events(upload, catalog, sales_rep):
    before = Customer.objects.count()
    batch = upload(sales_rep, "customers", C_HEAD, [
        ["杭州一号机械有限公司", C1, "上海市", "上海市", "刘晓明", "13812345678", "liu@example.cn"],
        ["杭州二号机械有限公司", C2, "SH", "上海市", "", "", ""],
    ])
    assert batch.state == "ready" and batch.rows_total == 2 and batch.rows_invalid == 0
    assert batch.percent == 100 and batch.rows_done == 2
    assert Customer.objects.count() == before  # the preview wrote nothing
    assert not AuditEvent.objects.filter(action="customer.created").exists()

    batch = services.batch_commit(actor=sales_rep, batch=batch, mode="all")
    assert batch.state == "done" and batch.rows_imported == 2
    one = Customer.objects.get(credit_code=C1)
    assert one.sales_rep == sales_rep and one.region is not None and one.region.code == "SH"  # the rep: who imported
    assert Contact.objects.get(customer=one).phone == "13812345678"
    assert AuditEvent.objects.filter(action="customer.created").count() == 2
    ev = AuditEvent.objects.get(action="import_batch.imported")
    assert ev.after is not None and ev.after["rows_imported"] == 2 and ev.after["import_kind"] == "customers"
    assert [r.outcome for r in batch.rows.order_by("number")] == ["created", "created"]


BAD: list[list[str | None]] = [
    ["好公司", C1, "上海市", "上海市", "张三", "13812345678", ""],          # 2 valid
    ["重复公司", C1, "", "", "", "", ""],                                  # 3 same code as row 2
    ["已有公司", None, "火星", "", "", "", ""],                             # 4 unknown province
    ["校验位错", C2[:17] + ("0" if C2[17] != "0" else "1"), "", "", "", "", ""],  # 5 bad check char
    ["电话错", None, "", "", "王五", "12345", "not-an-email"],             # 6 phone
    ['=HYPERLINK("http://evil.example","点此")', None, "", "", "", "", ""],  # 7 formula
    ["@SUM(A1)", None, "", "", "", "", ""],                               # 8
    ["公司甲", None, "", "", "", "+1", ""],                                # 9
    ["公司乙", None, "", "", "", "-1+2", ""],                              # 10
    [None, None, "上海市", "", "", "", ""],                                # 11 name missing
]


def test_bad_rows_are_refused_by_row_and_column_in_both_languages(upload, catalog, sales_rep, customer):
    rows = [list(r) for r in BAD] + [["另一家", customer.credit_code, "", "", "", "", ""]]  # 12 in the database
    batch = upload(sales_rep, "customers", C_HEAD, rows)
    assert batch.state == "ready" and batch.rows_total == 11 and batch.rows_invalid == 10
    zh = _messages(batch, "zh-hans")
    en = _messages(batch, "en")
    assert 2 not in zh
    assert "第 2 行" in zh[3]["统一社会信用代码"][0] or "2" in zh[3]["统一社会信用代码"][0]
    assert "Row 2 of this file" in en[3]["Unified social credit code"][0]
    assert en[4]["Province"] == ["No province with this name or code."]
    assert "check character" in en[5]["Unified social credit code"][0]
    assert "mobile" in en[6]["Contact phone"][0]
    for number, column, char in ((7, "Company name", "="), (8, "Company name", "@"), (9, "Contact phone", "+"),
                                 (10, "Contact phone", "-")):
        assert f"“{char}”" in en[number][column][0] and "formula" in en[number][column][0]
        assert "公式" in zh[number][{"Company name": "公司名称", "Contact phone": "联系电话"}[column]][0]
    assert en[11]["Company name"] == ["This column is required."]
    assert f"already exists: {customer.name}" in en[12]["Unified social credit code"][0]
    assert "已存在" in zh[12]["统一社会信用代码"][0]
    # all or nothing: refused while a row is invalid, and nothing was written
    with pytest.raises(Conflict):
        services.batch_commit(actor=sales_rep, batch=batch, mode="all")
    assert not Customer.objects.filter(name="好公司").exists()


def test_only_the_valid_rows_when_chosen(upload, catalog, sales_rep):
    batch = upload(sales_rep, "customers", C_HEAD, [list(r) for r in BAD])
    batch = services.batch_commit(actor=sales_rep, batch=batch, mode="valid")
    assert batch.state == "done" and batch.rows_imported == 1 and batch.rows_invalid == 9
    assert list(Customer.objects.filter(name__in=[r[0] for r in BAD]).values_list("name", flat=True)) == ["好公司"]
    ev = AuditEvent.objects.get(action="import_batch.imported")
    assert ev.after is not None and ev.after["rows_skipped"] == 9 and ev.after["import_mode"] == "valid"
    assert batch.rows.filter(outcome="skipped").count() == 9


def test_rows_are_checked_again_at_import_and_nothing_is_written_if_one_became_invalid(upload, catalog, sales_rep,
                                                                                       admin_user_role):
    batch = upload(sales_rep, "customers", C_HEAD, [["甲公司", C1, "", "", "", "", ""],
                                                    ["乙公司", C2, "", "", "", "", ""]])
    assert batch.rows_invalid == 0
    from ordertaking.customers.services import customer_create

    customer_create(actor=admin_user_role, name="抢先公司", credit_code=C2)  # someone enters it meanwhile
    batch = services.batch_commit(actor=sales_rep, batch=batch, mode="all")
    assert batch.state == "ready" and batch.outcome == "rows_refused" and batch.rows_invalid == 1
    assert not Customer.objects.filter(name__in=["甲公司", "乙公司"]).exists()
    assert "抢先公司" in _messages(batch, "zh-hans")[3]["统一社会信用代码"][0]


def test_a_database_error_midway_writes_nothing(upload, catalog, sales_rep, monkeypatch):
    batch = upload(sales_rep, "customers", C_HEAD, [["甲公司", C1, "", "", "", "", ""],
                                                    ["乙公司", C2, "", "", "", "", ""]])
    from ordertaking.customers import services as customer_services

    real = customer_services.customer_create
    calls = []

    def failing(**kw):  # type: ignore[no-untyped-def]
        calls.append(kw["name"])
        if len(calls) == 2:
            raise IntegrityError("disk full")
        return real(**kw)

    monkeypatch.setattr(customer_services, "customer_create", failing)
    batch = services.batch_commit(actor=sales_rep, batch=batch, mode="valid")
    assert calls == ["甲公司", "乙公司"]
    assert batch.state == "failed" and batch.outcome == "error" and batch.rows_imported == 0
    assert not Customer.objects.filter(name="甲公司").exists()
    assert not AuditEvent.objects.filter(action__in=["customer.created", "import_batch.imported"]).exists()
    # the uploader checks the rows again and imports them once the database is back
    monkeypatch.setattr(customer_services, "customer_create", real)
    batch = services.batch_recheck(actor=sales_rep, batch=batch)
    assert batch.state == "ready" and batch.rows_invalid == 0
    batch = services.batch_commit(actor=sales_rep, batch=batch, mode="all")
    assert batch.state == "done" and Customer.objects.filter(name__in=["甲公司", "乙公司"]).count() == 2


def test_contacts_of_existing_customers_by_code_or_name(upload, customer, sales_rep):
    batch = upload(sales_rep, "contacts", ["Customer", "Contact name", "Phone", "Email", "Primary contact"], [
        [customer.credit_code, "孙工", "021-12345678", "", "否"],
        [customer.name, "钱工", 13900001111, "qian@example.cn", "是"],
        ["不存在的公司", "赵工", "13900002222", "", ""],
        [customer.name, "李工", "13900001111", "", "maybe"],
    ])
    en = _messages(batch, "en")
    assert set(en) == {4, 5}
    assert en[4]["Customer"] == ["No customer you can see has this unified social credit code or name."]
    assert en[5]["Primary contact"] == ["Enter yes or no (是 or 否)."]
    services.batch_commit(actor=sales_rep, batch=batch, mode="valid")
    assert set(customer.contacts.values_list("name", flat=True)) >= {"孙工", "钱工"}
    assert customer.contacts.get(is_primary=True).name == "钱工"
    assert AuditEvent.objects.filter(action="customer.contact_added").count() == 2


P_HEAD = ["Product code", "Product name", "Category", "List price", "Floor price", "VAT rate (%)",
          "Product or service", "Needs production"]


def test_products_by_the_catalog_maintainer(upload, catalog, admin_user_role):
    batch = upload(admin_user_role, "products", P_HEAD, [
        ["MOT-101", "新电机", "MOT", 3300, "2900.00", "13%", "产品", "是"],
        ["SVC-101", "培训", "服务", "¥1,000.00", 800, None, "Service", None],
        ["MOT-102", "贵电机", "MOT", 100, 200, 13, "", ""],               # floor above list
        ["MOT-103", "坏价格", "MOT", "abc", 1, 13, "", ""],                # not a number
        ["MOT-001", "重复", "MOT", 100, 50, 13, "", ""],                   # code in the catalog
        ["MOT-104", "未知类", "XXX", 100, 50, 7, "", ""],                  # unknown category, bad rate
    ])
    en = _messages(batch, "en")
    assert set(en) == {4, 5, 6, 7}
    assert "floor" in " ".join(en[4]["Floor price"]).lower()
    assert en[5]["List price"] == ["Enter a number, e.g. 3200.00."]
    assert "already in the catalog" in en[6]["Product code"][0]
    assert en[7]["Category"] == ["No category with this code or name."] and "13%" in en[7]["VAT rate (%)"][0]
    zh = _messages(batch, "zh-hans")
    assert "底价" in " ".join(zh[4]["底价"])
    services.batch_commit(actor=admin_user_role, batch=batch, mode="valid")
    svc = Product.objects.get(code="SVC-101")
    assert svc.kind == "service" and svc.tax_rate == 6 and svc.list_price == Decimal("1000.00")
    assert Product.objects.get(code="MOT-101").needs_production is True
    assert AuditEvent.objects.filter(action="product.created").count() == 2


def test_price_policy_updates_existing_products_audited(upload, catalog, admin_user_role):
    batch = upload(admin_user_role, "prices", ["产品编码", "目录价", "底价"], [
        ["MOT-001", "3300.00", "2900.00"],
        ["RED-001", "5600.00", "5000.00"],   # unchanged
        ["NOPE-1", "1", "1"],
        ["SVC-INST", "", ""],
        ["RED-001", "1", "1"],
    ])
    en = _messages(batch, "en")
    assert set(en) == {4, 5, 6}
    assert en[4]["Product code"] == ["No product or service in the catalog has this code."]
    assert en[5]["List price"] == ["Give a list price, a floor price or a VAT rate."]
    assert "Row 3 of this file" in en[6]["Product code"][0]
    services.batch_commit(actor=admin_user_role, batch=batch, mode="valid")
    motor = Product.objects.get(code="MOT-001")
    assert (motor.list_price, motor.floor_price) == (Decimal("3300.00"), Decimal("2900.00"))
    ev = AuditEvent.objects.get(action="product.updated")
    assert ev.after is not None and Decimal(ev.after["list_price"]) == Decimal("3300.00")
    assert [r.outcome for r in ImportBatch.objects.get().rows.order_by("number")][:2] == ["updated", "unchanged"]


def test_who_may_import_what(upload, catalog, sales_rep, admin_user_role, finance_user):
    head, rows = ["Product code", "List price"], [["MOT-001", 1]]
    with pytest.raises(PermissionDenied):
        upload(sales_rep, "prices", head, rows)  # catalog_manage is the administrator's (P2.3.b)
    with pytest.raises(PermissionDenied):
        upload(finance_user, "customers", C_HEAD[:1], [["x"]])
    batch = upload(admin_user_role, "customers", C_HEAD[:1], [["管理员录入公司"]])  # admin holds customer_manage
    with pytest.raises(PermissionDenied):  # only the uploader imports it
        services.batch_commit(actor=sales_rep, batch=batch, mode="all")
    assert upload(admin_user_role, "prices", head, rows).state == "ready"


def test_whole_file_refusals(catalog, sales_rep, monkeypatch):
    def up(content: bytes, name: str = "f.xlsx") -> str:
        with pytest.raises(ValidationFailed) as e:
            services.batch_upload(actor=sales_rep, kind="customers", file_name=name, content=content)
        assert e.value.field == "file"
        return e.value.code

    assert up(b"name,code\n", "f.csv") == "not_xlsx"
    assert up(b"PK\x03\x04 not really a zip") == "not_xlsx"
    assert up(xlsx(["Shoe size"], [["1"]])) == "unknown_column"
    assert up(xlsx(["城市"], [["上海"]])) == "missing_column"
    assert up(xlsx(["公司名称"], [])) == "no_rows"
    monkeypatch.setattr(services.parse, "MAX_ROWS", 3)
    assert up(xlsx(["公司名称"], [[f"公司{i}"] for i in range(4)])) == "too_many_rows"
    monkeypatch.setattr(services.parse, "MAX_BYTES", 100)
    assert up(xlsx(["公司名称"], [["公司"]])) == "too_big"
    assert not ImportBatch.objects.exists()


def test_the_template_round_trips_in_each_language(catalog, admin_user_role):
    from ordertaking.imports.kinds import KINDS
    from ordertaking.imports.template import template_bytes

    for lang in ("zh-hans", "en"):
        with translation.override(lang):
            content = template_bytes(KINDS["products"])
        batch = services.batch_upload(actor=admin_user_role, kind="products", file_name="t.xlsx", content=content)
        batch.refresh_from_db()
        assert batch.rows_total == 1 and batch.rows_invalid == 0, lang  # the example row is valid
    with translation.override("zh-hans"):
        wb = load_workbook(BytesIO(template_bytes(KINDS["customers"])))
    assert wb.worksheets[0]["A1"].value == "公司名称*" and wb.sheetnames[1] == "说明", wb.sheetnames

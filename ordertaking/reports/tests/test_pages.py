"""P4.2.c the statistics page, its Excel tables, the monthly sales analysis job and its list; the API."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from io import BytesIO

import pytest
from django.utils import timezone, translation

from ordertaking.customers.models import Customer
from ordertaking.reports.models import MonthlyReport
from tests.pdftext import pdf_words


def _last_month(today: date) -> date:
    first = date(today.year, today.month, 1)
    return date(first.year - 1, 12, 1) if first.month == 1 else date(first.year, first.month - 1, 1)


@pytest.fixture
def data(catalog, customer, sales_rep, make_order):  # type: ignore[no-untyped-def]
    from tests.credit_grant import customer_credit_grant

    customer_credit_grant(customer, by=sales_rep)
    customer.industry = "=HYPERLINK(\"http://x\",\"点此\")"
    customer.save()
    month = _last_month(timezone.localdate())
    when = datetime(month.year, month.month, 10, 2, 0, tzinfo=UTC)
    make_order(customer, rep=sales_rep, state="approved", region="gd", approved_at=when,
               submitted_at=when - timedelta(hours=6),
               lines=[{"product": "motor", "quantity": "2", "unit_price": "3200.00"}])
    return {"month": month}


def _sheet_rows(content: bytes, index: int = 0) -> list[tuple]:
    from openpyxl import load_workbook

    wb = load_workbook(BytesIO(content))
    return list(wb.worksheets[index].iter_rows(values_only=True))


def test_p4_2_c_statistics_page_in_both_languages(client, data, leader):  # type: ignore[no-untyped-def]
    client.force_login(leader)
    for lang, words in (("en", ["Orders and revenue by month", "Revenue by delivery province", "¥6,400.00"]),
                        ("zh-hans", ["按月订单数与销售额", "按交货省份的销售额", "¥6,400.00"])):
        client.cookies["django_language"] = lang
        r = client.get("/reports/statistics/")
        html = r.content.decode()
        assert r.status_code == 200
        for w in words:
            assert w in html, (lang, w)
    assert "vendor/echarts-5.6.0/echarts.min.js" in html and "echarts-4.9.0/china.json" in html
    assert "<script>" not in html  # CSP: the data is JSON, the code a static file


def test_p4_2_c_statistics_page_refuses_sales_and_shows_a_bad_period_beside_the_field(client, data, sales_rep,
                                                                                       leader):  # type: ignore[no-untyped-def]
    client.force_login(sales_rep)
    assert client.get("/reports/statistics/").status_code == 403
    assert client.get("/reports/statistics/by_month.xlsx").status_code == 403
    assert client.get("/reports/monthly/").status_code == 403
    client.force_login(leader)
    r = client.get("/reports/statistics/", {"month_from": "2026-11", "month_to": "2026-01"},
                   HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 200 and "first month is after its last" in r.content.decode()
    assert client.get("/reports/statistics/", {"month_from": "garbage", "team": "x"}).status_code == 200
    assert client.get("/reports/statistics/nope.xlsx").status_code == 404


def test_p4_2_c_statistics_page_queries_are_fixed(client, data, leader, django_assert_max_num_queries):  # type: ignore[no-untyped-def]
    client.force_login(leader)
    client.get("/reports/statistics/")
    # No rollup yet here: the two live aggregates take one query per month of the 12 (24); with the nightly
    # rollups only the current month is live. The count depends on the period, never on the data.
    with django_assert_max_num_queries(50):
        assert client.get("/reports/statistics/").status_code == 200
    from ordertaking.reports.tests.rollup import refresh

    refresh()
    with django_assert_max_num_queries(30):
        assert client.get("/reports/statistics/").status_code == 200


def test_p4_2_c_each_chart_table_as_excel_with_formulas_neutralised(client, data, leader):  # type: ignore[no-untyped-def]
    client.force_login(leader)
    m = data["month"]
    r = client.get("/reports/statistics/by_industry.xlsx", {"month_from": f"{m:%Y-%m}", "month_to": f"{m:%Y-%m}"},
                   HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in r["Content-Disposition"]
    from openpyxl import load_workbook

    ws = load_workbook(BytesIO(r.content)).worksheets[0]
    cells = {c.value: c for row in ws.iter_rows() for c in row if c.value is not None}
    hostile = cells["=HYPERLINK(\"http://x\",\"点此\")"]
    assert hostile.data_type == "s" and hostile.quotePrefix  # text, never a formula
    rows = _sheet_rows(r.content)
    assert ("=HYPERLINK(\"http://x\",\"点此\")", 1, 6400.0) in rows
    r = client.get("/reports/statistics/all.xlsx")
    from openpyxl import load_workbook as lw

    assert len(lw(BytesIO(r.content)).worksheets) == 12


def test_p4_2_c_the_monthly_job_generates_the_closed_month_once_and_keeps_it(data, leader):  # type: ignore[no-untyped-def]
    from ordertaking.ops.models import JobRun
    from ordertaking.reports.jobs import MONTHLY_JOB, monthly_reports_run

    today = timezone.localdate()
    done = monthly_reports_run(today=today)
    assert f"{data['month']:%Y-%m}" in done
    report = MonthlyReport.objects.get(month=data["month"])
    assert (report.orders, report.revenue) == (1, 6400)
    assert JobRun.objects.filter(job=MONTHLY_JOB, succeeded=True).count() == 1
    generated = report.generated_at
    assert monthly_reports_run(today=today) == []  # nothing missing: nothing regenerated
    report.refresh_from_db()
    assert report.generated_at == generated
    zh, en = pdf_words(bytes(report.pdf_zh)), pdf_words(bytes(report.pdf_en))
    assert "月度销售分析" in zh and "¥6,400.00" in zh and "机械制造" not in zh
    assert "Monthlysalesanalysis" in en and f"{data['month']:%Y-%m}" in en
    rows = _sheet_rows(bytes(report.xlsx_en))
    assert any(r[0] == "Revenue" and r[1] == "¥6,400.00" for r in rows)


def test_p4_2_c_the_current_month_cannot_be_analysed(db):  # type: ignore[no-untyped-def]
    from ordertaking.common.errors import ValidationFailed
    from ordertaking.reports.services import monthly_report_generate

    with pytest.raises(ValidationFailed):
        monthly_report_generate(month=timezone.localdate())


def test_p4_2_c_monthly_analyses_listed_for_leadership_in_the_readers_language(client, data, leader):  # type: ignore[no-untyped-def]
    from ordertaking.reports.jobs import monthly_reports_run

    monthly_reports_run(today=timezone.localdate())
    client.force_login(leader)
    key = f"{data['month']:%Y-%m}"
    r = client.get("/reports/monthly/", HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 200 and key in r.content.decode() and "¥6,400.00" in r.content.decode()
    client.cookies["django_language"] = "en"
    r = client.get(f"/reports/monthly/{key}.pdf")
    assert r.status_code == 200 and "Monthlysalesanalysis" in pdf_words(r.content)
    client.cookies["django_language"] = "zh-hans"
    assert "月度销售分析" in pdf_words(client.get(f"/reports/monthly/{key}.pdf").content)
    assert client.get(f"/reports/monthly/{key}.xlsx").status_code == 200
    assert client.get("/reports/monthly/1999-01.pdf").status_code == 404
    assert client.get(f"/reports/monthly/{key}.exe").status_code == 404
    assert client.get("/reports/monthly/nonsense.pdf").status_code == 404


def test_p4_2_c_statistics_and_monthly_api(client, data, leader, sales_rep):  # type: ignore[no-untyped-def]
    from ordertaking.reports.jobs import monthly_reports_run

    monthly_reports_run(today=timezone.localdate())
    client.force_login(leader)
    m = f"{data['month']:%Y-%m}"
    r = client.get("/api/v1/reports/statistics", {"month_from": m, "month_to": m})
    assert r.status_code == 200, r.content
    charts = {c["key"]: c for c in r.json()["charts"]}
    assert charts["by_region"]["rows"] == [["广东省", 1, "6400.00"]]
    assert charts["review_time"]["rows"] == [[m, 1, 6.0]]
    for bad in ({"month_from": "2026-13"}, {"month_from": "x" * 7}, {"rep": "ghost"}, {"team": "ghost"},
                {"month_from": "2026-11", "month_to": "2026-01"}):
        r = client.get("/api/v1/reports/statistics", bad)
        assert r.status_code == 422, (bad, r.content)
    r = client.get("/api/v1/reports/monthly")
    assert r.status_code == 200 and r.json()["items"][0]["month"] == m
    r = client.get(f"/api/v1/reports/monthly/{m}/file", {"kind": "xlsx", "lang": "en"})
    assert r.status_code == 200 and r.content[:2] == b"PK"
    assert client.get("/api/v1/reports/monthly/1999-01/file").status_code == 404
    assert client.get(f"/api/v1/reports/monthly/{m}/file", {"kind": "exe"}).status_code == 422
    client.force_login(sales_rep)
    assert client.get("/api/v1/reports/statistics").status_code == 403
    assert client.get("/api/v1/reports/monthly").status_code == 403


def test_p4_2_c_nav_shows_statistics_to_its_readers_only(client, data, leader, sales_rep):  # type: ignore[no-untyped-def]
    client.force_login(leader)
    with translation.override("en"):
        html = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "/reports/statistics/" in html and "/reports/search/" in html
    client.force_login(sales_rep)
    html = client.get("/").content.decode()
    assert "/reports/statistics/" not in html and "/reports/search/" in html
    assert Customer.objects.exists()

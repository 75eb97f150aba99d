"""Supervision pages and API (P6.1.a): who sees what, forms re-shown on bad input, the pinned list queries,
the report PDF (Chinese) and Excel, the rectification queue per department."""

from __future__ import annotations

from datetime import timedelta
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone

from ordertaking.supervision import services
from ordertaking.supervision.models import Inspection, RectificationTask
from tests.pdftext import pdf_words

from .fakes import period

pytestmark = pytest.mark.django_db


@pytest.fixture
def checked(auditor, orders, engine):  # type: ignore[no-untyped-def]
    insp = services.inspection_open(actor=auditor, title="十一月接单检查", sample_size=3, seed=3, **period())
    services.inspection_sample(actor=auditor, inspection=insp)
    engine.failing = {insp.samples.order_by("position")[0].order_id}
    services.inspection_check(actor=auditor, inspection=insp)
    insp.refresh_from_db()
    return insp


@pytest.fixture
def task(checked, auditor):  # type: ignore[no-untyped-def]
    f = services.finding_from_check(actor=auditor, sample=checked.samples.order_by("position")[0],
                                    check_code="sod", description="审批人与录入人为同一人。")
    return services.rectification_assign(actor=auditor, finding=f, department="sales",
                                         deadline=timezone.localdate() + timedelta(days=5), instructions="补录审批。")


# --- who sees what ---------------------------------------------------------------------------------------

def test_p6_1_a_the_list_is_for_auditors_and_leadership_and_pins_its_queries(client, auditor, leader, sales_rep,
                                                                            django_assert_max_num_queries):
    for i in range(5):
        services.inspection_open(actor=auditor, title=f"检查 {i}", sample_size=2, **period())
    client.force_login(auditor)
    with django_assert_max_num_queries(12):
        r = client.get(reverse("supervision:inspections"))
    body = r.content.decode()
    assert r.status_code == 200 and body.count('href="/supervision/JC-') == 5
    assert reverse("supervision:inspection_new") in body
    assert client.get(reverse("supervision:inspections") + "?state=closed").content.decode().count(
        'href="/supervision/JC-') == 0
    client.force_login(leader)
    r = client.get(reverse("supervision:inspections"))
    assert r.status_code == 200 and reverse("supervision:inspection_new") not in r.content.decode()
    assert client.get(reverse("supervision:inspection_new")).status_code == 403
    client.force_login(sales_rep)
    assert client.get(reverse("supervision:inspections")).status_code == 403


def test_p6_1_a_the_new_inspection_form_is_reshown_on_bad_input(client, auditor, orders):
    client.force_login(auditor)
    url = reverse("supervision:inspection_new")
    assert client.get(url).status_code == 200
    today = timezone.localdate()
    r = client.post(url, {"title": "检查", "period_from": today, "period_to": today, "method": "stratified",
                          "sample_size": 5})
    assert r.status_code == 422 and "请选择分层依据。" in r.content.decode()
    assert not Inspection.objects.exists()
    r = client.post(url, {"title": "检查", "period_from": today - timedelta(days=3), "period_to": today,
                          "method": "stratified", "stratify_by": "amount", "amount_bands": "1000, 50000",
                          "sample_size": 2, "seed": 42})
    insp = Inspection.objects.get()
    assert r.status_code == 302 and insp.seed == 42 and insp.amount_bands == ["1000.00", "50000.00"]


def test_p6_1_a_the_auditor_samples_checks_and_finds_through_the_page(client, auditor, orders, engine, leader):
    insp = services.inspection_open(actor=auditor, title="页面检查", sample_size=2, seed=9, **period())
    client.force_login(auditor)
    assert client.post(reverse("supervision:inspection_move", args=[insp.number, "sample"])).status_code == 302
    first = insp.samples.order_by("position")[0]
    engine.failing = {first.order_id}
    assert client.post(reverse("supervision:inspection_move", args=[insp.number, "check"])).status_code == 302
    body = client.get(reverse("supervision:inspection", args=[insp.number])).content.decode()
    assert "职责分离" in body and "订单缺少步骤：审核" in body and 'data-testid="make-finding"' in body
    assert first.order.number in body
    r = client.post(reverse("supervision:inspection_move", args=[insp.number, "from_check"]),
                    {"sample": first.pk, "check_code": "sod", "severity": "serious"})
    assert r.status_code == 302 and insp.findings.get().severity == "serious"
    r = client.post(reverse("supervision:inspection_move", args=[insp.number, "finding"]),
                    {"order": "", "severity": "minor", "clause": "xx", "description": "记录不全"})
    assert r.status_code == 422 and "请填写制度条款" in r.content.decode()
    f = insp.findings.get()
    r = client.post(reverse("supervision:inspection_move", args=[insp.number, "assign"]),
                    {"finding": f.pk, "department": "sales", "deadline": timezone.localdate() - timedelta(days=1)})
    assert r.status_code == 422 and "整改期限不能早于今天。" in r.content.decode()
    r = client.post(reverse("supervision:inspection_move", args=[insp.number, "assign"]),
                    {"finding": f.pk, "department": "sales", "deadline": timezone.localdate() + timedelta(days=3)})
    assert r.status_code == 302 and RectificationTask.objects.get().department == "sales"
    client.force_login(leader)  # leadership reads, never acts
    body = client.get(reverse("supervision:inspection", args=[insp.number])).content.decode()
    assert 'data-testid="make-finding"' not in body and 'data-testid="run-checks"' not in body
    assert client.post(reverse("supervision:inspection_move", args=[insp.number, "close"])).status_code == 403


def test_p6_1_a_the_department_sees_and_answers_its_own_tasks(client, task, sales_rep, production_user, auditor2):
    client.force_login(production_user)
    r = client.get(reverse("supervision:tasks"))
    assert r.status_code == 200 and task.number not in r.content.decode()
    assert client.get(reverse("supervision:task", args=[task.number])).status_code == 404
    client.force_login(sales_rep)
    assert task.number in client.get(reverse("supervision:tasks")).content.decode()
    assert task.number in client.get(reverse("home:home")).content.decode()
    url = reverse("supervision:task_move", args=[task.number, "respond"])
    r = client.post(url, {"measures": ""})
    assert r.status_code == 422
    assert client.post(url, {"measures": "已补录审批记录。"}).status_code == 302
    client.force_login(auditor2)
    r = client.post(reverse("supervision:task_move", args=[task.number, "send_back"]), {"note": ""})
    assert r.status_code == 422 and "请说明还缺什么。" in r.content.decode()
    assert client.post(reverse("supervision:task_move", args=[task.number, "close"]), {"note": "核实无误"}
                       ).status_code == 302
    task.refresh_from_db()
    assert task.state == "closed" and task.verified_by == auditor2


# --- the report --------------------------------------------------------------------------------------------

def test_p6_1_a_the_report_pdf_carries_the_finding_in_chinese(client, task, auditor):
    client.force_login(auditor)
    client.cookies["django_language"] = "zh-hans"
    r = client.get(reverse("supervision:report_pdf", args=[task.inspection.number]),
                   HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    words = pdf_words(r.content)
    for text in ("监督检查报告", "审批人与录入人为同一人。", "职责分离", "简单随机抽样", "随机种子", "待整改",
                 task.number):
        assert text in words, text


def test_p6_1_a_the_report_excel_has_a_row_per_sampled_order_and_per_task(client, task, auditor):
    from openpyxl import load_workbook

    client.force_login(auditor)
    r = client.get(reverse("supervision:report_xlsx", args=[task.inspection.number]))
    wb = load_workbook(BytesIO(r.content))
    samples, findings = wb.worksheets[1], wb.worksheets[2]
    assert samples.max_row == 1 + 3
    assert findings.max_row == 2 and findings.cell(row=2, column=6).value == task.number
    assert [c.value for c in samples[1]][-2:] == ["步骤齐全且有序", "职责分离"]


# --- API ---------------------------------------------------------------------------------------------------

def _post(client, url, data):  # type: ignore[no-untyped-def]
    return client.post(url, data, content_type="application/json")


def test_p6_1_a_api_runs_an_inspection_and_refuses_bad_input(client, auditor, auditor2, sales_rep, leader, orders,
                                                             engine):
    client.force_login(auditor)
    base = "/api/v1/supervision/inspections"
    today = timezone.localdate().isoformat()
    r = _post(client, base, {"title": "接口检查", "period_from": today, "period_to": "2000-01-01"})
    assert r.status_code == 422 and r.json()["field"] == "period_to"
    r = _post(client, base, {"title": "接口检查", "period_from": today, "period_to": today, "sample_size": 0})
    assert r.status_code == 422
    r = _post(client, base, {"title": "接口检查", "period_from": "2026-01-01", "period_to": today, "sample_size": 2,
                             "seed": 77})
    assert r.status_code == 201 and r.json()["seed"] == 77
    number = r.json()["number"]
    assert _post(client, f"{base}/{number}/sample", {}).status_code == 200
    engine.failing = set(Inspection.objects.get().samples.values_list("order_id", flat=True))
    r = _post(client, f"{base}/{number}/check", {})
    order_number = r.json()["samples"][0]["order_number"]
    assert r.json()["samples"][0]["checks"][1]["outcome"] == "fail"
    r = _post(client, f"{base}/{number}/findings", {"order_number": order_number, "check_code": "sod",
                                                    "severity": "major"})
    assert r.status_code == 201 and r.json()["clause"] == "P2.3.c"
    fid = r.json()["id"]
    r = _post(client, f"{base}/{number}/findings", {"severity": "major", "clause": "第三条", "description": "x"})
    assert r.status_code == 422 and r.json()["field"] == "clause"
    r = _post(client, f"{base}/{number}/findings/{fid}/rectification",
              {"department": "nobody", "deadline": today})
    assert r.status_code == 422
    r = _post(client, f"{base}/{number}/findings/{fid}/rectification",
              {"department": "sales", "deadline": today, "responsible": "sales1"})
    assert r.status_code == 201
    task = r.json()["number"]
    client.force_login(leader)
    assert client.get(f"{base}/{number}").status_code == 200
    assert _post(client, f"{base}/{number}/close", {}).status_code == 403
    client.force_login(sales_rep)
    assert client.get(base).status_code == 403
    assert [t["number"] for t in client.get("/api/v1/supervision/rectification").json()["items"]] == [task]
    r = _post(client, f"/api/v1/supervision/rectification/{task}/respond", {"measures": "已整改"})
    assert r.status_code == 200 and r.json()["state"] == "responded"
    client.force_login(auditor2)
    r = _post(client, f"/api/v1/supervision/rectification/{task}/verify", {"accept": True})
    assert r.status_code == 200 and r.json()["state"] == "closed"
    client.force_login(auditor)
    r = _post(client, f"{base}/{number}/close", {"conclusion": "完成"})
    assert r.status_code == 200 and r.json()["state"] == "closed"
